"""How to cite the edition and a paragraph of it (APA-style reference plus pinpoint).

The paragraph locator is "Abs." in German and "para." in English. A later CSL-based renderer
adds the other styles; this module is the one place the built-in wording lives.
"""

from dataclasses import dataclass

from edition.models import Edition, Paragraph

LOCATOR_LABEL = {"de": "Abs.", "en": "para."}


@dataclass(frozen=True)
class Citation:
    reference: str
    in_text: str
    permalink: str


def edition_reference(edition: Edition) -> str:
    names = ", ".join(f"{a.family}, {a.given[:1]}." for a in edition.authors)
    return (
        f"{names} ({edition.year}). {edition.full_title}. {edition.journal}, "
        f"{edition.volume}({edition.issue}), {edition.pages}. {edition.doi_url}"
    )


def edition_citation(edition: Edition, *, url: str) -> Citation:
    families = " & ".join(a.family for a in edition.authors)
    return Citation(edition_reference(edition), f"({families}, {edition.year})", url)


def paragraph_citation(paragraph: Paragraph, *, url: str, language: str = "de") -> Citation:
    edition = paragraph.edition
    label = LOCATOR_LABEL.get(language[:2], LOCATOR_LABEL["en"])
    families = " & ".join(a.family for a in edition.authors)
    return Citation(
        reference=edition_reference(edition),
        in_text=f"({families}, {edition.year}, {label} {paragraph.number})",
        permalink=url,
    )
