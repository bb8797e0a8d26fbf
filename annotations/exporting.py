"""Annotations as files to take elsewhere: W3C JSON-LD (which `importing` reads back), CSV for a
spreadsheet, and Markdown for writing a paper.

JSON-LD is one AnnotationCollection whose first (and only) AnnotationPage embeds every
annotation as `w3c.annotation_as_w3c` gives it, so a file holds everything the protocol
serves and an import needs no further requests.

CSV opens cleanly in a spreadsheet: UTF-8 with a byte order mark (so Excel reads umlauts as
such), quoted as the csv module quotes, and no cell a spreadsheet would run as a formula. The
course exports (`courses.exports`) use the same cells.

Markdown follows the text: by edition and paragraph in reading order, each note with its
quote as a blockquote, the note itself (already Markdown), its tags, and a line to cite from:
the paragraph's pinpoint citation ("Abs. 12", from the edition's CSL record) with the
paragraph's permalink, and the note's own permalink.
"""

import csv
import io
import re
from collections.abc import Iterable
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import display_name_for
from annotations import w3c
from annotations.citation import annotated_paragraph
from annotations.models import Annotation
from edition.citation import edition_reference, paragraph_citation
from edition.models import Edition, Paragraph

JSONLD_CONTENT_TYPE = w3c.MEDIA_TYPE
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
MARKDOWN_CONTENT_TYPE = "text/markdown; charset=utf-8"
BYTE_ORDER_MARK = "\ufeff"
# OWASP, "CSV Injection": a cell starting with one of these may be run as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def export_filename(name: str, extension: str, *, day: date | None = None) -> str:
    """E.g. `my-annotations-2026-01-05.csv`: ASCII, so the Content-Disposition header needs no
    encoding (callers pass slugs or fixed words as `name`)."""
    day = day or timezone.localdate()
    return f"{name}-{day.isoformat()}.{extension}"


# JSON-LD ---------------------------------------------------------------------------------------


def annotation_collection(
    annotations: Iterable[Annotation], *, collection_id: str, label: str, base_url: str
) -> dict:
    """An AnnotationCollection with every annotation embedded in its one page; `base_url`
    (scheme and host) makes the IRIs absolute."""
    items = [
        w3c.annotation_as_w3c(annotation, base_url=base_url, context=False)
        for annotation in annotations
    ]
    data = {
        "@context": w3c.contexts(base_url=base_url),
        "id": collection_id,
        "type": "AnnotationCollection",
        "label": label,
        "total": len(items),
    }
    if items:
        page_id = f"{collection_id}#page-0"
        data["first"] = {
            "id": page_id,
            "type": "AnnotationPage",
            "partOf": collection_id,
            "startIndex": 0,
            "items": items,
        }
        data["last"] = page_id
    return data


# CSV -------------------------------------------------------------------------------------------


def csv_cell(value) -> str | int:
    """Numbers stay numbers; text that a spreadsheet could take for a formula gets a leading
    apostrophe, which spreadsheets show as text and do not evaluate."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return value
    if isinstance(value, datetime):
        return iso_datetime(value)
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def iso_datetime(value: datetime | None) -> str:
    """ISO 8601 in the site's time zone, to the second, with its offset."""
    if value is None:
        return ""
    return timezone.localtime(value).isoformat(timespec="seconds")


def csv_text(header: list[str], rows: Iterable[list]) -> str:
    """The spreadsheet as text, byte order mark first, every cell neutralised."""
    buffer = io.StringIO()
    buffer.write(BYTE_ORDER_MARK)
    writer = csv.writer(buffer)
    writer.writerow([csv_cell(name) for name in header])
    writer.writerows([csv_cell(value) for value in row] for row in rows)
    return buffer.getvalue()


def tag_names(annotation: Annotation) -> list[str]:
    return sorted((tag.name for tag in annotation.tags.all()), key=str.casefold)


MY_CSV_HEADER = [
    "id",
    "permalink",
    "edition",
    "paragraph",
    "quote",
    "body",
    "tags",
    "motivation",
    "visibility",
    "group",
    "created",
    "modified",
    "reply_to",
]


def my_annotations_csv(annotations: Iterable[Annotation], *, base_url: str) -> str:
    """A row per annotation or reply of one reader. A reply names its thread's paragraph, and
    `reply_to` the `id` of what it answers; `group` is the course's (or group's) name."""
    rows = (
        [
            str(annotation.uuid),
            base_url + annotation.get_absolute_url(),
            annotation.edition.slug,
            annotated_paragraph(annotation).public_id,
            annotation.quote_exact,
            annotation.body,
            "; ".join(tag_names(annotation)),
            annotation.motivation,
            annotation.visibility,
            annotation.group.name if annotation.group_id else "",
            annotation.created,
            annotation.modified,
            str(annotation.parent.uuid) if annotation.parent_id else "",
        ]
        for annotation in annotations
    )
    return csv_text(MY_CSV_HEADER, rows)


# Markdown --------------------------------------------------------------------------------------

# Characters that would make a quoted passage, a title or a tag into Markdown syntax
# ("Künstler*innen, Illustrator*innen" would turn italic).
MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def markdown_escape(text: str) -> str:
    return MARKDOWN_SPECIAL.sub(r"\\\1", text)


def my_annotations_markdown(
    annotations: Iterable[Annotation], *, user, base_url: str, day: date | None = None
) -> str:
    """The reader's notes as a Markdown document, in the order `annotations` gives (reading
    order: `selectors.annotations_of_reader`)."""
    day = day or timezone.localdate()
    lines = [
        f"# {_('My annotations')}",
        "",
        _("By %(name)s, exported on %(day)s from %(site)s.")
        % {
            "name": markdown_escape(display_name_for(user)),
            "day": day.isoformat(),
            "site": base_url,
        },
    ]
    edition: Edition | None = None
    paragraph: Paragraph | None = None
    citation = ""
    for annotation in annotations:
        if annotation.edition_id != getattr(edition, "pk", None):
            edition, paragraph = annotation.edition, None
            lines += ["", f"## {markdown_escape(edition.full_title)}", ""]
            lines.append(markdown_escape(edition_reference(edition)))
        if annotated_paragraph(annotation) != paragraph:
            paragraph = annotated_paragraph(annotation)
            citation = _paragraph_citation(paragraph, base_url=base_url)
            lines += ["", f"### Abs. {paragraph.number}"]
        lines += ["", *_markdown_note(annotation, citation=citation, base_url=base_url)]
    return "\n".join(lines) + "\n"


def _paragraph_citation(paragraph: Paragraph, *, base_url: str) -> str:
    """The paragraph's pinpoint in the German DGPs style, then its permalink:
    "(Erz, 2023, Abs. 12), <https://…/erz-2023/p12/>"."""
    url = base_url + paragraph.get_absolute_url()
    cited = paragraph_citation(
        paragraph,
        url=url,
        language="de",
        edition_url=base_url + paragraph.edition.get_absolute_url(),
    )
    return f"{markdown_escape(cited.in_text)}, <{url}>"


def _markdown_note(annotation: Annotation, *, citation: str, base_url: str) -> list[str]:
    lines = []
    if annotation.parent_id:
        parent_url = base_url + annotation.parent.get_absolute_url()
        lines += [_("Reply to [an annotation](%(url)s):") % {"url": parent_url}, ""]
    elif annotation.has_selector:
        lines += [f"> {markdown_escape(annotation.quote_exact)}", ""]
    else:
        lines += [f"*{_('On the whole paragraph.')}*", ""]
    if annotation.body.strip():
        lines += [annotation.body.strip(), ""]
    if tags := tag_names(annotation):
        lines += [f"{_('Tags')}: {', '.join(markdown_escape(tag) for tag in tags)}", ""]
    kind = f"{annotation.get_motivation_display()}, {timezone.localdate(annotation.created)}"
    permalink = base_url + annotation.get_absolute_url()
    lines.append(f"{citation} · [{kind}]({permalink})")
    return lines
