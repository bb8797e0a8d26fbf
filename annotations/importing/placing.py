"""Where an imported annotation goes: the edition its target names and the passage its quote is
found at, in the paragraph the file names or, failing that, in whichever paragraph holds it."""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from annotations import w3c
from annotations.anchoring import Anchor, AnchorStatus, anchor_quote
from annotations.importing.files import Item, ItemProblem, Quote, resolve_url
from annotations.services import TextSelector
from edition.models import PUBLIC_ID_REGEX, Edition, Paragraph

# An SSOAR URN ("urn:nbn:de:0168-ssoar-90724-3") carries the number of the SSOAR record.
SSOAR_URN = re.compile(r"ssoar-(\d+)-\d+$")
SSOAR_RECORD = re.compile(r"ssoar\.info/ssoar/(?:bitstream/)?handle/document/(\d+)")


@dataclass(frozen=True)
class Placed:
    paragraph: Paragraph
    selector: TextSelector | None  # None: the whole paragraph
    remark: str = ""


class Placer:
    """Places the items of one import; the editions and their paragraphs are read once."""

    def __init__(self):
        self.editions = list(Edition.objects.all())
        self.paragraphs: dict[int, list[Paragraph]] = {}

    def place(self, item: Item) -> Placed:
        """Raises ItemProblem (or the AnnotationError of `w3c.text_selector`)."""
        edition, named_id = None, ""
        for source in item.sources:
            edition, named_id = edition_for(source, self.editions)
            if edition is not None:
                break
        if edition is None:
            source = item.sources[0] if item.sources else "none"
            raise ItemProblem(
                item.source_path,
                f"{source} is not an edition of this site (its page, DOI, URN or SSOAR record)",
            )
        paragraphs = self._paragraphs_of(edition)
        named_id = item.paragraph_id or named_id
        named = next((p for p in paragraphs if p.public_id == named_id), None)
        if item.quote is not None:
            paragraph, anchor, remark = find_quote(paragraphs, item.quote, named)
            start, end = anchor.start, anchor.end
            return Placed(paragraph, TextSelector(start, end, paragraph.text[start:end]), remark)
        if named is None:
            raise ItemProblem(
                item.paragraph_path,
                f"no paragraph {named_id} in {edition.slug}"
                if named_id
                else "a note on the whole document, not on a passage: this edition annotates "
                "paragraphs (add it to one by hand)",
            )
        if item.parsed is not None and item.parsed.target.position is not None:
            return Placed(named, w3c.text_selector(named, item.parsed.target))
        return Placed(named, None)

    def _paragraphs_of(self, edition: Edition) -> list[Paragraph]:
        if edition.pk not in self.paragraphs:
            self.paragraphs[edition.pk] = list(
                edition.paragraphs.published().select_related("edition")
            )
        return self.paragraphs[edition.pk]


def edition_for(url: str, editions: list[Edition]) -> tuple[Edition | None, str]:
    """The edition a target source names, and the paragraph if the URL is a paragraph's (or
    ends in `#p12`): this site's pages on any host, the DOI, the URN and its resolver, the
    SSOAR record and its PDF."""
    match = resolve_url(url)
    if match is not None and match.view_name in (
        "reading:edition-detail",
        "reading:paragraph-detail",
    ):
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


def find_quote(
    paragraphs: list[Paragraph], quote: Quote, named: Paragraph | None
) -> tuple[Paragraph, Anchor, str]:
    """The paragraph and passage of the quote, with a remark when the file said otherwise or
    the words differ; an ItemProblem when it is nowhere, or in several places alike."""
    exact, prefix, suffix = quote.exact, quote.prefix, quote.suffix
    if named is not None:
        anchor = anchor_quote(
            named.text, exact=exact, prefix=prefix, suffix=suffix, start=quote.start
        )
        if anchor.is_placed and anchor.status != AnchorStatus.FUZZY:
            return named, anchor, ""
    found = [
        (paragraph, anchor_quote(paragraph.text, exact=exact, prefix=prefix, suffix=suffix))
        for paragraph in paragraphs
        if exact in paragraph.text
    ]
    if not found:
        found = [
            (paragraph, anchor)
            for paragraph in paragraphs
            if (anchor := anchor_quote(paragraph.text, exact=exact)).is_placed
        ]
    if not found:
        raise ItemProblem(f"{quote.path}.exact", f"the quote “{_short(exact)}” is not in the text")
    agreement = {p.pk: _agreement(p.text, anchor, prefix, suffix) for p, anchor in found}
    most = max(agreement.values())
    best = [(p, anchor) for p, anchor in found if agreement[p.pk] == most]
    if len(best) > 1 and named not in [p for p, _anchor in best]:
        where = ", ".join(p.public_id for p, _anchor in best)
        raise ItemProblem(
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
