"""Reading an import file: its size, its JSON, its shape (which format, which items), and
each annotation of it as an `Item`, W3C ones through `w3c.w3c_parse`, Hypothesis rows mapped
here. Nothing is looked up in the database yet."""

import json
import re
from dataclasses import dataclass, field

from annotations import w3c
from annotations.locating import resolve_url
from annotations.models import Annotation
from annotations.services import AnnotationError
from config.json_input import JsonInputError, json_parse

MAX_BYTES = 2 * 1024 * 1024
MAX_ITEMS = 1000

W3C_FORMAT, HYPOTHESIS_FORMAT = "W3C Web Annotation", "Hypothesis"
HYPOTHESIS_IGNORED_SELECTORS = {"TextPositionSelector", "RangeSelector", "PageSelector"}
HYPOTHESIS_EVERYONE = "group:__world__"


class ImportFileError(Exception):
    """The file as a whole cannot be read; nothing is imported. `status` is the HTTP answer."""

    def __init__(self, message: str, *, status: int = 400):
        self.message, self.status = message, status
        super().__init__(message)


class ItemProblem(Exception):
    """One item cannot be imported: `field` is a JSON path into the file."""

    def __init__(self, field: str, reason: str):
        self.field, self.reason = field, reason
        super().__init__(f"{field}: {reason}")


@dataclass
class Quote:
    exact: str
    prefix: str
    suffix: str
    path: str
    start: int | None = None  # where in the named paragraph the file says it is


@dataclass
class Item:
    """One annotation of the file, as far as it can be read without the database."""

    number: int  # from 1
    path: str  # JSON path of the item
    line: int | None
    reference: str  # its `id`
    key: str = ""  # how replies in the file name it
    motivation: str | None = None
    body: str = ""
    tags: list[str] = field(default_factory=list)
    colour: str | None = None
    visibility: str | None = None  # as the file records it
    group: str = ""
    parent_key: str = ""
    parent_iri: str = ""  # W3C: the parent's IRI, for one that is not in the file
    sources: list[str] = field(default_factory=list)
    source_path: str = ""
    paragraph_path: str = ""
    quote: Quote | None = None
    parsed: w3c.W3CAnnotation | None = None

    def at(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name


@dataclass
class FileContents:
    format: str
    items: list[Item]  # readable ones
    unreadable: list[tuple[Item, str, str]]  # item, field, reason

    @property
    def total(self) -> int:
        return len(self.items) + len(self.unreadable)


def file_read(content: bytes) -> FileContents:
    """Every annotation of the file, read or refused; raises ImportFileError for the file."""
    text = _text(content)
    kind, raw_items = _items(_json(text))
    lines = _id_lines(text)
    contents = FileContents(kind, [], [])
    for number, (path, raw) in enumerate(raw_items, start=1):
        reference = _reference(raw)
        item = Item(number=number, path=path, line=lines.get(reference), reference=reference)
        try:
            if kind == W3C_FORMAT:
                item.key = iri_key(reference) if reference else ""
                _read_w3c(item, raw)
            else:
                item.key = reference
                _read_hypothesis(item, raw)
        except ItemProblem as problem:
            contents.unreadable.append((item, problem.field, problem.reason))
        except AnnotationError as error:
            contents.unreadable.append((item, item.at(error.field), error.message))
        else:
            contents.items.append(item)
    return contents


def _text(content: bytes) -> str:
    if len(content) > MAX_BYTES:
        raise ImportFileError(
            f"the file has {len(content):,} bytes; at most {MAX_BYTES:,} can be imported "
            "at once (split it)",
            status=413,
        )
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"not UTF-8 text (byte {exc.start + 1} is not)") from exc


def _json(text: str) -> object:
    try:
        return json_parse(text)
    except JsonInputError as exc:
        if exc.malformed:
            raise ImportFileError(f"not valid JSON: {exc.message}") from exc
        where = "" if exc.field == "request" else f"{exc.field}: "
        raise ImportFileError(f"{where}{exc.message}") from exc


def _items(data: object) -> tuple[str, list[tuple[str, object]]]:
    """The format and each annotation with its JSON path; a collection's `@context` is what
    its embedded items are read with."""
    kind, items = _shape(data)
    if not items:
        raise ImportFileError("the file holds no annotations")
    if len(items) > MAX_ITEMS:
        raise ImportFileError(
            f"the file holds {len(items)} annotations; at most {MAX_ITEMS} can be imported "
            "at once (split it)"
        )
    if kind == W3C_FORMAT and isinstance(data, dict) and "@context" in data:
        items = [
            (path, {"@context": data["@context"], **item})
            if isinstance(item, dict) and "@context" not in item
            else (path, item)
            for path, item in items
        ]
    return kind, items


SHAPE_HELP = (
    "expected W3C Web Annotation JSON-LD (an Annotation, a list of them, an "
    "AnnotationCollection or AnnotationPage) or a Hypothesis export (a list of annotations, "
    '{"annotations": [...]} or {"rows": [...]})'
)


def _shape(data: object) -> tuple[str, list[tuple[str, object]]]:
    if isinstance(data, list):
        first = next((item for item in data if isinstance(item, dict)), None)
        if first is None and data:
            raise ImportFileError(f"a list of something other than annotations; {SHAPE_HELP}")
        kind = HYPOTHESIS_FORMAT if first is not None and _is_hypothesis(first) else W3C_FORMAT
        return kind, [(f"[{n}]", item) for n, item in enumerate(data)]
    if not isinstance(data, dict):
        raise ImportFileError(f"the file holds a single {type(data).__name__}; {SHAPE_HELP}")
    kinds = data.get("type") if isinstance(data.get("type"), list) else [data.get("type")]
    if "Annotation" in kinds:
        return W3C_FORMAT, [("", data)]
    if "AnnotationPage" in kinds:
        return W3C_FORMAT, _page_items(data, "")
    if "AnnotationCollection" in kinds:
        if data.get("total") == 0 and "first" not in data:
            return W3C_FORMAT, []
        first = data.get("first")
        if not isinstance(first, dict):
            raise ImportFileError(
                "first: the collection's page is not embedded; import a file that holds the "
                "annotations themselves (as the export on “My annotations” does)"
            )
        return W3C_FORMAT, _page_items(first, "first")
    for key in ("annotations", "rows"):
        if isinstance(data.get(key), list):
            return HYPOTHESIS_FORMAT, [(f"{key}[{n}]", item) for n, item in enumerate(data[key])]
    raise ImportFileError(f"not a format this site reads; {SHAPE_HELP}")


def _page_items(page: dict, path: str) -> list[tuple[str, object]]:
    prefix = f"{path}." if path else ""
    if page.get("next"):
        raise ImportFileError(
            f"{prefix}next: the collection has more pages than the file holds; import a file "
            "with every annotation embedded"
        )
    items = page.get("items")
    if not isinstance(items, list):
        raise ImportFileError(f"{prefix}items: missing, or not a list of annotations")
    return [(f"{prefix}items[{n}]", item) for n, item in enumerate(items)]


def _is_hypothesis(row: dict) -> bool:
    return "type" not in row and ("uri" in row or isinstance(row.get("target"), list))


def _reference(raw: object) -> str:
    return raw["id"] if isinstance(raw, dict) and isinstance(raw.get("id"), str) else ""


ID_MEMBER = re.compile(r'"id"\s*:\s*("(?:[^"\\]|\\.)*")')


def _id_lines(text: str) -> dict[str, int]:
    """The line of each `"id": "…"` in the file, the first where an id recurs (a W3C reply
    names its parent in `target`, a Hypothesis reply in `references`: neither is an `id`)."""
    lines: dict[str, int] = {}
    line, counted = 1, 0
    for found in ID_MEMBER.finditer(text):
        line += text.count("\n", counted, found.start())
        counted = found.start()
        try:
            lines.setdefault(json.loads(found[1]), line)
        except ValueError:
            continue
    return lines


def _read_w3c(item: Item, raw: object) -> None:
    if isinstance(raw, str):
        raise ItemProblem(item.path, "an IRI, not an annotation: only embedded ones import")
    if not isinstance(raw, dict):
        raise ItemProblem(item.path, "must be an annotation object")
    parsed = w3c.w3c_parse(raw)
    item.parsed = parsed
    item.motivation = parsed.motivation
    item.body, item.tags, item.colour = parsed.note or "", parsed.tags, parsed.colour
    item.visibility, item.group = parsed.visibility, parsed.group or ""
    target = parsed.target
    if target.annotation_iri:
        item.parent_key = iri_key(target.annotation_iri)
        item.parent_iri = target.annotation_iri
        return
    item.sources, item.source_path = [target.source], item.at(f"{target.path}.source")


def _read_hypothesis(item: Item, row: object) -> None:
    if not isinstance(row, dict):
        raise ItemProblem(item.path, "must be an annotation object")
    text, tags = row.get("text") or "", row.get("tags") or []
    if not isinstance(text, str):
        raise ItemProblem(item.at("text"), "must be text")
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        raise ItemProblem(item.at("tags"), "must be a list of strings")
    references = row.get("references") or []
    if not isinstance(references, list) or not all(isinstance(r, str) for r in references):
        raise ItemProblem(item.at("references"), "must be a list of annotation ids")
    item.tags = tags
    item.body = text.rstrip() + _hypothesis_footnote(row) if text.strip() else ""
    permissions = row.get("permissions") or {}
    readers = (permissions.get("read") or []) if isinstance(permissions, dict) else None
    if not isinstance(readers, list):
        raise ItemProblem(
            item.at("permissions.read" if readers is not None else "permissions"),
            "must be an object whose read is a list of who may read it",
        )
    item.visibility = (
        Annotation.Visibility.PUBLIC
        if HYPOTHESIS_EVERYONE in readers
        else Annotation.Visibility.PRIVATE
    )
    if references:
        item.motivation = Annotation.Motivation.REPLYING
        item.parent_key = references[-1]
        return
    item.motivation = (
        Annotation.Motivation.COMMENTING if text.strip() else Annotation.Motivation.HIGHLIGHTING
    )
    targets = row.get("target") or []
    if not isinstance(targets, list) or len(targets) > 1:
        raise ItemProblem(item.at("target"), "must be a list with one target")
    target = targets[0] if targets else {}
    if not isinstance(target, dict):
        raise ItemProblem(item.at("target[0]"), "must be an object with source and selector")
    item.sources = [
        url for url in (target.get("source"), row.get("uri")) if isinstance(url, str) and url
    ]
    item.source_path = item.at("target[0].source" if target.get("source") else "uri")
    item.paragraph_path = item.at("target[0].selector")
    item.quote = _hypothesis_quote(item, target.get("selector"))


def _hypothesis_quote(item: Item, selectors: object) -> Quote | None:
    if selectors is None:
        return None
    if not isinstance(selectors, list):
        raise ItemProblem(item.at("target[0].selector"), "must be a list of selectors")
    quote = None
    for n, selector in enumerate(selectors):
        path = item.at(f"target[0].selector[{n}]")
        kind = selector.get("type") if isinstance(selector, dict) else None
        if not isinstance(kind, str):
            raise ItemProblem(path, "must be a selector object with its type")
        if kind == "TextQuoteSelector":
            exact = selector.get("exact")
            prefix, suffix = selector.get("prefix") or "", selector.get("suffix") or ""
            if not isinstance(exact, str) or not exact.strip():
                raise ItemProblem(f"{path}.exact", "missing: the quoted text")
            if not isinstance(prefix, str) or not isinstance(suffix, str):
                raise ItemProblem(path, "prefix and suffix must be text")
            # The PDF's line breaks and double spaces are the edition's single spaces.
            quote = Quote(_squeezed(exact).strip(), _squeezed(prefix), _squeezed(suffix), path)
        elif kind not in HYPOTHESIS_IGNORED_SELECTORS:
            raise ItemProblem(
                f"{path}.type",
                f"unknown selector {kind!r}; a Hypothesis export has TextQuoteSelector, "
                "TextPositionSelector, RangeSelector (and PageSelector on a PDF)",
            )
    if quote is None and selectors:
        raise ItemProblem(
            item.at("target[0].selector"), "no TextQuoteSelector: nothing tells which words"
        )
    return quote


def _hypothesis_footnote(row: dict) -> str:
    user = row.get("user") if isinstance(row.get("user"), str) else ""
    account = user.removeprefix("acct:").replace("@", " (", 1) + ")" if "@" in user else user
    created = row.get("created") if isinstance(row.get("created"), str) else ""
    said = ", ".join(part for part in (account, created[:10]) if part)
    return f"\n\n*Hypothesis: {said}*" if said else ""


def iri_key(iri: str) -> str:
    """How a file's annotation IRI is matched against another item's `id`: by the annotation's
    UUID where the IRI is this site's (on any host), else as written."""
    match = resolve_url(iri)
    if match is not None and match.view_name in w3c.ANNOTATION_VIEWS:
        return f"uuid:{match.kwargs['uuid']}"
    return iri


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00ad", ""))
