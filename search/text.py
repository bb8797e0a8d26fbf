"""German words for the SQLite index, and the snippets shown for its matches.

PostgreSQL's "german" configuration stems and drops stop words by itself. For SQLite the same
work happens here, on both sides: the indexed text and the query are cut into the same words
and reduced to Snowball's German stems (PyStemmer), so "Bilder" meets "Bild" and "Bildern", and
"Größe", "Grösse" and "Maß" meet their spellings with "ss" (the stemmer folds umlauts and ß).
Stop words are PostgreSQL's own list, so both databases ignore the same words in a query.
"""

import re
import threading
from collections.abc import Callable
from functools import cache
from pathlib import Path

import Stemmer
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Letters and digits; everything else separates words, as in SQLite's unicode61 tokenizer.
WORD = re.compile(r"[^\W_]+")
SNIPPET_WORDS = 35
ELLIPSIS = "…"

_local = threading.local()


def _stemmer() -> Stemmer.Stemmer:
    """One stemmer per thread: PyStemmer's objects are not safe to share between threads."""
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = Stemmer.Stemmer("german")
    return stemmer


@cache
def stopwords() -> frozenset[str]:
    lines = (Path(__file__).parent / "german_stopwords.txt").read_text(encoding="utf-8")
    return frozenset(
        line.strip() for line in lines.splitlines() if line.strip() and not line.startswith("#")
    )


def words(text: str) -> list[str]:
    return WORD.findall(text)


def is_stopword(word: str) -> bool:
    return word.lower() in stopwords()


def stem(word: str) -> str:
    return _stemmer().stemWord(word.lower())


def stemmed(text: str) -> str:
    """The text as the SQLite index holds it: every word, stop words included (so a quoted
    phrase can still be matched word for word), as its stem."""
    return " ".join(stem(word) for word in words(text))


def highlight(
    text: str, is_match: Callable[[str], bool], *, max_words: int = SNIPPET_WORDS
) -> SafeString:
    """A window of the text around its matches, escaped, with <mark> around each matching word.

    The window is the run of `max_words` words holding the most matches (the start of the text
    when nothing matches); an ellipsis says where text was cut."""
    found = list(WORD.finditer(text))
    if not found:
        return escape(text)
    hits = [is_match(stem(match.group())) for match in found]
    first = _best_window(hits, max_words)
    last = min(len(found), first + max_words) - 1
    start = found[first].start() if first else 0
    end = found[last].end() if last < len(found) - 1 else len(text)
    parts = [ELLIPSIS + " "] if start else []
    position = start
    for index in range(first, last + 1):
        match = found[index]
        if hits[index]:
            parts.append(escape(text[position : match.start()]))
            parts.append(f"<mark>{escape(match.group())}</mark>")
            position = match.end()
    parts.append(escape(text[position:end]))
    if end < len(text):
        parts.append(" " + ELLIPSIS)
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text is escaped above


def _best_window(hits: list[bool], size: int) -> int:
    """Index of the first word of a window of `size` words: the one with the most hits, moved
    to start a few words before its first hit."""
    if len(hits) <= size:
        return 0
    count = best_count = sum(hits[:size])
    best = 0
    for first in range(1, len(hits) - size + 1):
        count += hits[first + size - 1] - hits[first - 1]
        if count > best_count:
            best, best_count = first, count
    if not best_count:
        return 0
    first_hit = hits.index(True, best)
    return max(0, min(first_hit - 5, len(hits) - size))
