"""Synthetic reader text made from the edition's own words: passages, notes and tags.

Everything takes a `random.Random`, so the same seed gives the same text. Passages are cut at
word boundaries of the paragraph's current text, so each one is a valid selector for it.
"""

import random
import re

from taggit.models import Tag

from annotations.services import QUOTE_CONTEXT, TextSelector

WORD = re.compile(r"\S+")
NOUN = re.compile(r"\b[A-ZÄÖÜ][a-zäöüß]{6,}\b")
PASSAGE_MAX_WORDS = 8

NOTE_TEMPLATES = (
    "Wichtig: **{a}** steht hier neben *{b}*.",
    "Warum „{a}“? Das klingt nach {b}.",
    "Frage an die Gruppe: Wie hängen {a} und {b} zusammen?",
    "- {a}\n- {b}\n- {c}",
    "> {a} {b}\n\nGute Stelle für das Referat über {c}.",
    "Vgl. [{a}](https://example.org/{slug}) und die Diskussion über {b}.",
    "Hier wird {a} als Gegenbegriff zu {b} eingeführt. Später kommt {c} dazu.",
    "Unklar: meint {a} dasselbe wie `{b}`?",
    "{a}!\n\nDas widerspricht dem, was über {b} und {c} gesagt wurde; "
    "im Seminar klären, ob das ein Missverständnis ist oder eine These.",
    "Stichworte fürs Protokoll: {a}, {b}, {c}.",
)
REPLY_TEMPLATES = (
    "Sehe ich auch so.",
    "Eher nicht: {a} ist hier wörtlich gemeint.",
    "Gute Frage, vielleicht hilft {a}?",
    "Siehe auch weiter unten zu {a}.",
    "Danke, das mit *{a}* hatte ich übersehen.",
)


def word_spans(text: str) -> list[tuple[int, int]]:
    return [match.span() for match in WORD.finditer(text)]


def passage(rng: random.Random, text: str, spans: list[tuple[int, int]]) -> TextSelector:
    """One to eight whole words of `text`, with the context `selector_validate` fills in."""
    first = rng.randrange(len(spans))
    last = min(len(spans) - 1, first + rng.randrange(PASSAGE_MAX_WORDS))
    start, end = spans[first][0], spans[last][1]
    return TextSelector(
        start=start,
        end=end,
        exact=text[start:end],
        prefix=text[max(0, start - QUOTE_CONTEXT) : start],
        suffix=text[end : end + QUOTE_CONTEXT],
    )


def vocabulary(texts: list[str]) -> list[str]:
    """The nouns of the edition (capitalised words of seven letters or more), sorted."""
    seen: dict[str, str] = {}
    for text in texts:
        for noun in NOUN.findall(text):
            seen.setdefault(noun.casefold(), noun)
    return sorted(seen.values())


def tag_names(rng: random.Random, words: list[str], count: int) -> list[str]:
    """Up to `count` tag names with distinct slugs, as readers would choose them."""
    candidates = ["offene Frage", "Methode", "Referat", "These", "Begriff", *words]
    names, slugs = [], set()
    for name in candidates[:5] + rng.sample(candidates[5:], min(len(candidates) - 5, count)):
        slug = Tag().slugify(name)
        if slug and slug not in slugs:
            slugs.add(slug)
            names.append(name)
    return names[:count]


def note_pool(rng: random.Random, words: list[str], size: int, *, replies: bool) -> list[str]:
    """`size` distinct Markdown notes; the builder draws from this pool, so each is rendered
    to HTML once, not once per annotation."""
    templates = REPLY_TEMPLATES if replies else NOTE_TEMPLATES
    words = words or ["Bild", "Archiv", "Text"]
    notes: list[str] = []
    while len(notes) < size:
        a, b, c = (rng.choice(words) for _ in range(3))
        note = rng.choice(templates).format(a=a, b=b, c=c, slug=a.lower())
        notes.append(f"{note} ({len(notes) + 1})")
    return notes
