"""How to cite an annotation: its author, its date, the paragraph it annotates and its permalink,
rendered with the same official CSL styles as the edition (`edition.csl`).

The annotation is a CSL item of type "post" (CSL 1.0.2: a post on a website or forum), which all
five styles render without gaps: APA adds "[Online post]", DGPs "Verfügbar unter:" before the
URL. Its title names what it is and where, in the style's language, with the paragraph locator
the style's locale uses: "Kommentar zu Erz 2023, Abs. 12" (DGPs), "Comment on Erz 2023, para. 12"
(the English styles). The author is the display name as a literal name (a display name is not
reliably "Given Family"); an annotation whose author deleted their account is by "Former user"
("Ehemaliges Mitglied"): citeproc-py would print the title twice if the author were left out.
The item's language is the edition's, so English styles do not title-case the German edition
title that is its container.
"""

from dataclasses import dataclass
from html import escape

from django.utils import timezone
from django.utils.safestring import mark_safe

from accounts.models import display_name_for
from annotations.models import Annotation
from edition import csl
from edition.citation import Citation, style_choose
from edition.csl import STYLES, CitationStyle
from edition.models import Edition, Paragraph

TITLES = {
    "de": {
        Annotation.Motivation.COMMENTING: "Kommentar zu {work}",
        Annotation.Motivation.QUESTIONING: "Frage zu {work}",
        Annotation.Motivation.HIGHLIGHTING: "Markierung in {work}",
        Annotation.Motivation.REPLYING: "Antwort in der Diskussion zu {work}",
    },
    "en": {
        Annotation.Motivation.COMMENTING: "Comment on {work}",
        Annotation.Motivation.QUESTIONING: "Question on {work}",
        Annotation.Motivation.HIGHLIGHTING: "Highlight in {work}",
        Annotation.Motivation.REPLYING: "Reply in the discussion of {work}",
    },
}
PARAGRAPH_LABEL = {"de": "Abs.", "en": "para."}
AND = {"de": "und", "en": "and"}
FORMER_USER = {"de": "Ehemaliges Mitglied", "en": "Former user"}


@dataclass(frozen=True)
class AnnotationCitePanel:
    """What an annotation's "Cite" page shows: the chosen style's output and the choices."""

    citation: Citation
    paragraph: Paragraph
    styles: list[CitationStyle]
    unknown_style: str


def annotated_paragraph(annotation: Annotation) -> Paragraph:
    """The paragraph a note is on; for a reply, its thread's."""
    return annotation.paragraph if annotation.paragraph_id else annotation.root.paragraph


def annotation_record(annotation: Annotation, *, url: str, language: str) -> dict:
    """The annotation as a CSL-JSON item; `url` is its absolute permalink, `language` ("de" or
    "en") the language of the words the record adds (the title, "Former user")."""
    if annotation.is_deleted:
        raise ValueError("a deleted annotation has nothing left to cite")
    language = language if language in TITLES else "en"
    paragraph = annotated_paragraph(annotation)
    edition = annotation.edition
    work = f"{_work(edition, language)}, {PARAGRAPH_LABEL[language]} {paragraph.number}"
    author = display_name_for(annotation.author) if annotation.author else FORMER_USER[language]
    created = timezone.localdate(annotation.created)
    return {
        "id": f"annotation-{annotation.uuid}",
        "type": "post",
        "title": TITLES[language][annotation.motivation].format(work=work),
        "author": [{"literal": author}],
        "issued": {"date-parts": [[created.year, created.month, created.day]]},
        "container-title": edition.full_title,
        "URL": url,
        "language": edition.language,
    }


def annotation_citation(
    annotation: Annotation, *, url: str, style: CitationStyle | None = None
) -> Citation:
    """The annotation's reference and in-text citation in `style` (APA unless given)."""
    style = style or STYLES["apa"]
    rendered = csl.render(annotation_record(annotation, url=url, language=style.language), style)
    return Citation(
        reference=rendered.reference.text,
        in_text=rendered.in_text.text,
        permalink=url,
        reference_html=mark_safe(_link_last(rendered.reference.html, url)),  # noqa: S308
        in_text_html=rendered.in_text.html,
        style=style,
    )


def annotation_cite_panel(
    annotation: Annotation, *, url: str, requested_style: str | None, language: str
) -> AnnotationCitePanel:
    choice = style_choose(requested_style, language=language)
    return AnnotationCitePanel(
        citation=annotation_citation(annotation, url=url, style=choice.style),
        paragraph=annotated_paragraph(annotation),
        styles=list(STYLES.values()),
        unknown_style=choice.unknown,
    )


def _work(edition: Edition, language: str) -> str:
    """The edition as a reader names it in running text: "Erz 2023"."""
    names = [creator.family for creator in edition.authors]
    if len(names) > 2:
        authors = f"{names[0]} et al."
    else:
        authors = f" {AND[language]} ".join(names)
    return f"{authors} {edition.year}".strip()


def _link_last(html: str, url: str) -> str:
    """The permalink in the rendered HTML as a link. The last occurrence: every style puts the
    URL last, and a display name could read like a URL."""
    shown = escape(url, quote=False)  # as the rendered HTML holds it
    before, found, after = html.rpartition(shown)
    if not found:
        return html
    return f'{before}<a href="{escape(url)}">{shown}</a>{after}'
