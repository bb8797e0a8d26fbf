"""The edition as a TEI P5 document.

The header carries the bibliographic record, the licence and the editorial principles; the text
holds the biography as front matter, the interview as one `<sp>` per turn with one
`<p xml:id="p12" n="12">` per published paragraph, and the credit line, withdrawn paragraphs and
the apparatus as back matter.

Every emendation of a paragraph or of matter is marked where it happened, as
`<choice><sic>source reading</sic><corr>edition reading</corr></choice>`, so that reading each
`<p>` with `<corr>` and without `<sic>` gives the edition's text exactly. The database records an
emendation's reading, not its position, so it is placed by `locate_emendations`:

- at the first occurrence of the edition reading that stands as a whole word (not inside a
  longer word or hyphenated compound: the converter applied its replacements that way), else at
  the first occurrence at all;
- never where another emendation of the same text already sits, nor across one: a reading may
  contain another emendation (a rejoined paragraph around a dehyphenated word), which is then
  nested in its `<corr>`;
- a move (the biography box taken out of an answer) is not a reading of the source, and an
  emendation that fits nowhere by these rules cannot be marked truthfully: both are described in
  the apparatus only.

For a reading that occurs twice (p3 "Operationen", p23 "vorhandenen", p30 "Verfahren") the first
occurrence is taken; in erz-2023 that is the one broken at a line end in the text layer.

Withdrawn paragraphs are not part of the interview; they are kept in `<back>` with their IDs (so
that old references to `#p7` still resolve) and their withdrawal is a `<change>` in the header.
"""

import re
from collections import Counter
from dataclasses import dataclass

from lxml import etree

from edition.models import Edition, Emendation, Paragraph

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
TEI_MEDIA_TYPE = "application/tei+xml"
TEI_ALL_SCHEMA = "https://tei-c.org/release/xml/tei/custom/schema/relaxng/tei_all.rng"

LANGUAGE_NAMES = {"de": "Deutsch", "en": "English"}

# Elements that only hold other elements: indented for reading. Everything else may hold text,
# where added whitespace would change the text.
_STRUCTURAL = {
    "TEI", "teiHeader", "fileDesc", "titleStmt", "respStmt", "author", "persName",
    "publicationStmt", "availability", "notesStmt", "sourceDesc", "biblStruct", "analytic",
    "monogr", "imprint", "encodingDesc", "editorialDecl", "profileDesc", "langUsage",
    "particDesc", "listPerson", "person", "textClass", "keywords", "revisionDesc", "text",
    "front", "body", "back", "div", "sp", "list",
}  # fmt: skip
_WORD_CHARACTER = re.compile(r"[\w-]")


@dataclass(frozen=True)
class Span:
    """Where an emendation's edition reading sits in a text: `text[start:end]`."""

    start: int
    end: int
    emendation: Emendation

    def crosses(self, other: "Span") -> bool:
        """Overlapping without one holding the other."""
        overlap = self.start < other.end and other.start < self.end
        nested = (self.start <= other.start and other.end <= self.end) or (
            other.start <= self.start and self.end <= other.end
        )
        return overlap and not nested


@dataclass(frozen=True)
class Placement:
    spans: list[Span]  # sorted by start, the enclosing span before what it encloses
    unplaced: list[Emendation]


def locate_emendations(text: str, emendations: list[Emendation]) -> Placement:
    """Where each emendation of `text` is marked (rules in the module docstring)."""
    spans: list[Span] = []
    unplaced: list[Emendation] = []
    for emendation in emendations:
        span = None
        if emendation.kind != Emendation.Kind.MOVED:
            span = _first_free_occurrence(text, emendation, spans)
        if span is None:
            unplaced.append(emendation)
        else:
            spans.append(span)
    spans.sort(key=lambda span: (span.start, -span.end))
    return Placement(spans, unplaced)


def _first_free_occurrence(text: str, emendation: Emendation, taken: list[Span]) -> Span | None:
    reading = emendation.edition_reading
    free = []
    start = text.find(reading) if reading else -1
    while start != -1:
        span = Span(start, start + len(reading), emendation)
        if not any((t.start, t.end) == (span.start, span.end) or t.crosses(span) for t in taken):
            free.append(span)
        start = text.find(reading, start + 1)
    whole_words = [span for span in free if _is_whole_word(text, span)]
    return (whole_words or free or [None])[0]


def _is_whole_word(text: str, span: Span) -> bool:
    before = text[span.start - 1] if span.start > 0 else " "
    after = text[span.end] if span.end < len(text) else " "
    return not _WORD_CHARACTER.match(before) and not _WORD_CHARACTER.match(after)


def edition_as_tei(edition: Edition, *, base_url: str = "") -> bytes:
    """The TEI document as UTF-8 bytes; expects `selectors.edition_for_export`'s prefetches.

    `base_url` ("https://example.org") adds the edition page's address to the header.
    """
    paragraphs = list(edition.paragraphs.all())
    emendations = list(edition.emendations.all())
    root = etree.Element(_tag("TEI"), nsmap={None: TEI_NS})
    root.append(_header(edition, paragraphs, emendations, base_url=base_url))
    root.append(_text(edition, paragraphs, emendations))
    _indent(root)
    schema = etree.ProcessingInstruction(
        "xml-model",
        f'href="{TEI_ALL_SCHEMA}" type="application/xml" '
        'schematypens="http://relaxng.org/ns/structure/1.0"',
    )
    root.addprevious(schema)
    return etree.tostring(root.getroottree(), xml_declaration=True, encoding="UTF-8") + b"\n"


# The header


def _header(edition: Edition, paragraphs, emendations, *, base_url: str):
    header = _element("teiHeader", attrs={XML_LANG: "en"})
    file_desc = _add(header, "fileDesc")
    _title_statement(file_desc, edition)
    _publication_statement(file_desc, edition, base_url=base_url)
    if edition.source_note:
        note = _add(_add(file_desc, "notesStmt"), "note", attrs={"type": "source"})
        _add(note, "p", edition.source_note)
    _source_description(file_desc, edition)
    _encoding_description(header, emendations)
    _profile_description(header, edition)
    withdrawn = [p for p in paragraphs if p.is_withdrawn]
    if withdrawn:
        revisions = _add(header, "revisionDesc")
        for paragraph in withdrawn:
            _add(
                revisions,
                "change",
                f"Paragraph {paragraph.public_id} withdrawn from the edition.",
                attrs={
                    "when": paragraph.withdrawn_at.date().isoformat(),
                    "target": f"#{paragraph.public_id}",
                },
            )
    return header


def _title_statement(file_desc, edition: Edition) -> None:
    statement = _add(file_desc, "titleStmt")
    _add(statement, "title", edition.title, attrs={"type": "main"})
    if edition.subtitle:
        _add(statement, "title", edition.subtitle, attrs={"type": "sub"})
    for creator in edition.authors:
        _person_name(_add(statement, "author"), creator)
    for creator in edition.contributors:
        responsibility = _add(statement, "respStmt")
        _add(responsibility, "resp", creator.get_role_display().lower())
        _person_name(responsibility, creator)


def _publication_statement(file_desc, edition: Edition, *, base_url: str) -> None:
    statement = _add(file_desc, "publicationStmt")
    _add(statement, "publisher", edition.publisher)
    availability = _add(statement, "availability", attrs={"status": "free"})
    _add(availability, "licence", edition.licence, attrs={"target": edition.licence_url})
    _add(statement, "idno", edition.doi, attrs={"type": "DOI"})
    _add(statement, "idno", edition.urn, attrs={"type": "URN"})
    if base_url:
        _add(statement, "idno", base_url + edition.get_absolute_url(), attrs={"type": "URL"})
    _add(statement, "date", str(edition.year), attrs={"when": str(edition.year)})


def _source_description(file_desc, edition: Edition) -> None:
    bibl = _add(_add(file_desc, "sourceDesc"), "biblStruct", attrs={"type": "journalArticle"})
    analytic = _add(bibl, "analytic")
    for creator in edition.authors:
        _person_name(_add(analytic, "author"), creator)
    _add(analytic, "title", edition.title, attrs={"level": "a", "type": "main"})
    if edition.subtitle:
        _add(analytic, "title", edition.subtitle, attrs={"level": "a", "type": "sub"})
    _add(analytic, "idno", edition.doi, attrs={"type": "DOI"})
    monogr = _add(bibl, "monogr")
    _add(monogr, "title", edition.journal, attrs={"level": "j", "type": "main"})
    if edition.journal_subtitle:
        _add(monogr, "title", edition.journal_subtitle, attrs={"level": "j", "type": "sub"})
    imprint = _add(monogr, "imprint")
    _add(imprint, "publisher", edition.publisher)
    _add(imprint, "date", str(edition.year), attrs={"when": str(edition.year)})
    _add(monogr, "biblScope", edition.volume, attrs={"unit": "volume"})
    _add(monogr, "biblScope", edition.issue, attrs={"unit": "issue"})
    _add(
        monogr,
        "biblScope",
        edition.pages,
        attrs={"unit": "page", "from": edition.first_page, "to": edition.last_page},
    )


def _encoding_description(header, emendations: list[Emendation]) -> None:
    declaration = _add(_add(header, "encodingDesc"), "editorialDecl")
    counts = Counter(e.kind for e in emendations)
    kinds = ", ".join(
        f"{counts[kind]} {label.lower()}" for kind, label in Emendation.Kind.choices if counts[kind]
    )
    correction = _add(declaration, "correction", attrs={"method": "markup", "status": "high"})
    _add(
        correction,
        "p",
        "Where the edition's text differs from the text layer of the published PDF, the place is "
        "marked with choice: sic holds the reading of the text layer (⏎ marks a line break, ¶ a "
        "paragraph, column or page break, … an omission), corr the edition's reading, its type "
        f"the kind of emendation. {len(emendations)} emendations"
        + (f" ({kinds})" if kinds else "")
        + "; each is listed with its reason in the apparatus at the end of the text.",
    )
    _add(
        correction,
        "p",
        "An emendation is marked at the first occurrence of its reading that stands as a whole "
        "word, else at its first occurrence, never where another emendation sits or across one; "
        "a reading may contain another emendation, which is then nested in its corr. A move, and "
        "an emendation that cannot be marked by these rules, is described in the apparatus only.",
    )
    hyphenation = _add(declaration, "hyphenation", attrs={"eol": "none"})
    _add(
        hyphenation,
        "p",
        "Hyphens at line ends of the print are removed; hyphens that belong to a word are kept, "
        "and those the typesetting lost are restored (emendations of type restored-hyphen).",
    )


def _profile_description(header, edition: Edition) -> None:
    profile = _add(header, "profileDesc")
    languages = _add(profile, "langUsage")
    _add(
        languages,
        "language",
        LANGUAGE_NAMES.get(edition.language, edition.language),
        attrs={"ident": edition.language},
    )
    people = _add(_add(profile, "particDesc"), "listPerson")
    for speaker in edition.speakers.all():
        person = _add(people, "person", attrs={XML_ID: _speaker_id(speaker), "role": speaker.role})
        _add(person, "persName", speaker.name)
    if edition.keywords:
        keywords = _add(_add(profile, "textClass"), "keywords")
        for keyword in edition.keywords:
            _add(keywords, "term", keyword)


# The text


def _text(edition: Edition, paragraphs: list[Paragraph], emendations: list[Emendation]):
    by_paragraph: dict[int, list[Emendation]] = {}
    by_matter: dict[int, list[Emendation]] = {}
    for emendation in emendations:
        if emendation.paragraph_id is not None:
            by_paragraph.setdefault(emendation.paragraph_id, []).append(emendation)
        elif emendation.matter_id is not None:
            by_matter.setdefault(emendation.matter_id, []).append(emendation)
    unplaced: list[Emendation] = []
    text = _element("text", attrs={XML_LANG: edition.language})
    matter = list(edition.matter.all())

    front = [m for m in matter if m.placement == m.Placement.FRONT]
    if front:
        element = _add(text, "front")
        for item in front:
            unplaced += _matter(element, item, by_matter.get(item.pk, []))

    interview = _add(_add(text, "body"), "div", attrs={"type": "interview"})
    speakers = {s.pk: s for s in edition.speakers.all()}
    by_turn: dict[int, list[Paragraph]] = {}
    for paragraph in paragraphs:
        if not paragraph.is_withdrawn:
            by_turn.setdefault(paragraph.turn_id, []).append(paragraph)
    for turn in edition.turns.all():
        if turn.pk not in by_turn:
            continue
        sp = _add(interview, "sp", attrs={"who": f"#{_speaker_id(turn.speaker)}"})
        _add(sp, "speaker", turn.printed_label)
        for paragraph in by_turn[turn.pk]:
            unplaced += _paragraph(sp, paragraph, by_paragraph.get(paragraph.pk, []))

    back = _element("back")
    for item in matter:
        if item.placement == item.Placement.BACK:
            unplaced += _matter(back, item, by_matter.get(item.pk, []))
    withdrawn = [p for p in paragraphs if p.is_withdrawn]
    if withdrawn:
        division = _add(back, "div", attrs={"type": "withdrawn"})
        _add(division, "head", "Withdrawn paragraphs")
        for paragraph in withdrawn:
            sp = _add(
                division, "sp", attrs={"who": f"#{_speaker_id(speakers[paragraph.speaker_id])}"}
            )
            _add(sp, "p", paragraph.text, attrs=_paragraph_ids(paragraph))
    if emendations:
        _apparatus(back, emendations, unplaced={e.pk for e in unplaced})
    if len(back):
        text.append(back)
    return text


def _paragraph(parent, paragraph: Paragraph, emendations: list[Emendation]) -> list[Emendation]:
    element = _add(parent, "p", attrs=_paragraph_ids(paragraph))
    placement = locate_emendations(paragraph.text, emendations)
    _marked_text(element, paragraph.text, 0, len(paragraph.text), placement.spans)
    return placement.unplaced


def _paragraph_ids(paragraph: Paragraph) -> dict:
    return {XML_ID: paragraph.public_id, "n": str(paragraph.number)}


def _matter(parent, matter, emendations: list[Emendation]) -> list[Emendation]:
    division = _add(parent, "div", attrs={"type": matter.key, XML_ID: f"matter-{matter.key}"})
    _add(division, "head", matter.heading)
    element = _add(division, "p")
    placement = locate_emendations(matter.text, emendations)
    _marked_text(element, matter.text, 0, len(matter.text), placement.spans)
    return placement.unplaced


def _marked_text(element, text: str, start: int, end: int, spans: list[Span]) -> None:
    """`text[start:end]` into `element`, each span as a choice; a span's corr holds the spans
    nested in it."""
    cursor, last, index = start, None, 0
    while index < len(spans):
        span = spans[index]
        inner = []
        index += 1
        while index < len(spans) and spans[index].start < span.end:
            inner.append(spans[index])
            index += 1
        _append_text(element, last, text[cursor : span.start])
        choice = _add(element, "choice", attrs={XML_ID: _emendation_id(span.emendation)})
        _add(choice, "sic", span.emendation.source_reading)
        correction = _add(choice, "corr", attrs={"type": span.emendation.kind})
        _marked_text(correction, text, span.start, span.end, inner)
        cursor, last = span.end, choice
    _append_text(element, last, text[cursor:end])


def _append_text(element, last, text: str) -> None:
    if not text:
        return
    if last is None:
        element.text = (element.text or "") + text
    else:
        last.tail = (last.tail or "") + text


def _apparatus(back, emendations: list[Emendation], *, unplaced: set[int]) -> None:
    division = _add(back, "div", attrs={"type": "apparatus"})
    _add(division, "head", "Apparatus")
    entries = _add(division, "list")
    for emendation in emendations:
        attrs = {"n": str(emendation.position)}
        if emendation.pk not in unplaced:
            attrs["corresp"] = f"#{_emendation_id(emendation)}"
        item = _add(entries, "item", attrs=attrs)
        target = emendation.locus if emendation.paragraph_id else f"matter-{emendation.locus}"
        reference = _add(item, "ref", emendation.locus, attrs={"target": f"#{target}"})
        reference.tail = f", {emendation.get_kind_display().lower()}: "
        if emendation.pk in unplaced and emendation.kind != Emendation.Kind.MOVED:
            choice = _add(item, "choice")
            _add(choice, "sic", emendation.source_reading)
            _add(choice, "corr", emendation.edition_reading, attrs={"type": emendation.kind})
            choice.tail = ". "
        _append_text(item, item[-1], emendation.reason)


def _speaker_id(speaker) -> str:
    return f"speaker-{speaker.key}"


def _emendation_id(emendation: Emendation) -> str:
    return f"e{emendation.position}"


def _person_name(parent, creator) -> None:
    name = _add(parent, "persName")
    _add(name, "forename", creator.given)
    _add(name, "surname", creator.family)


# lxml helpers


def _tag(name: str) -> str:
    return f"{{{TEI_NS}}}{name}"


def _element(name: str, text: str | None = None, *, attrs: dict | None = None):
    element = etree.Element(_tag(name), attrs or {})
    element.text = text
    return element


def _add(parent, name: str, text: str | None = None, *, attrs: dict | None = None):
    element = etree.SubElement(parent, _tag(name), attrs or {})
    element.text = text
    return element


def _indent(element, level: int = 0) -> None:
    """Line breaks and indentation between the children of structural elements only."""
    if etree.QName(element).localname not in _STRUCTURAL or not len(element):
        return
    inside = "\n" + "  " * (level + 1)
    element.text = inside
    for child in element:
        _indent(child, level + 1)
        child.tail = inside
    element[-1].tail = "\n" + "  " * level
