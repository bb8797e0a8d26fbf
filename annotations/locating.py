"""Where a W3C target is in the edition: which edition its source names, and which paragraph
and passage its selectors resolve to. The W3C protocol and the importer place annotations
here alike (`locate`).

The selectors are alternatives, tried in the order quote → position → fragment:
1. a quote refining the paragraph's FragmentSelector (this site's own shape), at its position
   when one is given: it must be in that paragraph (`strict`, the protocol) or, in an import,
   is looked for elsewhere too, with a remark;
2. a quote on its own, looked for in every paragraph; the paragraph the source or a fragment
   names, or the document position when the text there is the quote, decides between equal
   places, the prefix and suffix otherwise; a tie is refused, a quote found only approximately
   is taken with a remark, one that runs across paragraphs is refused with the reason;
3. a position on its own: in the paragraph when it refines the fragment, in the reading text
   (`edition.txt`) when it stands alone;
4. the paragraph alone: a note on the whole paragraph.
"""

import re
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from django.urls import Resolver404, resolve

from annotations.anchoring import Anchor, AnchorStatus, anchor_quote
from annotations.services import AnnotationError, TextSelector
from annotations.w3c_targets import PositionSelector, QuoteSelector, W3CTarget
from edition.exporting import edition_text_lines
from edition.models import PUBLIC_ID_REGEX, Edition, Paragraph

# An SSOAR URN ("urn:nbn:de:0168-ssoar-90724-3") carries the number of the SSOAR record.
SSOAR_URN = re.compile(r"ssoar-(\d+)-\d+$")
SSOAR_RECORD = re.compile(r"ssoar\.info/ssoar/(?:bitstream/)?handle/document/(\d+)")
EDITION_VIEWS = ("reading:edition-detail", "reading:paragraph-detail")


@dataclass(frozen=True)
class Located:
    paragraph: Paragraph
    selector: TextSelector | None  # None: the whole paragraph
    remark: str = ""


def url_parts(url: str) -> SplitResult | None:
    """The parts of an http(s) URL, else None (also for one `urlsplit` refuses, such as
    `http://[`, an IPv6 host left open)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return parts if parts.scheme in ("http", "https") else None


def resolve_url(url: str):
    """The view a URL of this site names, on any host; None for another URL."""
    parts = url_parts(url)
    if parts is None:
        return None
    try:
        return resolve(parts.path)
    except Resolver404:
        return None


def edition_for(url: str, editions: list[Edition]) -> tuple[Edition | None, str]:
    """The edition a target source names, and the paragraph if the URL is a paragraph's (or
    ends in `#p12`): this site's pages on any host, the DOI, the URN and its resolver, the
    SSOAR record and its PDF."""
    match = resolve_url(url)
    if match is not None and match.view_name in EDITION_VIEWS:
        edition = next((e for e in editions if e.slug == match.kwargs["slug"]), None)
        fragment = urlsplit(url).fragment
        paragraph_id = match.kwargs.get("public_id") or (
            fragment if re.fullmatch(PUBLIC_ID_REGEX, fragment) else ""
        )
        return edition, paragraph_id
    wanted = _identifier(url)
    return next((e for e in editions if wanted in _identifiers(e)), None), ""


def _identifier(url: str) -> str:
    """A URL or identifier compared without scheme, `www.`, case or trailing slash; an SSOAR
    PDF (bitstream) names the same record as its landing page."""
    value = url.strip().lower()
    value = re.sub(r"^(https?://)?(www\.|dx\.)?", "", value).split("#")[0].rstrip("/")
    value = value.removeprefix("doi:").removeprefix("doi.org/")
    record = SSOAR_RECORD.match(value)
    return f"ssoar.info/ssoar/handle/document/{record[1]}" if record else value


def _identifiers(edition: Edition) -> set[str]:
    found = {_identifier(edition.doi)}
    if edition.urn:
        found |= {_identifier(edition.urn), _identifier(edition.urn_url)}
    if edition.source_url:
        found.add(_identifier(edition.source_url))
    if record := SSOAR_URN.search(edition.urn or ""):
        found.add(f"ssoar.info/ssoar/handle/document/{record[1]}")
    return found


def locate(
    edition: Edition,
    paragraphs: list[Paragraph],
    target: W3CTarget,
    *,
    named_id: str = "",
    strict: bool,
) -> Located:
    """The paragraph and passage of a passage target (see the module's docstring). `named_id`
    is the paragraph the source names; a FragmentSelector's wins over it. Raises
    AnnotationError with the JSON path of the selector at fault."""
    named_id = target.paragraph_id or named_id
    named = next((p for p in paragraphs if p.public_id == named_id), None)
    if named_id and named is None:
        where = target.paragraph_path or f"{target.path}.source"
        raise AnnotationError(where, f"no paragraph {named_id} in edition {edition.slug}")
    if target.quote is not None or target.position is not None:
        return _refined(paragraphs, target, named, strict=strict)
    if target.document_quote is not None:
        return _quoted(edition, paragraphs, target, named)
    if target.document_position is not None:
        paragraph, start, end = document_position(edition, paragraphs, target.document_position)
        return Located(paragraph, TextSelector(start, end, paragraph.text[start:end]))
    if named is not None:
        return Located(named, None)
    if target.unresolved:
        kinds = " and ".join(sorted(set(target.unresolved)))
        raise AnnotationError(
            target.selector_path,
            f"{kinds} describe(s) another rendering's markup, which this edition does not "
            "resolve; add a TextQuoteSelector (the quoted words) or a FragmentSelector naming "
            "the paragraph (p12)",
        )
    raise AnnotationError(
        target.selector_path,
        "a note on the whole edition, not on a passage: this edition annotates paragraphs; "
        "add a TextQuoteSelector or name the paragraph (a FragmentSelector p12, or #p12 in "
        "the source)",
    )


def _refined(
    paragraphs: list[Paragraph], target: W3CTarget, named: Paragraph, *, strict: bool
) -> Located:
    quote, position = target.quote, target.position
    if quote is None or not strict:
        if quote is None:
            return Located(named, paragraph_position(named, position))
        start = position.start if position else None
        paragraph, anchor, remark = find_quote(paragraphs, quote, named, start=start)
        return _placed(paragraph, anchor, remark)
    if position is not None:
        # Both given: the services check that the text at the position is the quote.
        selector = TextSelector(
            position.start, position.end, quote.exact, quote.prefix, quote.suffix
        )
        return Located(named, selector)
    return Located(named, quote_in_paragraph(named, quote))


def _quoted(
    edition: Edition, paragraphs: list[Paragraph], target: W3CTarget, named: Paragraph | None
) -> Located:
    quote = target.document_quote
    if target.document_position is not None:
        try:
            paragraph, start, end = document_position(edition, paragraphs, target.document_position)
        except AnnotationError:
            paragraph = None  # a position counted in another rendering: only the quote counts
        if paragraph is not None and paragraph.text[start:end] == quote.exact:
            anchor = Anchor(AnchorStatus.EXACT, start, end)
            return _placed(paragraph, anchor, "")
    paragraph, anchor, remark = find_quote(paragraphs, quote, named)
    return _placed(paragraph, anchor, remark)


def _placed(paragraph: Paragraph, anchor: Anchor, remark: str) -> Located:
    """The passage as the text has it (its context taken from the text by the services)."""
    start, end = anchor.start, anchor.end
    return Located(paragraph, TextSelector(start, end, paragraph.text[start:end]), remark)


def paragraph_position(paragraph: Paragraph, position: PositionSelector) -> TextSelector:
    text = paragraph.text
    if position.end > len(text):
        raise AnnotationError(
            f"{position.path}.end",
            f"is beyond the end of {paragraph.public_id} ({len(text)} characters)",
        )
    return TextSelector(position.start, position.end, text[position.start : position.end])


def quote_in_paragraph(paragraph: Paragraph, quote: QuoteSelector) -> TextSelector:
    """A quote that must occur exactly once in the paragraph where its prefix and suffix fit."""
    text = paragraph.text
    starts = [
        at
        for at in _occurrences(text, quote.exact)
        if text[:at].endswith(quote.prefix)
        and text[at + len(quote.exact) :].startswith(quote.suffix)
    ]
    if not starts:
        raise AnnotationError(
            f"{quote.path}.exact",
            f"does not occur in {paragraph.public_id} with this prefix and suffix",
        )
    if len(starts) > 1:
        raise AnnotationError(
            f"{quote.path}.exact",
            f"occurs {len(starts)} times in {paragraph.public_id}; add a prefix, a suffix or a "
            "TextPositionSelector",
        )
    start = starts[0]
    return TextSelector(start, start + len(quote.exact), quote.exact, quote.prefix, quote.suffix)


def document_position(
    edition: Edition, paragraphs: list[Paragraph], position: PositionSelector
) -> tuple[Paragraph, int, int]:
    """The paragraph and its characters that a position in the reading text (`edition.txt`)
    covers; a position on a line's head (ID and speaker) or across lines is refused."""
    offset = 0
    for paragraph, head in edition_text_lines(edition, paragraphs):
        text_start = offset + len(head)
        line_end = text_start + len(paragraph.text)
        if position.start < line_end:
            if position.start < text_start or position.end > line_end:
                raise AnnotationError(
                    position.path,
                    f"characters {position.start}–{position.end} of {edition.slug}/edition.txt "
                    f"are not within the text of one paragraph ({paragraph.public_id} is "
                    f"{text_start}–{line_end})",
                )
            return paragraph, position.start - text_start, position.end - text_start
        offset = line_end + 1
    raise AnnotationError(
        f"{position.path}.start",
        f"is beyond the end of {edition.slug}/edition.txt ({max(offset - 1, 0)} characters)",
    )


def find_quote(
    paragraphs: list[Paragraph],
    quote: QuoteSelector,
    named: Paragraph | None,
    *,
    start: int | None = None,
) -> tuple[Paragraph, Anchor, str]:
    """The paragraph and passage of the quote, with a remark when the file said otherwise or
    the words differ; an AnnotationError when it is nowhere, or in several places alike."""
    exact, prefix, suffix = quote.exact, quote.prefix, quote.suffix
    if named is not None:
        anchor = anchor_quote(named.text, exact=exact, prefix=prefix, suffix=suffix, start=start)
        if anchor.is_placed and anchor.status != AnchorStatus.FUZZY:
            return named, anchor, ""
    found = [
        (paragraph, anchor_quote(paragraph.text, exact=exact, prefix=prefix, suffix=suffix))
        for paragraph in paragraphs
        if exact in paragraph.text
    ]
    if not found and (across := _across(paragraphs, exact)):
        raise AnnotationError(
            f"{quote.path}.exact",
            f"the quote “{_short(exact)}” runs across {across[0]}–{across[-1]}; an annotation "
            "here targets one paragraph: annotate each paragraph's part",
        )
    if not found:
        found = [
            (paragraph, anchor)
            for paragraph in paragraphs
            if (anchor := anchor_quote(paragraph.text, exact=exact)).is_placed
        ]
    if not found:
        raise AnnotationError(
            f"{quote.path}.exact", f"the quote “{_short(exact)}” is not in the text"
        )
    agreement = {p.pk: _agreement(p.text, anchor, prefix, suffix) for p, anchor in found}
    most = max(agreement.values())
    best = [(p, anchor) for p, anchor in found if agreement[p.pk] == most]
    if len(best) > 1 and named not in [p for p, _anchor in best]:
        where = ", ".join(p.public_id for p, _anchor in best)
        raise AnnotationError(
            f"{quote.path}.exact",
            f"the quote “{_short(exact)}” is in {where}; its prefix and suffix do not tell which",
        )
    paragraph, anchor = next(((p, a) for p, a in best if p == named), best[0])
    remarks = []
    if named is not None and paragraph != named:
        remarks.append(f"found in {paragraph.public_id}, not in {named.public_id} as the file says")
    if anchor.status == AnchorStatus.FUZZY:
        text = paragraph.text[anchor.start : anchor.end]
        remarks.append(f"found approximately: the text reads “{_short(text)}”")
    return paragraph, anchor, "; ".join(remarks)


def _across(paragraphs: list[Paragraph], exact: str) -> list[str]:
    """The paragraphs a quote runs across (its whitespace read as any break), else []."""
    words = exact.split()
    if len(words) < 2:
        return []
    joined, starts = "", []
    for paragraph in paragraphs:
        starts.append(len(joined))
        joined += " ".join(paragraph.text.split()) + " "
    at = joined.find(" ".join(words))
    if at == -1:
        return []
    end = at + len(" ".join(words))
    covered = [
        p.public_id
        for p, begin, stop in zip(paragraphs, starts, [*starts[1:], len(joined)], strict=True)
        if begin < end and at < stop - 1
    ]
    return covered if len(covered) > 1 else []


def _occurrences(text: str, exact: str) -> list[int]:
    found, at = [], text.find(exact)
    while at != -1:
        found.append(at)
        at = text.find(exact, at + 1)
    return found


def _agreement(text: str, anchor: Anchor, prefix: str, suffix: str) -> int:
    """Characters of the prefix and suffix that the text around the passage agrees with."""
    agree = 0
    for around, given in ((text[: anchor.start][::-1], prefix[::-1]), (text[anchor.end :], suffix)):
        for x, y in zip(around, given, strict=False):
            if x != y:
                break
            agree += 1
    return agree


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
