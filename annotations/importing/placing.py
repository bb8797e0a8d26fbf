"""Where an imported annotation goes: the edition its target names and the passage its quote is
found at, in the paragraph the file names or, failing that, in whichever paragraph holds it. A
W3C item is placed by `locating.locate`, as the protocol places what it is sent."""

from dataclasses import dataclass

from annotations import locating
from annotations.importing.files import Item, ItemProblem
from annotations.services import AnnotationError, TextSelector
from edition.models import Edition, Paragraph


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
        """Raises ItemProblem (or an AnnotationError of `locating`)."""
        edition, named_id = None, ""
        for source in item.sources:
            edition, named_id = locating.edition_for(source, self.editions)
            if edition is not None:
                break
        if edition is None:
            source = item.sources[0] if item.sources else "none"
            raise ItemProblem(
                item.source_path,
                f"{source} is not an edition of this site (its page, DOI, URN or SSOAR record)",
            )
        paragraphs = self._paragraphs_of(edition)
        if item.parsed is not None:
            located = locating.locate(
                edition, paragraphs, item.parsed.target, named_id=named_id, strict=False
            )
            return Placed(located.paragraph, located.selector, located.remark)
        named = next((p for p in paragraphs if p.public_id == named_id), None)
        if item.quote is not None:
            try:
                paragraph, anchor, remark = locating.find_quote(paragraphs, item.quote, named)
            except AnnotationError as error:  # its path is the file's already
                raise ItemProblem(error.field, error.message) from error
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
        return Placed(named, None)

    def _paragraphs_of(self, edition: Edition) -> list[Paragraph]:
        if edition.pk not in self.paragraphs:
            self.paragraphs[edition.pk] = list(
                edition.paragraphs.published().select_related("edition")
            )
        return self.paragraphs[edition.pk]
