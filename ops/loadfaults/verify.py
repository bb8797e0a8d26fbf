"""The database against the ledger, after the run: every write a student was told was saved is
there, and nothing is there that no student wrote.

- an acknowledged note exists; unless its delete was acknowledged (then it must be deleted) or
  went unanswered (either is right), it is not deleted and has its last acknowledged body, or a
  body written after that which got no answer (that write may have happened);
- no note was saved twice (two notes with one marker: a retried POST not made idempotent);
- a note nobody was told about is counted, by why it may exist: its create went unanswered
  (then it may exist; a loss it is not), or nothing explains it (then the check fails).
"""

from dataclasses import dataclass, field

from annotations.models import Annotation
from ops.loadfaults.data import PREFIX
from ops.loadfaults.ledger import Ledger, marker_of


@dataclass(frozen=True)
class Problem:
    uuid: str
    marker: str
    what: str


@dataclass
class Verdict:
    checked: int = 0  # acknowledged notes compared with their rows
    rows: int = 0  # the students' notes in the database
    deleted: int = 0  # of them, deleted
    lost: list[Problem] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)  # markers saved more than once
    unanswered_saved: int = 0  # creates that got no answer, yet saved
    unexplained: list[str] = field(default_factory=list)  # rows no write explains

    @property
    def passed(self) -> bool:
        return not (self.lost or self.duplicates or self.unexplained)


def verify(ledger: Ledger) -> Verdict:
    rows = list(
        Annotation.objects.filter(author__username__startswith=PREFIX).values(
            "uuid", "body", "deleted_at"
        )
    )
    by_uuid = {str(row["uuid"]): row for row in rows}
    verdict = Verdict(rows=len(rows), deleted=sum(row["deleted_at"] is not None for row in rows))
    for entry in ledger.entries.values():
        verdict.checked += 1
        row = by_uuid.get(entry.uuid)
        problem = _compare(entry, row)
        if problem:
            verdict.lost.append(Problem(entry.uuid, entry.marker, problem))
    markers: dict[str, int] = {}
    acknowledged = {entry.marker for entry in ledger.entries.values()}
    for row in rows:
        marker = marker_of(row["body"])
        if marker is None:
            continue  # a deleted note's placeholder after purging; its uuid was compared above
        markers[marker] = markers.get(marker, 0) + 1
        if str(row["uuid"]) in ledger.entries:
            continue
        if marker in ledger.unanswered_creates and marker not in acknowledged:
            verdict.unanswered_saved += 1
        else:
            verdict.unexplained.append(f"{row['uuid']} {marker}")
    verdict.duplicates = sorted(marker for marker, count in markers.items() if count > 1)
    return verdict


def _compare(entry, row) -> str:
    if row is None:
        return "missing from the database"
    deleted = row["deleted_at"] is not None
    if entry.deleted == "yes":
        return "" if deleted else "its acknowledged delete is undone"
    if deleted:
        return "" if entry.deleted == "maybe" else "deleted, though no delete was asked for"
    if row["body"] == entry.body or row["body"] in entry.possible:
        return ""
    return f"body {row['body'][:60]!r} is not the acknowledged {entry.body[:60]!r}"
