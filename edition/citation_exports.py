"""The edition's CSL-JSON record in the formats reference managers import.

BibTeX, RIS, CSL-JSON and COinS, all written from the one record in `edition.csl` so that a
correction there reaches every format. Only the fields a journal article carries are mapped.
"""

import json
import re
from urllib.parse import quote, urlencode

BIBTEX_MEDIA_TYPE = "application/x-bibtex"
RIS_MEDIA_TYPE = "application/x-research-info-systems"
CSL_JSON_MEDIA_TYPE = "application/vnd.citationstyles.csl+json"

_BIBTEX_LANGID = {"de": "ngerman", "en": "english"}
_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
}
_LATEX_SPECIAL = re.compile("|".join(re.escape(c) for c in _LATEX_SPECIALS))


def bibtex(record: dict) -> str:
    """A biblatex/BibTeX `@article` entry, in UTF-8 (no LaTeX accents: biber and modern BibTeX
    read UTF-8). Words with capitals in the title are braced so that styles that lowercase
    titles leave the German nouns alone."""
    (first, last) = (_page_range(record) + ["", ""])[:2]
    pages = f"{first}--{last}" if last else first
    fields = [
        ("author", " and ".join(_bibtex_name(n) for n in record.get("author", []))),
        ("title", _latex_protecting_capitals(record.get("title", ""))),
        ("shorttitle", _latex_protecting_capitals(record.get("title-short", ""))),
        ("journal", _latex(record.get("container-title", ""))),
        ("year", _year(record)),
        ("volume", _latex(record.get("volume", ""))),
        ("number", _latex(record.get("issue", ""))),
        ("pages", pages),
        ("publisher", _latex(record.get("publisher", ""))),
        ("doi", record.get("DOI", "")),
        ("url", record.get("URL", "")),
        ("langid", _BIBTEX_LANGID.get(record.get("language", ""), record.get("language", ""))),
        ("keywords", _latex(record.get("keyword", ""))),
        ("abstract", _latex(record.get("abstract", ""))),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@article{{{record['id']},\n{body},\n}}\n"


def ris(record: dict) -> str:
    """An RIS record (`TY  - JOUR` … `ER  - `) with the CRLF line ends the format asks for."""
    first, last = (_page_range(record) + ["", ""])[:2]
    lines = [("TY", "JOUR")]
    lines += [("AU", _ris_name(n)) for n in record.get("author", [])]
    lines += [
        ("TI", record.get("title", "")),
        ("ST", record.get("title-short", "")),
        ("T2", record.get("container-title", "")),
        ("PY", _year(record)),
        ("VL", record.get("volume", "")),
        ("IS", record.get("issue", "")),
        ("SP", first),
        ("EP", last),
        ("PB", record.get("publisher", "")),
        ("DO", record.get("DOI", "")),
        ("UR", record.get("URL", "")),
        ("LA", record.get("language", "")),
    ]
    lines += [("KW", keyword) for keyword in _keywords(record)]
    lines.append(("AB", record.get("abstract", "")))
    text = "".join(f"{tag}  - {_one_line(value)}\r\n" for tag, value in lines if value)
    return text + "ER  - \r\n"


def csl_json(record: dict) -> str:
    """A CSL-JSON file: a list of items, here the one record."""
    return json.dumps([record], ensure_ascii=False, indent=2) + "\n"


def coins(record: dict) -> str:
    """The ContextObject (Z39.88-2004, journal format) for a COinS span's `title`."""
    authors = record.get("author", [])
    first, last = (_page_range(record) + ["", ""])[:2]
    pairs = [
        ("ctx_ver", "Z39.88-2004"),
        ("rft_val_fmt", "info:ofi/fmt:kev:mtx:journal"),
        ("rft.genre", "article"),
        ("rft.atitle", record.get("title", "")),
        ("rft.jtitle", record.get("container-title", "")),
        ("rft.volume", record.get("volume", "")),
        ("rft.issue", record.get("issue", "")),
        ("rft.spage", first),
        ("rft.epage", last),
        ("rft.date", _year(record)),
        ("rft.pub", record.get("publisher", "")),
        ("rft.language", record.get("language", "")),
    ]
    if authors:
        pairs += [
            ("rft.aulast", authors[0].get("family", "")),
            ("rft.aufirst", authors[0].get("given", "")),
        ]
    pairs += [("rft.au", _ris_name(n)) for n in authors]
    if record.get("DOI"):
        pairs.append(("rft_id", f"info:doi/{record['DOI']}"))
    if record.get("URL"):
        pairs.append(("rft_id", record["URL"]))
    return urlencode([(k, v) for k, v in pairs if v], quote_via=quote)


def _page_range(record: dict) -> list[str]:
    return [p.strip() for p in re.split(r"[-–]+", record.get("page", "")) if p.strip()]


def _year(record: dict) -> str:
    parts = record.get("issued", {}).get("date-parts", [[]])
    return str(parts[0][0]) if parts and parts[0] else ""


def _keywords(record: dict) -> list[str]:
    return [k.strip() for k in record.get("keyword", "").split(",") if k.strip()]


def _ris_name(name: dict) -> str:
    return ", ".join(part for part in (name.get("family"), name.get("given")) if part)


def _bibtex_name(name: dict) -> str:
    return _latex(_ris_name(name))


def _latex(text: str) -> str:
    return _LATEX_SPECIAL.sub(lambda m: _LATEX_SPECIALS[m.group()], str(text))


def _latex_protecting_capitals(text: str) -> str:
    return "".join(
        f"{{{piece}}}" if any(c.isupper() for c in piece) else _latex(piece)
        for piece in _WORD.split(str(text))
    )


_WORD = re.compile(r"([^\W_]+)")  # letters and digits: never a LaTeX special


def _one_line(value: str) -> str:
    return " ".join(str(value).split())
