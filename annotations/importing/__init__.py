"""Annotations from a file: W3C Web Annotation JSON-LD and Hypothesis exports.

What a file may hold (`files`; at most MAX_BYTES, MAX_ITEMS annotations, UTF-8 JSON):
- W3C: one Annotation, a list of them, or an AnnotationCollection / AnnotationPage whose items
  are embedded (what `exporting` writes). Each is read by `w3c.w3c_parse`, as strictly as the
  protocol reads it; a reply's target is the IRI of an annotation in the same file or, failing
  that, of one on this site the reader can see.
- Hypothesis: the client's export (`{"annotations": [...]}`), an API search result
  (`{"rows": [...]}`) or a plain list of rows, made on this edition's page, its DOI, its URN or
  its SSOAR record. A reply names its thread in `references`; the last one is its parent, which
  must be in the same file. TextQuoteSelector places the passage; TextPositionSelector,
  RangeSelector and PageSelector describe the PDF or page Hypothesis saw and are not trusted
  here; any other selector is refused. A page note (no selector) is taken only on a paragraph's
  own URL, as a note on that paragraph.

How a passage is found (`placing`): the quote (a Hypothesis quote with the PDF's runs of
whitespace made single spaces) is looked for with `anchoring.anchor_quote` in the paragraph the
file names (a W3C FragmentSelector, a paragraph URL) and otherwise in every paragraph of the
edition; where several paragraphs hold it, the one whose text agrees most with the prefix and
suffix wins, and a tie is reported, not guessed. A quote found elsewhere than the file says, or
only approximately, is taken with a remark. The edition's URL is recognised on any host, so a
file exported from another copy of this site imports too.

Nothing is dropped silently (`writing`): every item is imported or reported with its number,
the line its `id` is on, a JSON path and a reason. By default an import is all-or-nothing (one
problem and nothing is saved, with the full report); `partial` takes what can be placed and
reports the rest. Writes go through `services.annotation_create`, in one transaction.

Who and who sees it: the importing reader becomes the author. Notes are private unless the
reader asks for public ones, or for the visibility the file records (W3C `edition:visibility`
and `edition:group`, only for groups the reader belongs to; Hypothesis: public when shared
with everyone). A reply to an annotation already on the site shares its thread's audience, so
it is imported only when the reader chose more than private or the thread is private. The
W3C `creator` and dates are not kept (the site records who wrote what here, and when); a
Hypothesis note ends with a line naming its Hypothesis account and date, so that notes from a
group's export are not passed off as the reader's own (a highlight has no note to carry it).
"""

from annotations.importing.files import MAX_BYTES, MAX_ITEMS, ImportFileError
from annotations.importing.writing import (
    AS_IN_FILE,
    PRIVATE,
    PUBLIC,
    VISIBILITY_CHOICES,
    ImportedItem,
    ImportProblem,
    ImportReport,
    annotations_import,
)

__all__ = [
    "AS_IN_FILE",
    "MAX_BYTES",
    "MAX_ITEMS",
    "PRIVATE",
    "PUBLIC",
    "VISIBILITY_CHOICES",
    "ImportFileError",
    "ImportProblem",
    "ImportReport",
    "ImportedItem",
    "annotations_import",
]
