"""What changed between the versions of an annotation, word by word, for its history page."""

import difflib
from dataclasses import dataclass

from annotations.models import Annotation


@dataclass(frozen=True)
class Version:
    body: str
    tags: list[str]
    motivation: str
    visibility: str
    valid_from: object
    valid_until: object | None
    changes: list[tuple[str, str]]  # (op, words): op is "same", "added" or "removed"

    @property
    def motivation_label(self) -> str:
        return dict(Annotation.Motivation.choices).get(self.motivation, self.motivation)

    @property
    def visibility_label(self) -> str:
        return dict(Annotation.Visibility.choices).get(self.visibility, self.visibility)


def word_changes(before: str, after: str) -> list[tuple[str, str]]:
    old, new = before.split(" "), after.split(" ")
    changes: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op in ("delete", "replace"):
            changes.append(("removed", " ".join(old[i1:i2])))
        if op in ("insert", "replace"):
            changes.append(("added", " ".join(new[j1:j2])))
        if op == "equal":
            changes.append(("same", " ".join(old[i1:i2])))
    return changes


def annotation_versions(annotation) -> list[Version]:
    """Newest first: the current text, then each earlier one; each with its changes against the
    version before it (the oldest shows its whole text as added)."""
    states = [
        (r.body, r.tags, r.motivation, r.visibility, r.valid_from, r.superseded_at)
        for r in sorted(annotation.revisions.all(), key=lambda r: (r.superseded_at, r.pk))
    ]
    states.append(
        (
            annotation.body,
            sorted(tag.name for tag in annotation.tags.all()),
            annotation.motivation,
            annotation.visibility,
            annotation.modified,
            None,
        )
    )
    versions, previous = [], ""
    for body, tags, motivation, visibility, valid_from, until in states:
        changes = word_changes(previous, body) if previous else [("added", body)]
        versions.append(Version(body, tags, motivation, visibility, valid_from, until, changes))
        previous = body
    return list(reversed(versions))
