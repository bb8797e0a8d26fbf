"""A W3C target as other tools write it, read without the database (`target_parse`).

A target is a passage (`source` and its selectors), an annotation's IRI (a reply), or the URL
of a paragraph. A list of selectors is a list of alternatives (Web Annotation Data Model
§4.2); what each one says is kept apart here, and `annotations.locating` takes the first
this edition resolves, in the order quote → position → fragment:

- FragmentSelector (RFC 3986) naming a paragraph ("p12"), refined by a TextQuoteSelector and
  a TextPositionSelector counted in characters of that paragraph: this site's own shape;
- TextQuoteSelector at the top: looked for across the edition (Hypothesis, Recogito, plain W3C);
- TextPositionSelector at the top: characters of the edition's reading text, `edition.txt`
  (one paragraph per line, `p12<TAB>RM: …`); a hint where a quote is given, else the passage;
- XPathSelector, CssSelector, RangeSelector and any other kind describe another rendering's
  markup (the page as Hypothesis saw it): kept, sent back, never resolved.

Every selector the client sent is kept (`kept`) so that the annotation goes back out as it came
in, this site's FragmentSelector added in front. One that is this site's own shape is not kept
twice: it is the one written afresh.
"""

import re
from dataclasses import dataclass

from annotations.services import AnnotationError
from edition.models import PUBLIC_ID_REGEX

RFC3986 = "http://tools.ietf.org/rfc/rfc3986"
RFC3986_ALIASES = {
    RFC3986,
    "https://tools.ietf.org/rfc/rfc3986",
    "https://www.rfc-editor.org/rfc/rfc3986",
}
# Kinds this edition cannot resolve, but keeps and sends back.
MARKUP_SELECTORS = {
    "XPathSelector",
    "CssSelector",
    "RangeSelector",
    "DataPositionSelector",
    "SvgSelector",
}
SELECTORS_MAX = 10


@dataclass(frozen=True)
class QuoteSelector:
    exact: str
    prefix: str
    suffix: str
    path: str


@dataclass(frozen=True)
class PositionSelector:
    start: int
    end: int
    path: str


@dataclass(frozen=True)
class W3CTarget:
    """Either a passage of the edition or an annotation's IRI. `quote` and `position` refine a
    FragmentSelector (within the paragraph it names); `document_quote` and `document_position`
    stand alone (within the edition)."""

    path: str
    annotation_iri: str = ""
    source: str = ""
    paragraph_id: str = ""
    paragraph_path: str = ""
    quote: QuoteSelector | None = None
    position: PositionSelector | None = None
    document_quote: QuoteSelector | None = None
    document_position: PositionSelector | None = None
    unresolved: tuple[str, ...] = ()  # kinds kept but not resolved, e.g. XPathSelector
    kept: tuple = ()  # the client's selectors, as sent, but for this site's own shape

    @property
    def selector_path(self) -> str:
        return f"{self.path}.selector"


def _items(value, path: str) -> list[tuple[str, object]]:
    if isinstance(value, list):
        return [(f"{path}[{n}]", item) for n, item in enumerate(value)]
    return [(path, value)]


def target_parse(value: object) -> W3CTarget:
    if value is None:
        raise AnnotationError("target", "missing")
    items = _items(value, "target")
    if len(items) != 1:
        raise AnnotationError(
            "target", "exactly one target: a passage of the edition or an annotation"
        )
    path, target = items[0]
    if isinstance(target, str):
        return W3CTarget(path=path, annotation_iri=target)
    if not isinstance(target, dict):
        raise AnnotationError(path, "must be an object with source and selector, or an IRI")
    if "source" not in target and "selector" not in target and isinstance(target.get("id"), str):
        return W3CTarget(path=path, annotation_iri=target["id"])
    source = target.get("source")
    if not isinstance(source, str):
        raise AnnotationError(f"{path}.source", "missing: the URL of the edition")
    found = _Selectors(path)
    if target.get("selector") is not None:
        selectors = _items(target["selector"], f"{path}.selector")
        if len(selectors) > SELECTORS_MAX:
            raise AnnotationError(f"{path}.selector", f"at most {SELECTORS_MAX} selectors")
        for spath, selector in selectors:
            found.read(selector, spath)
    elif "selector" in target:
        raise AnnotationError(f"{path}.selector", "must be a selector or a list of them")
    return W3CTarget(
        path=path,
        source=source,
        paragraph_id=found.paragraph_id,
        paragraph_path=found.paragraph_path,
        quote=found.quote,
        position=found.position,
        document_quote=found.document_quote,
        document_position=found.document_position,
        unresolved=tuple(found.unresolved),
        kept=tuple(found.kept),
    )


class _Selectors:
    """What the alternatives of one target say; the first of each kind counts."""

    def __init__(self, path: str):
        self.path = path
        self.paragraph_id = self.paragraph_path = ""
        self.quote = self.position = None
        self.document_quote = self.document_position = None
        self.unresolved: list[str] = []
        self.kept: list[dict] = []

    def read(self, selector: object, path: str) -> None:
        if not isinstance(selector, dict):
            raise AnnotationError(path, "must be a selector object with its type")
        kind = selector.get("type")
        if not isinstance(kind, str):
            raise AnnotationError(f"{path}.type", "missing: the kind of selector")
        if kind == "FragmentSelector" and self._paragraph_fragment(selector, path):
            return
        self.kept.append(selector)
        if kind == "TextQuoteSelector":
            _no_refinement(selector, path)
            if self.document_quote is None:
                self.document_quote = quote_parse(selector, path)
        elif kind == "TextPositionSelector":
            _no_refinement(selector, path)
            if self.document_position is None:
                self.document_position = position_parse(selector, path)
        elif kind == "FragmentSelector":
            self.unresolved.append(kind)
        elif kind in MARKUP_SELECTORS:
            self.unresolved.append(kind)
        else:
            raise AnnotationError(
                f"{path}.type",
                f"unknown selector {kind!r}: this edition reads FragmentSelector, "
                "TextQuoteSelector and TextPositionSelector, and keeps "
                f"{', '.join(sorted(MARKUP_SELECTORS))}",
            )

    def _paragraph_fragment(self, selector: dict, path: str) -> bool:
        """Whether the selector is this site's own shape (a paragraph ID, RFC 3986), read into
        the paragraph and its refinements. A fragment of another kind is kept unread."""
        conforms_to = selector.get("conformsTo")
        if conforms_to is not None and not isinstance(conforms_to, str):
            raise AnnotationError(f"{path}.conformsTo", "must be the IRI of a specification")
        if conforms_to is not None and conforms_to not in RFC3986_ALIASES:
            return False  # a media fragment, a PDF page: another document's
        value = selector.get("value")
        if not isinstance(value, str) or not re.fullmatch(PUBLIC_ID_REGEX, value):
            raise AnnotationError(f"{path}.value", "must be a paragraph ID such as p12")
        if self.paragraph_id:
            raise AnnotationError(path, "a second FragmentSelector naming a paragraph")
        self.paragraph_id, self.paragraph_path = value, f"{path}.value"
        refinements = selector.get("refinedBy")
        items = [] if refinements is None else _items(refinements, f"{path}.refinedBy")
        if len(items) > 2:
            raise AnnotationError(
                f"{path}.refinedBy", "at most a TextQuoteSelector and a TextPositionSelector"
            )
        for rpath, refinement in items:
            if not isinstance(refinement, dict):
                raise AnnotationError(rpath, "must be a selector object")
            _no_refinement(refinement, rpath)
            kind = refinement.get("type")
            if kind == "TextQuoteSelector" and self.quote is None:
                self.quote = quote_parse(refinement, rpath)
            elif kind == "TextPositionSelector" and self.position is None:
                self.position = position_parse(refinement, rpath)
            elif kind in ("TextQuoteSelector", "TextPositionSelector"):
                raise AnnotationError(rpath, f"a second {kind}")
            else:
                raise AnnotationError(
                    f"{rpath}.type", "must be TextQuoteSelector or TextPositionSelector"
                )
        return True


def _no_refinement(selector: dict, path: str) -> None:
    if "refinedBy" in selector:
        raise AnnotationError(f"{path}.refinedBy", "a text selector cannot be refined further here")


def quote_parse(selector: dict, path: str) -> QuoteSelector:
    exact = selector.get("exact")
    if not isinstance(exact, str) or not exact:
        raise AnnotationError(f"{path}.exact", "missing: the quoted text")
    context = {}
    for key in ("prefix", "suffix"):
        value = selector.get(key, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise AnnotationError(f"{path}.{key}", "must be text")
        context[key] = value
    return QuoteSelector(exact, context["prefix"], context["suffix"], path)


def position_parse(selector: dict, path: str) -> PositionSelector:
    numbers = {}
    for key in ("start", "end"):
        value = selector.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise AnnotationError(f"{path}.{key}", "must be a non-negative integer")
        numbers[key] = value
    if numbers["start"] >= numbers["end"]:
        raise AnnotationError(f"{path}.end", "must be greater than start")
    return PositionSelector(numbers["start"], numbers["end"], path)
