"""Machine-readable metadata for reference managers and search engines.

Highwire Press `citation_*` tags (read first by Zotero and Google Scholar), Dublin Core as the
fallback, and schema.org JSON-LD (ScholarlyArticle; a paragraph page adds the paragraph as a part).
"""

from edition.models import Edition, Paragraph


def highwire_tags(edition: Edition, *, url: str) -> list[tuple[str, str]]:
    tags = [("citation_title", edition.full_title)]
    tags += [("citation_author", f"{c.family}, {c.given}") for c in edition.authors]
    tags += [
        ("citation_publication_date", str(edition.year)),
        ("citation_journal_title", edition.journal),
        ("citation_volume", edition.volume),
        ("citation_issue", edition.issue),
        ("citation_firstpage", edition.first_page),
        ("citation_lastpage", edition.last_page),
        ("citation_doi", edition.doi),
        ("citation_publisher", edition.publisher),
        ("citation_language", edition.language),
        ("citation_public_url", url),
        ("citation_fulltext_html_url", url),
    ]
    if edition.keywords:
        tags.append(("citation_keywords", "; ".join(edition.keywords)))
    if edition.abstract:
        tags.append(("citation_abstract", edition.abstract))
    return tags


def dublin_core_tags(edition: Edition) -> list[tuple[str, str]]:
    tags = [("DC.title", edition.full_title)]
    tags += [("DC.creator", f"{c.family}, {c.given}") for c in edition.authors]
    tags += [("DC.contributor", f"{c.family}, {c.given}") for c in edition.contributors]
    tags += [
        ("DC.date", str(edition.year)),
        ("DC.publisher", edition.publisher),
        ("DC.identifier", f"doi:{edition.doi}"),
        ("DC.identifier", edition.urn),
        ("DC.language", edition.language),
        ("DC.rights", f"{edition.licence} ({edition.licence_url})"),
        ("DC.source", f"{edition.journal} {edition.volume}({edition.issue}), {edition.pages}"),
        ("DC.type", "Text"),
    ]
    return tags


def schema_org(
    edition: Edition, *, url: str, paragraph: Paragraph | None = None, paragraph_url: str = ""
) -> dict:
    article = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "@id": f"https://doi.org/{edition.doi}",
        "url": url,
        "headline": edition.title,
        "name": edition.full_title,
        "alternativeHeadline": edition.subtitle,
        "author": [_person(c) for c in edition.authors],
        "contributor": [_person(c) for c in edition.contributors],
        "datePublished": str(edition.year),
        "inLanguage": edition.language,
        "license": edition.licence_url,
        "publisher": {"@type": "Organization", "name": edition.publisher},
        "pageStart": edition.first_page,
        "pageEnd": edition.last_page,
        "identifier": [
            {"@type": "PropertyValue", "propertyID": "DOI", "value": edition.doi},
            {"@type": "PropertyValue", "propertyID": "URN", "value": edition.urn},
        ],
        "sameAs": [edition.doi_url, edition.urn_url],
        "isPartOf": {
            "@type": "PublicationIssue",
            "issueNumber": edition.issue,
            "isPartOf": {
                "@type": "PublicationVolume",
                "volumeNumber": edition.volume,
                "isPartOf": {"@type": "Periodical", "name": edition.journal},
            },
        },
    }
    if edition.keywords:
        article["keywords"] = edition.keywords
    if paragraph is not None:
        article["hasPart"] = {
            "@type": "WebPageElement",
            "@id": paragraph_url,
            "url": paragraph_url,
            "name": f"Abs. {paragraph.number}",
            "position": paragraph.number,
            "text": paragraph.text,
            "isPartOf": {"@id": f"https://doi.org/{edition.doi}"},
        }
    return article


def _person(creator) -> dict:
    return {
        "@type": "Person",
        "name": creator.display_name,
        "givenName": creator.given,
        "familyName": creator.family,
    }
