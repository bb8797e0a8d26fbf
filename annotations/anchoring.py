"""Where an annotation's passage is in the paragraph's current text.

An annotation keeps the selectors it was made with. When an emendation changes the paragraph, the
passage is found again: first at its recorded position, then by its quote (the occurrence whose
prefix and suffix fit best), then approximately (the quote itself was changed). What cannot be
placed is reported as orphaned, never hidden and never guessed at a wrong place.

Offsets are in characters (Unicode code points) of the paragraph text, as in the
TextPositionSelector.
"""

from dataclasses import dataclass
from enum import StrEnum

from rapidfuzz import fuzz

FUZZY_MIN_SCORE = 80
FUZZY_MIN_LENGTH = 8


class AnchorStatus(StrEnum):
    EXACT = "exact"  # at its recorded position
    MOVED = "moved"  # the same words elsewhere in the paragraph
    FUZZY = "fuzzy"  # words that differ slightly from the quote
    ORPHANED = "orphaned"  # not found


@dataclass(frozen=True)
class Anchor:
    status: AnchorStatus
    start: int | None = None
    end: int | None = None

    @property
    def is_placed(self) -> bool:
        return self.status != AnchorStatus.ORPHANED


ORPHANED = Anchor(AnchorStatus.ORPHANED)


def anchor_quote(
    text: str, *, exact: str, prefix: str = "", suffix: str = "", start: int | None = None
) -> Anchor:
    if not exact:
        return ORPHANED
    end = None if start is None else start + len(exact)
    if start is not None and text[start:end] == exact:
        return Anchor(AnchorStatus.EXACT, start, end)
    occurrences = _occurrences(text, exact)
    if occurrences:
        best = max(occurrences, key=lambda at: _context_fit(text, at, exact, prefix, suffix, start))
        return Anchor(AnchorStatus.MOVED, best, best + len(exact))
    return _fuzzy(text, exact)


def _occurrences(text: str, exact: str) -> list[int]:
    found, at = [], text.find(exact)
    while at != -1:
        found.append(at)
        at = text.find(exact, at + 1)
    return found


def _context_fit(
    text: str, at: int, exact: str, prefix: str, suffix: str, start: int | None
) -> tuple[int, int]:
    """Characters of context that agree, then nearness to the old position as a tie-break."""
    before, after = text[:at], text[at + len(exact) :]
    agree = _common_suffix(before, prefix) + _common_prefix(after, suffix)
    return agree, -abs(at - start) if start is not None else 0


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _common_suffix(a: str, b: str) -> int:
    return _common_prefix(a[::-1], b[::-1])


def _fuzzy(text: str, exact: str) -> Anchor:
    if len(exact) < FUZZY_MIN_LENGTH or len(exact) > len(text):
        return ORPHANED
    match = fuzz.partial_ratio_alignment(exact, text, score_cutoff=FUZZY_MIN_SCORE)
    if match is None:
        return ORPHANED
    start, end = _to_word_boundaries(text, match.dest_start, match.dest_end)
    return Anchor(AnchorStatus.FUZZY, start, end)


def _to_word_boundaries(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a match that begins or ends inside a word to the whole word."""
    while start > 0 and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while end < len(text) and text[end - 1].isalnum() and text[end].isalnum():
        end += 1
    return start, end


def anchor_annotation(annotation, text: str) -> Anchor | None:
    """None for an annotation on the whole paragraph (nothing to place)."""
    if not annotation.has_selector:
        return None
    return anchor_quote(
        text,
        exact=annotation.quote_exact,
        prefix=annotation.quote_prefix,
        suffix=annotation.quote_suffix,
        start=annotation.position_start,
    )
