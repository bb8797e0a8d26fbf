"""What a reader types into the search box, read into terms both databases can run.

The syntax is the familiar one: words (all must occur), "a quoted phrase", `-word` to exclude,
`OR` between alternatives, and a trailing `*` for words beginning so ("Gesicht*" finds
"Gesichtserkennung"). Only letters and digits reach the database, each as a word of its own,
so no input can inject query syntax. A hyphenated word ("KI-Künstler") is a phrase.
"""

import re
from dataclasses import dataclass, field

from search.text import is_stopword, stem, words

TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
TRAILING_PUNCTUATION = ".,;:!?)]}»«“”„'"


class Problem:
    """Why a query cannot be run; the page explains each in words."""

    EMPTY = "empty"
    NO_WORDS = "no-words"
    ONLY_STOPWORDS = "only-stopwords"
    ONLY_EXCLUDED = "only-excluded"


@dataclass(frozen=True)
class Term:
    """One word or phrase as typed (letters and digits only); `prefix` applies to its last word."""

    words: tuple[str, ...]
    prefix: bool = False

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1


@dataclass(frozen=True)
class ParsedQuery:
    """All `clauses` must match (each is a choice of terms joined by OR); no `excluded` may."""

    text: str
    clauses: tuple[tuple[Term, ...], ...] = ()
    excluded: tuple[Term, ...] = ()
    problem: str | None = None
    stopwords_dropped: tuple[str, ...] = field(default=())

    @property
    def is_runnable(self) -> bool:
        return self.problem is None

    @property
    def positive_terms(self) -> list[Term]:
        return [term for clause in self.clauses for term in clause]

    def matches_stem(self, word_stem: str) -> bool:
        """Whether a word (as its stem) is one the query looks for: the words to highlight."""
        for term in self.positive_terms:
            for index, word in enumerate(term.words):
                if is_stopword(word):
                    continue
                wanted = stem(word)
                last = index == len(term.words) - 1
                if word_stem == wanted or (term.prefix and last and word_stem.startswith(wanted)):
                    return True
        return False


def parse_query(text: str) -> ParsedQuery:
    text = " ".join((text or "").split())
    if not text:
        return ParsedQuery(text, problem=Problem.EMPTY)
    clauses: list[list[Term]] = []
    excluded: list[Term] = []
    dropped: list[str] = []
    join_next = False
    saw_words = False
    for match in TOKEN.finditer(text):
        negated, phrase, bare = match.groups()
        if bare is not None:
            if bare == "OR":
                join_next = bool(clauses)
                continue
            negated = "-" if bare.startswith("-") and len(bare) > 1 else ""
            raw = bare[1:] if negated else bare
            prefix = raw.rstrip(TRAILING_PUNCTUATION).endswith("*")
        else:
            raw, prefix = phrase, False
        found = tuple(words(raw))
        if not found:
            continue
        saw_words = True
        if all(is_stopword(word) for word in found):
            dropped.extend(found)
            continue
        term = Term(found, prefix=prefix)
        if negated:
            excluded.append(term)
        elif join_next:
            clauses[-1].append(term)
        else:
            clauses.append([term])
        join_next = False
    parsed = ParsedQuery(
        text,
        clauses=tuple(tuple(clause) for clause in clauses),
        excluded=tuple(excluded),
        stopwords_dropped=tuple(dropped),
    )
    if clauses:
        return parsed
    if not saw_words:
        problem = Problem.NO_WORDS
    elif excluded:
        problem = Problem.ONLY_EXCLUDED
    else:
        problem = Problem.ONLY_STOPWORDS
    return ParsedQuery(
        text, excluded=tuple(excluded), problem=problem, stopwords_dropped=tuple(dropped)
    )
