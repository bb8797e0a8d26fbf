"""Reading and validating an edition source file (docs/edition-source-format.md).

Validation happens completely before anything touches the database, so a bad file is reported with
the place it went wrong and the database stays as it was.
"""

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

FORMAT_VERSION = 1
PUBLIC_ID = re.compile(r"p[1-9][0-9]*")
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
REQUIRED_METADATA = (
    "slug",
    "title",
    "creators",
    "journal",
    "volume",
    "issue",
    "first_page",
    "last_page",
    "year",
    "publisher",
    "doi",
    "urn",
    "licence",
    "licence_url",
    "language",
    "source_url",
)
OPTIONAL_METADATA = ("subtitle", "journal_subtitle", "source_note", "abstract", "keywords")
EMENDATION_KINDS = {
    "dehyphenation",
    "restored-hyphen",
    "joined-word",
    "joined-paragraph",
    "moved",
    "truncated",
    "whitespace",
}


class EditionSourceError(Exception):
    """A source file that cannot be imported; `place` says where (file and path inside it)."""

    def __init__(self, place: str, message: str):
        self.place = place
        self.message = message
        super().__init__(f"{place}: {message}")


@dataclass(frozen=True)
class SourceParagraph:
    public_id: str
    text: str
    speaker_key: str
    turn_position: int


@dataclass(frozen=True)
class SourceTurn:
    position: int
    speaker_key: str
    printed_label: str


@dataclass
class EditionSource:
    metadata: dict[str, Any]
    creators: list[dict[str, str]]
    speakers: list[dict[str, str]]
    turns: list[SourceTurn]
    paragraphs: list[SourceParagraph]
    withdrawn: list[str]
    matter: list[dict[str, str]]
    emendations: list[dict[str, str]]
    sha256: str = ""
    path: str = ""
    ids: set[str] = field(default_factory=set)


def load_source_file(path: Path) -> EditionSource:
    """Parse and validate one source file; raises EditionSourceError naming the place."""

    place = str(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise EditionSourceError(place, f"cannot read the file ({error.strerror})") from error
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise EditionSourceError(place, f"not UTF-8 (byte {error.start})") from error
    source = parse_source(text, place=place)
    source.sha256 = hashlib.sha256(raw).hexdigest()
    source.path = place
    return source


def parse_source(text: str, *, place: str = "<source>") -> EditionSource:
    try:
        document = yaml.safe_load(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f"{place}, line {mark.line + 1}, column {mark.column + 1}" if mark else place
        raise EditionSourceError(where, f"malformed YAML: {error.problem}") from error
    except yaml.YAMLError as error:
        raise EditionSourceError(place, f"malformed YAML: {error}") from error
    return validate_document(document, place=place)


def validate_document(document: Any, *, place: str) -> EditionSource:
    _expect(isinstance(document, dict), place, "the file must be a mapping with an 'edition' key")
    _expect(
        document.get("format") == FORMAT_VERSION,
        f"{place}: format",
        f"unsupported format {document.get('format')!r}, expected {FORMAT_VERSION}",
    )
    metadata, creators = _validate_metadata(document.get("edition"), place=f"{place}: edition")
    speakers = _validate_speakers(document.get("speakers"), place=f"{place}: speakers")
    speaker_keys = {speaker["key"] for speaker in speakers}
    withdrawn = _validate_withdrawn(document.get("withdrawn", []), place=f"{place}: withdrawn")
    turns, paragraphs = _validate_turns(
        document.get("turns"), speaker_keys, set(withdrawn), place=f"{place}: turns"
    )
    matter = _validate_matter(document.get("matter", []), place=f"{place}: matter")
    texts = {p.public_id: p.text for p in paragraphs} | {m["key"]: m["text"] for m in matter}
    emendations = _validate_emendations(
        document.get("emendations", []), texts, place=f"{place}: emendations"
    )
    return EditionSource(
        metadata=metadata,
        creators=creators,
        speakers=speakers,
        turns=turns,
        paragraphs=paragraphs,
        withdrawn=withdrawn,
        matter=matter,
        emendations=emendations,
        ids={p.public_id for p in paragraphs},
    )


def _expect(condition: bool, place: str, message: str) -> None:
    if not condition:
        raise EditionSourceError(place, message)


def _text(mapping: dict, key: str, place: str, *, required: bool = True) -> str:
    value = mapping.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        _expect(not required, f"{place}.{key}", "missing")
        return ""
    _expect(isinstance(value, str | int), f"{place}.{key}", "must be text")
    return str(value).strip()


def _validate_metadata(edition: Any, *, place: str) -> tuple[dict[str, Any], list[dict]]:
    _expect(isinstance(edition, dict), place, "missing or not a mapping")
    unknown = set(edition) - set(REQUIRED_METADATA) - set(OPTIONAL_METADATA)
    _expect(not unknown, place, f"unknown keys: {', '.join(sorted(unknown))}")
    metadata: dict[str, Any] = {}
    for key in REQUIRED_METADATA + OPTIONAL_METADATA:
        if key in ("creators", "keywords"):
            continue
        metadata[key] = _text(edition, key, place, required=key in REQUIRED_METADATA)
    _expect(bool(SLUG.fullmatch(metadata["slug"])), f"{place}.slug", "must be a lowercase slug")
    _expect(metadata["year"].isdigit(), f"{place}.year", "must be a year")
    metadata["year"] = int(metadata["year"])
    keywords = edition.get("keywords") or []
    _expect(
        isinstance(keywords, list) and all(isinstance(k, str) for k in keywords),
        f"{place}.keywords",
        "must be a list of strings",
    )
    metadata["keywords"] = keywords
    creators_raw = edition.get("creators")
    _expect(
        isinstance(creators_raw, list) and creators_raw, f"{place}.creators", "missing or empty"
    )
    creators = []
    for index, creator in enumerate(creators_raw):
        where = f"{place}.creators[{index}]"
        _expect(isinstance(creator, dict), where, "must be a mapping")
        role = _text(creator, "role", where)
        _expect(role in ("author", "interviewee"), f"{where}.role", f"unknown role {role!r}")
        creators.append(
            {
                "family": _text(creator, "family", where),
                "given": _text(creator, "given", where),
                "role": role,
            }
        )
    _expect(any(c["role"] == "author" for c in creators), f"{place}.creators", "needs an author")
    return metadata, creators


def _validate_speakers(speakers: Any, *, place: str) -> list[dict[str, str]]:
    _expect(isinstance(speakers, list) and speakers, place, "missing or empty")
    result, seen = [], set()
    for index, speaker in enumerate(speakers):
        where = f"{place}[{index}]"
        _expect(isinstance(speaker, dict), where, "must be a mapping")
        key = _text(speaker, "key", where)
        _expect(key not in seen, f"{where}.key", f"duplicate speaker key {key!r}")
        seen.add(key)
        role = _text(speaker, "role", where)
        _expect(role in ("interviewer", "interviewee"), f"{where}.role", f"unknown role {role!r}")
        result.append(
            {
                "key": key,
                "label": _text(speaker, "label", where),
                "name": _text(speaker, "name", where),
                "role": role,
            }
        )
    return result


def _validate_withdrawn(withdrawn: Any, *, place: str) -> list[str]:
    _expect(isinstance(withdrawn, list), place, "must be a list of paragraph IDs")
    for index, public_id in enumerate(withdrawn):
        _expect(
            isinstance(public_id, str) and bool(PUBLIC_ID.fullmatch(public_id)),
            f"{place}[{index}]",
            f"{public_id!r} is not a paragraph ID like p12",
        )
    _expect(len(set(withdrawn)) == len(withdrawn), place, "an ID is listed twice")
    return list(withdrawn)


def _validate_turns(
    turns: Any, speaker_keys: set[str], withdrawn: set[str], *, place: str
) -> tuple[list[SourceTurn], list[SourceParagraph]]:
    _expect(isinstance(turns, list) and turns, place, "missing or empty")
    result_turns, paragraphs, seen = [], [], {}
    for turn_index, turn in enumerate(turns):
        where = f"{place}[{turn_index}]"
        _expect(isinstance(turn, dict), where, "must be a mapping")
        speaker = _text(turn, "speaker", where)
        _expect(
            speaker in speaker_keys,
            f"{where}.speaker",
            f"unknown speaker {speaker!r} (known: {', '.join(sorted(speaker_keys))})",
        )
        position = turn_index + 1
        result_turns.append(
            SourceTurn(position, speaker, _text(turn, "printed_label", where, required=False))
        )
        items = turn.get("paragraphs")
        _expect(isinstance(items, list) and items, f"{where}.paragraphs", "missing or empty")
        for index, item in enumerate(items):
            at = f"{where}.paragraphs[{index}]"
            _expect(isinstance(item, dict), at, "must be a mapping with id and text")
            public_id = _text(item, "id", at)
            _expect(
                bool(PUBLIC_ID.fullmatch(public_id)),
                f"{at}.id",
                f"{public_id!r} is not a paragraph ID like p12",
            )
            _expect(
                public_id not in seen,
                f"{at}.id",
                f"duplicate paragraph ID {public_id} (first used at {seen.get(public_id)})",
            )
            _expect(
                public_id not in withdrawn,
                f"{at}.id",
                f"{public_id} is listed as withdrawn; IDs are never reused, give it a new ID",
            )
            seen[public_id] = at
            text = " ".join(_text(item, "text", at).split())
            paragraphs.append(SourceParagraph(public_id, text, speaker, position))
    return result_turns, paragraphs


def _validate_matter(matter: Any, *, place: str) -> list[dict[str, str]]:
    _expect(isinstance(matter, list), place, "must be a list")
    result, seen = [], set()
    for index, item in enumerate(matter):
        where = f"{place}[{index}]"
        _expect(isinstance(item, dict), where, "must be a mapping")
        key = _text(item, "key", where)
        _expect(bool(SLUG.fullmatch(key)), f"{where}.key", f"{key!r} is not a slug")
        _expect(key not in seen, f"{where}.key", f"duplicate matter key {key!r}")
        _expect(not PUBLIC_ID.fullmatch(key), f"{where}.key", "must not look like a paragraph ID")
        seen.add(key)
        placement = _text(item, "placement", where)
        _expect(placement in ("front", "back"), f"{where}.placement", "must be front or back")
        result.append(
            {
                "key": key,
                "placement": placement,
                "heading": _text(item, "heading", where),
                "text": " ".join(_text(item, "text", where).split()),
            }
        )
    return result


def _validate_emendations(
    emendations: Any, texts: dict[str, str], *, place: str
) -> list[dict[str, str]]:
    _expect(isinstance(emendations, list), place, "must be a list")
    result = []
    for index, item in enumerate(emendations):
        where = f"{place}[{index}]"
        _expect(isinstance(item, dict), where, "must be a mapping")
        locus = _text(item, "locus", where)
        _expect(locus in texts, f"{where}.locus", f"{locus!r} is no paragraph ID or matter key")
        kind = _text(item, "kind", where)
        _expect(kind in EMENDATION_KINDS, f"{where}.kind", f"unknown kind {kind!r}")
        reading = _text(item, "edition", where)
        _expect(
            reading in texts[locus],
            f"{where}.edition",
            f"the edition reading {reading!r} does not occur in {locus}",
        )
        result.append(
            {
                "locus": locus,
                "kind": kind,
                "source": _text(item, "source", where),
                "edition": reading,
                "reason": _text(item, "reason", where),
            }
        )
    return result
