"""Turn the raw PDF text layer of an interview into the edition source file.

The target format is docs/edition-source-format.md. Rules handle what the extraction does
regularly (cover page and page furniture, speaker labels, line-end hyphens, paragraphs split by a
column break). What a rule cannot decide comes from an explicit corrections mapping, so every
editorial decision can be reviewed in one file. Apart from line breaks and whitespace, every
difference between edition and source comes back as an emendation, and a correction that no
longer matches the source is an error, not a silent no-op.

Pure Python on purpose: the converter runs before any database exists and is tested without one.
"""

import re
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import yaml

FORMAT_VERSION = 1
LINE_BREAK = "⏎"
PARAGRAPH_BREAK = "¶"
TRUNCATION_MARK = "[…]"
EMENDATION_KINDS = frozenset(
    "dehyphenation restored-hyphen joined-word joined-paragraph moved truncated whitespace".split()
)
SECTION_LINE = re.compile(r"SOZIOLOGIEMAGAZIN\b.*")
PAGE_FURNITURE = (
    re.compile(r"I N T E R V I E W\b.*"),  # running head, letter-spaced
    re.compile(r"https://doi\.org/\S+"),  # DOI line under the running head
    re.compile(r"[0-9]{1,3}"),  # page number
    SECTION_LINE,
)
SENTENCE_END = re.compile(r"[.!?…][“”\"»«)\]]*$")
SUSPENDED_HYPHEN_NEXT = frozenset({"und", "oder", "bis", "sowie", "bzw."})
OPENING_PUNCTUATION = '„“"»«(['
CLOSING_PUNCTUATION = '“”"»«)],.;:!?'
DEHYPHENATION_REASON = "Line-end hyphen of a word broken at the column width."
JOINED_PARAGRAPH_REASON = (
    "One paragraph split by a column or page break: the first part does not end a sentence "
    "or the second part starts in lowercase."
)
BOX_JOIN_REASON = "The sentence is interrupted by the box moved to matter '{key}'; rejoined."
HEADER = (
    "# Edition source, format: docs/edition-source-format.md.\n"
    "# Written by `python manage.py convert_source` from the raw text and the corrections in\n"
    "# fixtures/source/, then reviewed against the raw text. Once published, this file is the\n"
    "# truth and is corrected by hand; do not regenerate it over hand edits.\n"
)


class ConversionError(ValueError):
    """The source or the corrections cannot be converted; the message names the place."""


@dataclass(frozen=True)
class SourceLine:
    number: int  # 1-based line in the raw text, for messages
    text: str  # whitespace already collapsed
    after_box: str = ""  # source reading of a box cut out just before this line
    box_key: str = ""  # the matter key that box became


@dataclass
class Paragraph:
    locus: str
    lines: list[SourceLine]
    breaks: list[str] = field(default_factory=list)  # breaks[i] lies between lines i and i+1


@dataclass
class Turn:
    speaker: str
    printed_label: str
    paragraphs: list[Paragraph] = field(default_factory=list)


@dataclass
class Emendation:
    locus: str
    kind: str
    source: str
    edition: str
    reason: str


class Corrections:
    """The corrections mapping, checked, with a record of which entries the source used."""

    def __init__(self, mapping: Any):
        if not isinstance(mapping, dict):
            raise ConversionError("corrections: must be a mapping")
        for key in ("edition", "speakers", "labels"):
            if not mapping.get(key):
                raise ConversionError(f"corrections: '{key}' is missing")
        self.edition: dict = mapping["edition"]
        self.speakers: list[dict] = mapping["speakers"]
        self.labels: dict[str, str] = mapping["labels"]
        speaker_keys = {speaker.get("key") for speaker in self.speakers}
        for label, key in self.labels.items():
            if key not in speaker_keys:
                raise ConversionError(f"corrections: labels.{label}: unknown speaker {key!r}")
        self.matter: list[dict] = mapping.get("matter") or []
        self.word_joins = _entries(mapping, "word_joins", ("source", "reason"))
        self.hyphens = _entries(mapping, "line_end_hyphens", ("source", "keep", "reason"))
        self.replacements: list[dict] = mapping.get("replacements") or []
        self.used: Counter[str] = Counter()

    def label_pattern(self) -> re.Pattern[str]:
        labels = sorted(self.labels, key=len, reverse=True)
        return re.compile(rf"({'|'.join(map(re.escape, labels))}):\s*")

    def unused(self) -> list[str]:
        readings = [*self.word_joins, *self.hyphens]
        return [reading for reading in readings if self.used[reading] != 1]


def _entries(mapping: dict, key: str, fields: tuple[str, ...]) -> dict[str, dict]:
    entries: dict[str, dict] = {}
    for index, entry in enumerate(mapping.get(key) or []):
        missing = [name for name in fields if not isinstance(entry, dict) or name not in entry]
        if missing:
            raise ConversionError(f"corrections: {key}[{index}]: missing {', '.join(missing)}")
        if entry["source"] in entries:
            raise ConversionError(f"corrections: {key}[{index}]: {entry['source']!r} twice")
        entries[entry["source"]] = entry
    return entries


def convert(raw_text: str, corrections: dict) -> dict:
    """Return the edition source document for `raw_text`, ready to dump as YAML."""

    checked = Corrections(corrections)
    lines, boxes = cut_boxes(body_lines(raw_text), checked.matter)
    turns = group_turns(split_blocks(lines, checked.label_pattern()), checked)
    texts: dict[str, str] = {}
    emendations: list[Emendation] = []
    for spec, box in zip(checked.matter, boxes, strict=True):
        texts[spec["key"]], found = matter_text(spec, box, checked)
        emendations += found
    for turn in turns:
        for paragraph in turn.paragraphs:
            texts[paragraph.locus], found = join_lines(paragraph, checked)
            emendations += found
    emendations += apply_replacements(texts, checked.replacements)
    if unused := checked.unused():
        raise ConversionError(f"corrections: not matched exactly once in the source: {unused}")
    order = {locus: index for index, locus in enumerate(_reading_order(texts, checked.matter))}
    for emendation in emendations:
        if emendation.edition not in texts[emendation.locus]:
            raise ConversionError(f"{emendation.locus}: {emendation.edition!r} is not in the text")
    emendations.sort(key=lambda e: (order[e.locus], texts[e.locus].find(e.edition)))
    return {
        "format": FORMAT_VERSION,
        "edition": dict(checked.edition),
        "speakers": [dict(speaker) for speaker in checked.speakers],
        "turns": [
            {
                "speaker": turn.speaker,
                "printed_label": turn.printed_label,
                "paragraphs": [{"id": p.locus, "text": texts[p.locus]} for p in turn.paragraphs],
            }
            for turn in turns
        ],
        "withdrawn": [],
        "matter": [
            {
                "key": spec["key"],
                "placement": spec["placement"],
                "heading": spec["heading"],
                "text": texts[spec["key"]],
            }
            for spec in checked.matter
        ],
        "emendations": [asdict(emendation) for emendation in emendations],
    }


def _reading_order(texts: dict[str, str], matter: list[dict]) -> list[str]:
    front = [spec["key"] for spec in matter if spec["placement"] == "front"]
    back = [spec["key"] for spec in matter if spec["placement"] != "front"]
    return front + [locus for locus in texts if locus not in front + back] + back


def body_lines(raw_text: str) -> list[SourceLine]:
    """Drop the repository's cover page and the page furniture; collapse whitespace."""

    raw_lines = raw_text.splitlines()
    starts = [i + 1 for i, line in enumerate(raw_lines) if SECTION_LINE.fullmatch(line.strip())]
    if not starts:
        raise ConversionError("source: no section line 'SOZIOLOGIEMAGAZIN …' ends the cover page")
    return [
        SourceLine(number, " ".join(line.split()))
        for number, line in enumerate(raw_lines[starts[0] :], starts[0] + 1)
        if not is_page_furniture(line)
    ]


def is_page_furniture(line: str) -> bool:
    return any(pattern.fullmatch(line.strip()) for pattern in PAGE_FURNITURE)


def cut_boxes(
    lines: list[SourceLine], matter: list[dict]
) -> tuple[list[SourceLine], list[list[SourceLine]]]:
    """Take the text of each matter spec (a box or a credit line) out of the running text.

    The line after a box remembers what stood before it, so the rejoined paragraph can say so.
    """

    boxes = []
    for index, spec in enumerate(matter):
        place = f"corrections: matter[{index}] ({spec.get('key')})"
        starts = [i for i, line in enumerate(lines) if line.text.startswith(spec["starts_with"])]
        if len(starts) != 1:
            raise ConversionError(f"{place}: starts_with matches {len(starts)} lines, not 1")
        start, end = starts[0], len(lines) - 1
        if spec.get("ends_with"):
            ends = [
                i for i in range(start, len(lines)) if lines[i].text.endswith(spec["ends_with"])
            ]
            if not ends:
                raise ConversionError(f"{place}: ends_with not found after line {start}")
            end = ends[0]
        box = [line for line in lines[start : end + 1] if line.text]
        boxes.append(box)
        rest = lines[end + 1 :]
        if rest and rest[0].text:
            reading = f"{_summary(box)}{LINE_BREAK}"
            rest[0] = replace(rest[0], after_box=reading, box_key=spec["key"])
        lines = lines[:start] + rest
    return lines, boxes


def _summary(box: list[SourceLine]) -> str:
    words = " ".join(line.text for line in box).split()
    return f"{' '.join(words[:3])} … {' '.join(words[-3:])}"


def split_blocks(lines: list[SourceLine], label: re.Pattern[str]) -> list[list[SourceLine]]:
    """Blocks end at blank lines and before a speaker label, which may follow without one."""

    blocks: list[list[SourceLine]] = []
    current: list[SourceLine] = []
    for line in lines:
        if current and (not line.text or label.match(line.text)):
            blocks.append(current)
            current = []
        if line.text:
            current.append(line)
    return blocks + [current] if current else blocks


def group_turns(blocks: list[list[SourceLine]], corrections: Corrections) -> list[Turn]:
    """Assign blocks to speaker turns and paragraphs, rejoining paragraphs split by a break."""

    label = corrections.label_pattern()
    turns: list[Turn] = []
    count = 0
    for block in blocks:
        match = label.match(block[0].text)
        if match:
            text = block[0].text[match.end() :]
            if not text:
                raise ConversionError(f"source line {block[0].number}: a label without text")
            block = [replace(block[0], text=text), *block[1:]]
            turns.append(Turn(corrections.labels[match.group(1)], match.group(1)))
        elif not turns:
            raise ConversionError(f"source line {block[0].number}: text before the first label")
        elif turns[-1].paragraphs and continues_paragraph(turns[-1].paragraphs[-1], block):
            previous = turns[-1].paragraphs[-1]
            previous.breaks += [PARAGRAPH_BREAK] + [LINE_BREAK] * (len(block) - 1)
            previous.lines += block
            continue
        count += 1
        turns[-1].paragraphs.append(Paragraph(f"p{count}", block, [LINE_BREAK] * (len(block) - 1)))
    return turns


def continues_paragraph(previous: Paragraph, block: list[SourceLine]) -> bool:
    """A column or page break, not a paragraph end, separates the block from the paragraph."""

    ends_sentence = SENTENCE_END.search(previous.lines[-1].text) is not None
    return not ends_sentence or block[0].text[:1].islower()


def join_lines(paragraph: Paragraph, corrections: Corrections) -> tuple[str, list[Emendation]]:
    """Join a paragraph's lines into one line of text, recording each emendation at a seam."""

    words = paragraph.lines[0].text.split(" ")
    emendations = []
    for brk, line in zip(paragraph.breaks, paragraph.lines[1:], strict=True):
        right = line.text.split(" ")
        joined, kind, reason = join_seam(words[-1], brk, right[0], corrections)
        if kind:
            source = f"{_bare_start(words[-1])}{brk}{_bare_end(right[0])}"
            emendations.append(Emendation(paragraph.locus, kind, source, _bare(joined), reason))
        if brk == PARAGRAPH_BREAK or line.after_box:
            source = f"{' '.join(words[-2:])}{brk}{line.after_box}{' '.join(right[:3])}"
            edition = " ".join([*words[-2:-1], joined, *right[1:3]])
            reason = JOINED_PARAGRAPH_REASON
            if line.after_box:
                reason = BOX_JOIN_REASON.format(key=line.box_key)
            emendations.append(
                Emendation(paragraph.locus, "joined-paragraph", source, edition, reason)
            )
        words = [*words[:-1], joined, *right[1:]]
    return " ".join(words), emendations


def join_seam(last: str, brk: str, first: str, corrections: Corrections) -> tuple[str, str, str]:
    """Join the last word before a break and the first after it: (joined, kind, reason).

    An empty kind means the edition reads as the source does, apart from the break itself.
    """

    reading = f"{_bare_start(last)}{brk}{_bare_end(first)}"
    if entry := corrections.word_joins.get(reading):
        corrections.used[reading] += 1
        return last + first, "joined-word", entry["reason"]
    if entry := corrections.hyphens.get(reading):
        corrections.used[reading] += 1
        if entry["keep"]:
            return last + first, "", ""
        return last[:-1] + first, "dehyphenation", entry["reason"]
    if len(last) > 1 and last.endswith("-"):
        if first in SUSPENDED_HYPHEN_NEXT:
            return f"{last} {first}", "", ""
        if first[:1].islower():
            return last[:-1] + first, "dehyphenation", DEHYPHENATION_REASON
        return last + first, "", ""
    return f"{last} {first}", "", ""


def _bare_start(word: str) -> str:
    return word.lstrip(OPENING_PUNCTUATION)


def _bare_end(word: str) -> str:
    return word.rstrip(CLOSING_PUNCTUATION)


def _bare(word: str) -> str:
    return _bare_end(_bare_start(word))


def matter_text(
    spec: dict, box: list[SourceLine], corrections: Corrections
) -> tuple[str, list[Emendation]]:
    """The text of a box or credit line, with its own emendations and how it was handled."""

    key = spec["key"]
    paragraph = Paragraph(key, box, [LINE_BREAK] * (len(box) - 1))
    text, emendations = join_lines(paragraph, corrections)
    reason = f"{spec['reason'].rstrip('.')} (source lines {box[0].number}–{box[-1].number})."
    if spec.get("moved"):
        emendations.append(Emendation(key, "moved", _summary(box), text, reason))
    if spec.get("truncated"):
        start = " ".join(text.split()[:4])
        text = f"{TRUNCATION_MARK} {text}"
        emendations.append(
            Emendation(key, "truncated", start, f"{TRUNCATION_MARK} {start}", reason)
        )
    return text, emendations


def apply_replacements(texts: dict[str, str], replacements: list[dict]) -> list[Emendation]:
    """Apply the corrections' whole-word replacements; each must match as often as it says."""

    emendations = []
    for index, entry in enumerate(replacements):
        place = f"corrections: replacements[{index}] ({entry.get('source')!r})"
        if entry.get("kind") not in EMENDATION_KINDS:
            raise ConversionError(f"{place}: unknown kind {entry.get('kind')!r}")
        pattern = re.compile(rf"(?<![\w-]){re.escape(entry['source'])}(?![\w-])")
        found, edition = 0, entry["edition"]
        for locus, text in texts.items():
            texts[locus], count = pattern.subn(lambda _match, edition=edition: edition, text)
            found += count
            emendations += [
                Emendation(locus, entry["kind"], entry["source"], entry["edition"], entry["reason"])
                for _ in range(count)
            ]
        if found != entry.get("occurrences"):
            raise ConversionError(
                f"{place}: found {found} times, expected {entry.get('occurrences')}"
            )
    return emendations


class _IndentedDumper(yaml.SafeDumper):
    """Indent lists under their key, as the format document shows them."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)


def render_yaml(document: dict) -> str:
    """Dump the document with one paragraph per line and a blank line between sections and turns,
    so that a review reads well and a later hand correction shows as a one-line diff."""

    body = yaml.dump(
        document,
        Dumper=_IndentedDumper,
        allow_unicode=True,
        sort_keys=False,
        width=float("inf"),
        default_flow_style=False,
    )
    lines: list[str] = []
    for line in body.splitlines():
        if lines and (not line.startswith(" ") or line.startswith("  - speaker:")):
            lines.append("")
        lines.append(line)
    return HEADER + "\n" + "\n".join(lines) + "\n"


def summary(document: dict) -> str:
    paragraphs = sum(len(turn["paragraphs"]) for turn in document["turns"])
    kinds = Counter(emendation["kind"] for emendation in document["emendations"])
    by_kind = ", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items()))
    return (
        f"{len(document['turns'])} turns, {paragraphs} paragraphs, "
        f"{len(document['matter'])} matter blocks, "
        f"{len(document['emendations'])} emendations ({by_kind})"
    )
