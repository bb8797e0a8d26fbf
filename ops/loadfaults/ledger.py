"""What the students were told: every write the app acknowledged (a 2xx), and every write it
did not answer, which may or may not have happened.

An annotation's state is certain after an acknowledgement or after a read showed it (a 200 is
the app telling the client); a write that got no acknowledgement makes its outcome possible,
not certain, until the next acknowledgement. Each body a student writes is unique (it carries a
marker and a counter), so the database's body names the write it came from.
"""

import re
import threading
from collections import Counter
from dataclasses import dataclass, field

MARKER = re.compile(r"^\[lf-\d+-\d+\]")


def marker_of(body: str) -> str | None:
    found = MARKER.match(body or "")
    return found.group(0) if found else None


@dataclass
class Entry:
    uuid: str
    marker: str
    author: str
    body: str  # the last acknowledged body
    possible: set[str] = field(default_factory=set)  # written since, without an answer
    deleted: str = "no"  # "no", "yes", or "maybe" (a delete went unanswered)


class Ledger:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.entries: dict[str, Entry] = {}
        self.unanswered_creates: set[str] = set()  # markers
        self.acknowledged: Counter = Counter()  # create, reply, edit, delete
        self.unanswered: Counter = Counter()

    def created(self, *, uuid: str, body: str, author: str, kind: str) -> None:
        with self._lock:
            marker = marker_of(body) or ""
            self.entries[uuid] = Entry(uuid=uuid, marker=marker, author=author, body=body)
            self.unanswered_creates.discard(marker)
            self.acknowledged[kind] += 1

    def create_unanswered(self, *, marker: str, kind: str) -> None:
        with self._lock:
            self.unanswered_creates.add(marker)
            self.unanswered[kind] += 1

    def edit_sent(self, uuid: str, body: str) -> None:
        with self._lock:
            self.entries[uuid].possible.add(body)

    def edit_unanswered(self) -> None:
        with self._lock:
            self.unanswered["edit"] += 1

    def edited(self, uuid: str, body: str) -> None:
        with self._lock:
            entry = self.entries[uuid]
            entry.body, entry.possible, entry.deleted = body, set(), "no"
            self.acknowledged["edit"] += 1

    def delete_unanswered(self, uuid: str) -> None:
        with self._lock:
            self.entries[uuid].deleted = "maybe"
            self.unanswered["delete"] += 1

    def deleted(self, uuid: str) -> None:
        with self._lock:
            self.entries[uuid].deleted = "yes"
            self.acknowledged["delete"] += 1

    def seen(self, uuid: str, *, body: str, deleted: bool) -> None:
        """A read of the annotation after an unanswered write: what the app says it is now."""
        with self._lock:
            entry = self.entries[uuid]
            entry.deleted = "yes" if deleted else "no"
            if not deleted:
                entry.body, entry.possible = body, set()

    def acknowledged_writes(self) -> int:
        return sum(self.acknowledged.values())
