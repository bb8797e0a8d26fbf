"""How to cite the edition and a paragraph of it, in the style a reader chooses.

Everything is rendered from the edition's CSL-JSON record (`edition.csl`) with official CSL
styles. A paragraph's citation adds the locator "paragraph", which the style's locale words
"Abs. 12" (German) or "para. 12" (English), and the paragraph's permalink.
"""

from dataclasses import dataclass

from django.utils.safestring import SafeString

from edition import citation_exports, csl
from edition.csl import STYLES, CitationStyle
from edition.models import Edition, Paragraph

DEFAULT_STYLE = "apa"
DEFAULT_STYLE_BY_LANGUAGE = {"de": "dgps"}


@dataclass(frozen=True)
class Citation:
    reference: str
    in_text: str
    permalink: str
    reference_html: SafeString = SafeString("")
    in_text_html: SafeString = SafeString("")
    style: CitationStyle | None = None


@dataclass(frozen=True)
class StyleChoice:
    style: CitationStyle
    unknown: str = ""  # what was asked for when it is not a style we offer


@dataclass(frozen=True)
class CitePanel:
    """What the "Cite" panel shows: the chosen style's output, the choices, the COinS data."""

    citation: Citation
    styles: list[CitationStyle]
    unknown_style: str
    coins: str


def style_choose(requested: str | None, *, language: str) -> StyleChoice:
    """The style asked for, or the default for the interface language (DGPs in German, else
    APA) with the unknown name kept so the page can say it fell back."""
    if requested in STYLES:
        return StyleChoice(STYLES[requested])
    default = STYLES[DEFAULT_STYLE_BY_LANGUAGE.get((language or "")[:2], DEFAULT_STYLE)]
    return StyleChoice(default, unknown=requested or "")


def edition_citation(edition: Edition, *, url: str, style: CitationStyle | None = None) -> Citation:
    """The edition's reference and in-text citation; `url` is the edition page's address."""
    style = style or STYLES[DEFAULT_STYLE]
    rendered = csl.render(csl.edition_record(edition, url=url), style)
    return _citation(rendered, style, permalink=url)


def paragraph_citation(
    paragraph: Paragraph,
    *,
    url: str,
    language: str = "de",
    style: CitationStyle | None = None,
    edition_url: str = "",
) -> Citation:
    """A paragraph's pinpoint citation; `url` is its permalink. Without `style`, the default
    style for `language` (so "de" gives "Abs. 12", anything else "para. 12")."""
    style = style or style_choose(None, language=language).style
    record = csl.edition_record(paragraph.edition, url=edition_url)
    rendered = csl.render(record, style, paragraph=paragraph.number)
    return _citation(rendered, style, permalink=url)


def edition_reference(edition: Edition) -> str:
    """The edition's reference in APA as plain text."""
    return edition_citation(edition, url="").reference


def cite_panel(
    edition: Edition,
    *,
    edition_url: str,
    requested_style: str | None,
    language: str,
    paragraph: Paragraph | None = None,
    paragraph_url: str = "",
) -> CitePanel:
    choice = style_choose(requested_style, language=language)
    if paragraph is None:
        citation = edition_citation(edition, url=edition_url, style=choice.style)
    else:
        citation = paragraph_citation(
            paragraph, url=paragraph_url, style=choice.style, edition_url=edition_url
        )
    return CitePanel(
        citation=citation,
        styles=list(STYLES.values()),
        unknown_style=choice.unknown,
        coins=citation_exports.coins(csl.edition_record(edition, url=edition_url)),
    )


def _citation(rendered: csl.RenderedCitation, style: CitationStyle, *, permalink: str) -> Citation:
    return Citation(
        reference=rendered.reference.text,
        in_text=rendered.in_text.text,
        permalink=permalink,
        reference_html=rendered.reference.html,
        in_text_html=rendered.in_text.html,
        style=style,
    )
