"""A simulated student: logs in through the login form, reads the edition page and paragraphs'
notes, annotates, replies to what the course wrote, edits and deletes their own notes, all
through the JSON API as the reading view's script calls it (Idempotency-Key on every new note,
If-Match with the version on every edit and delete).

A write that gets no answer, or a 5xx, is sent again with the same Idempotency-Key (a new
note), as the key exists for; an edit or delete that got no answer is followed by a read of
the note, which says what happened. Whatever the app acknowledged goes into the ledger.
"""

import random
import threading
import time
import uuid as uuid_module
from dataclasses import dataclass

from ops.loadfaults.client import Answer, Browser, Clock, Journal, NoAnswer
from ops.loadfaults.ledger import Ledger

API = "/api/annotations/"
ACTIONS = {  # action: weight
    "read edition": 1,
    "read paragraph": 4,
    "create": 4,
    "reply": 2,
    "edit": 3,
    "delete": 1,
}
TAGS = ("Archiv", "Bildproduktion", "Methode", "Frage", "operative Bilder")
RETRIES = 3
RETRY_PAUSE = 0.5
RESYNC_TRIES = 20  # reads, RETRY_PAUSE apart, after an edit or delete went unanswered
THINK = (0.05, 0.4)  # seconds between a student's actions
MINE_MAX = 30
LOGIN_TRIES = 10  # notes a student keeps in hand to edit or delete


@dataclass(frozen=True)
class Passage:
    paragraph: str
    selector: dict


@dataclass(frozen=True)
class Course:
    edition: str
    group: str
    passages: tuple[Passage, ...]
    password: str


class Student:
    def __init__(
        self,
        *,
        number: int,
        username: str,
        course: Course,
        port: int,
        journal: Journal,
        ledger: Ledger,
        clock: Clock,
        seed: int,
    ) -> None:
        self.number = number
        self.username = username
        self.course = course
        self.ledger = ledger
        self.clock = clock
        self.browser = Browser(port=port, name=username, journal=journal, clock=clock)
        self.rng = random.Random(seed * 1000 + number)  # noqa: S311 - reproducible runs
        self.written = 0
        self.logged_in = False
        self.mine: dict[str, str] = {}  # uuid → version, notes in a known state
        self.others: list[str] = []  # top-level notes of the course to reply to
        self.unexpected: list[str] = []  # answers a correct client never gets

    def run(self, until: float, ready: threading.Barrier) -> None:
        """Log in, wait at `ready` until every student has, then act until the run's second
        `until`. Never raises (a crash would hide the figures)."""
        try:
            for _ in range(LOGIN_TRIES):
                if self._log_in():
                    break
        finally:
            ready.wait()
        names, weights = list(ACTIONS), list(ACTIONS.values())
        while self.clock.now() < until:
            try:
                if not self.logged_in:
                    self._log_in()
                    continue
                action = self.rng.choices(names, weights)[0]
                getattr(self, "_" + action.replace(" ", "_"))(until)
            except NoAnswer:
                time.sleep(RETRY_PAUSE)
            except Exception as error:  # noqa: BLE001 - reported as unexpected
                self.unexpected.append(f"{type(error).__name__}: {error}"[:200])
                time.sleep(RETRY_PAUSE)
            time.sleep(self.rng.uniform(*THINK))

    def _log_in(self) -> bool:
        try:
            self.logged_in = self.browser.log_in(self.username, self.course.password)
        except NoAnswer:
            self.logged_in = False
        if not self.logged_in:
            time.sleep(RETRY_PAUSE)
        return self.logged_in

    def _marker(self) -> str:
        self.written += 1
        return f"[lf-{self.number:03d}-{self.written:05d}]"

    def _expect(self, answer: Answer, *statuses: int, action: str) -> bool:
        if answer.status in statuses:
            return True
        if answer.status < 500 and answer.status != 429:
            self.unexpected.append(f"{action}: {answer.status} {answer.body[:200]!r}")
        return False

    # Reading

    def _read_edition(self, until: float) -> None:
        answer = self.browser.request("GET", f"/{self.course.edition}/", action="read edition")
        self._expect(answer, 200, action="read edition")

    def _read_paragraph(self, until: float) -> None:
        paragraph = self.rng.choice(self.course.passages).paragraph
        answer = self.browser.request(
            "GET",
            f"{API}?edition={self.course.edition}&paragraph={paragraph}&limit=50",
            action="read paragraph",
        )
        if not self._expect(answer, 200, action="read paragraph"):
            return
        for item in answer.json()["items"]:
            if not item["deleted"] and not item.get("reply_to") and not item["can_edit"]:
                self.others.append(item["id"])
        self.others = self.others[-50:]

    # Writing

    def _send_new(self, payload: dict, *, kind: str, until: float) -> Answer | None:
        """POST a new note, again with the same key while no answer (or a 5xx) comes."""
        key = str(uuid_module.uuid4())
        for attempt in range(RETRIES + 1):
            try:
                answer = self.browser.request(
                    "POST", API, action=kind, data=payload, headers={"Idempotency-Key": key}
                )
                if answer.status < 500:
                    return answer
            except NoAnswer:
                pass
            if attempt < RETRIES:
                time.sleep(RETRY_PAUSE * (attempt + 1))
        return None

    def _create(self, until: float) -> None:
        passage = self.rng.choice(self.course.passages)
        visibility = self.rng.choice(("private", "group", "group", "public"))
        body = f"{self._marker()} Notiz zu *{passage.selector['exact'][:40]}*."
        payload = {
            "edition": self.course.edition,
            "paragraph": passage.paragraph,
            "selector": passage.selector,
            "motivation": self.rng.choice(("commenting", "questioning")),
            "body": body,
            "tags": self.rng.sample(TAGS, self.rng.randint(0, 2)),
            "visibility": visibility,
            "group": self.course.group if visibility == "group" else "",
            "colour": self.rng.choice(("yellow", "green", "blue")),
        }
        self._created(payload, kind="create", until=until)

    def _reply(self, until: float) -> None:
        if not self.others:
            return self._read_paragraph(until)
        parent = self.rng.choice(self.others)
        payload = {"reply_to": parent, "body": f"{self._marker()} Antwort: Einverstanden."}
        # Its author may have deleted it since it was read: 404, or 400 on `reply_to`.
        answer = self._created(payload, kind="reply", until=until, also=(400, 404))
        if answer is None or answer.status == 201:
            return
        if answer.status == 400 and answer.json()["error"]["field"] != "reply_to":
            self.unexpected.append(f"reply: 400 {answer.body[:200]!r}")
        self.others.remove(parent)

    def _created(self, payload, *, kind, until, also=()) -> Answer | None:
        answer = self._send_new(payload, kind=kind, until=until)
        if answer is None:
            self.ledger.create_unanswered(marker=payload["body"].split(" ")[0], kind=kind)
            return None
        if self._expect(answer, 201, *also, action=kind) and answer.status == 201:
            note = answer.json()
            self.ledger.created(uuid=note["id"], body=note["body"], author=self.username, kind=kind)
            if note["body"] != payload["body"]:
                self.unexpected.append(f"{kind}: stored {note['body']!r}")
            self.mine[note["id"]] = note["version"]
            if len(self.mine) > MINE_MAX:
                self.mine.pop(next(iter(self.mine)))
        return answer

    def _edit(self, until: float) -> None:
        if not self.mine:
            return self._create(until)
        uuid = self.rng.choice(list(self.mine))
        body = f"{self._marker()} Überarbeitet: **Archiv** als Ort der Bildproduktion."
        self.ledger.edit_sent(uuid, body)
        try:
            answer = self.browser.request(
                "PATCH",
                f"{API}{uuid}/",
                action="edit",
                data={"body": body},
                headers={"If-Match": f'"{self.mine[uuid]}"'},
            )
        except NoAnswer:
            answer = None
        if answer is not None and self._expect(answer, 200, action="edit"):
            note = answer.json()
            self.ledger.edited(uuid, note["body"])
            self.mine[uuid] = note["version"]
            return
        if answer is None or answer.status >= 500:
            self.ledger.edit_unanswered()
        self._resync(uuid)

    def _delete(self, until: float) -> None:
        if not self.mine:
            return self._read_paragraph(until)
        uuid = self.rng.choice(list(self.mine))
        try:
            answer = self.browser.request(
                "DELETE",
                f"{API}{uuid}/",
                action="delete",
                headers={"If-Match": f'"{self.mine[uuid]}"'},
            )
        except NoAnswer:
            answer = None
        if answer is not None and self._expect(answer, 204, action="delete"):
            self.ledger.deleted(uuid)
            self.mine.pop(uuid)
            return
        if answer is None or answer.status >= 500:
            self.ledger.delete_unanswered(uuid)
        self._resync(uuid)

    def _resync(self, uuid: str) -> None:
        """After an unanswered edit or delete: read the note until the app says what it is.
        Until then it is left alone (its state stays possible, not certain, in the ledger)."""
        self.mine.pop(uuid, None)
        for _ in range(RESYNC_TRIES):
            time.sleep(RETRY_PAUSE)
            try:
                answer = self.browser.request("GET", f"{API}{uuid}/", action="read note")
            except NoAnswer:
                continue
            if answer.status == 200:
                note = answer.json()
                self.ledger.seen(uuid, body=note["body"], deleted=note["deleted"])
                if not note["deleted"]:
                    self.mine[uuid] = note["version"]
                return
            if answer.status == 404:  # one's own note is invisible only once deleted
                self.ledger.seen(uuid, body="", deleted=True)
                return
