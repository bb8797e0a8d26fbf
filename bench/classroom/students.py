"""The classroom's students, for Locust: `python -m locust -f bench/classroom/students.py`, started
by `bench.classroom.runner` with the plan's path in BENCH_CLASSROOM_PLAN (see `plan`).

Each simulated student is one of the plan's students (distinct sessions), thinks 2–8 s between
actions and, while their page is open, has a poller of the live channel that keeps its own
rhythm (the `poll` the answer asks for, `If-None-Match` with the last ETag), as the page's script
does. When a paragraph whose threads the page has loaded changes, the poller fetches them again.

This module runs only under Locust (gevent monkey-patches the process), never in pytest or
Django. It records every request and every write and live change it sees, and writes them to
BENCH_CLASSROOM_RECORDS when Locust quits; `bench.classroom.measure` reads them.
"""

import itertools
import json
import os
import random
import time
from collections import deque
from functools import cache
from pathlib import Path

import gevent
from locust import FastHttpUser, between, events, task

from bench.classroom.protocol import (
    API_LIST,
    EDITION,
    LIVE,
    NOTE,
    PLAN_VARIABLE,
    RECORDS_VARIABLE,
    REPLY,
    SEARCH,
    SPAWNED_MARK,
    THREADS,
    THREADS_LIVE,
)

THINK_SECONDS = (2, 8)
LOADED_PARAGRAPHS = 8  # threads a page keeps around the reader's place
REPLY_CANDIDATES = 30
POLL_BOUNDS = (0.2, 30.0)  # seconds; whatever the channel asks, within reason
FIRST_POLL = 2.0  # the page waits LIVE_POLL_MS (2 s by default) before its first poll

_numbers = itertools.count()
_records: dict[str, list] = {"requests": [], "writes": [], "changes": [], "baselines": []}
_records["crashes"] = []


@cache
def plan() -> dict:
    return json.loads(Path(os.environ[PLAN_VARIABLE]).read_text(encoding="utf-8"))


@events.request.add_listener
def _record_request(name, start_time, response_time, response, exception, **kwargs):
    status = getattr(response, "status_code", 0) or 0
    error = None if exception is None else f"{type(exception).__name__}: {exception}"[:160]
    _records["requests"].append((name, start_time, response_time / 1000, status, error))


@events.spawning_complete.add_listener
def _spawned(user_count, **kwargs):
    print(f"{SPAWNED_MARK} {user_count} {time.time():.3f}", flush=True)


@events.quitting.add_listener
def _write_records(**kwargs):
    target = os.environ.get(RECORDS_VARIABLE)
    if target:
        Path(target).write_text(json.dumps(_records), encoding="utf-8")


class Student(FastHttpUser):
    wait_time = between(*THINK_SECONDS)
    network_timeout = 30.0
    connection_timeout = 30.0

    def on_start(self):
        chosen = plan()
        self.number = next(_numbers)
        if self.number >= len(chosen["students"]):
            raise RuntimeError(f"more users than the plan's {len(chosen['students'])} students")
        me = chosen["students"][self.number]
        self.course_group = me["group"]
        self.reading = {"Cookie": me["cookie"]}
        self.writing = self.reading | {
            "X-CSRFToken": me["csrf"],
            "Content-Type": "application/json",
        }
        self.rng = random.Random(chosen["seed"] * 100_003 + self.number)  # noqa: S311
        self.paragraphs = chosen["paragraphs"]
        self.loaded: deque[str] = deque(maxlen=LOADED_PARAGRAPHS)
        self.replyable: deque[tuple[str, str]] = deque(maxlen=REPLY_CANDIDATES)
        self.written = 0
        self.poller = None
        self.open_edition()
        if chosen["live"]:
            self.poller = gevent.spawn(self._poll_forever, chosen["live"])

    def on_stop(self):
        if self.poller is not None:
            self.poller.kill(block=False)

    def _send(self, kind, method, path, *, expect=(200,), headers=None, body=None):
        """The response if its status was expected, else None (recorded as an error)."""
        with self.client.request(
            method,
            path,
            name=kind,
            headers=headers or self.reading,
            data=body,
            catch_response=True,
        ) as response:
            if response.status_code in expect:
                response.success()
                return response
            response.failure(f"HTTP {response.status_code}")
            return None

    @property
    def _place(self) -> str:
        return self.paragraphs[self.position]["id"]

    @task(1)
    def open_edition(self):
        """A fresh page: a new place in the text, no threads loaded yet."""
        self.position = self.rng.randrange(len(self.paragraphs))
        self.loaded.clear()
        self._send(EDITION, "GET", plan()["page"])

    @task(4)
    def scroll(self):
        """The next paragraph nears the screen and the page fetches its threads."""
        self.position = (self.position + 1) % len(self.paragraphs)
        paragraph = self._place
        if self._send(THREADS, "GET", f"{plan()['page']}{paragraph}/threads/"):
            self.loaded.append(paragraph)

    @task(2)
    def list_notes(self):
        paragraph = self._place
        path = f"/api/annotations/?edition={plan()['edition']}&paragraph={paragraph}"
        response = self._send(API_LIST, "GET", path)
        if response is None:
            return
        for item in response.json().get("items", []):
            shared = item["visibility"] == "public" or item["group"] == self.course_group
            if shared and not item["deleted"] and not item["reply_to"]:
                self.replyable.append((item["id"], paragraph))

    @task(1)
    def search(self):
        word = self.rng.choice(plan()["search_words"])
        self._send(SEARCH, "GET", f"/search/?q={word}")

    @task(1)
    def write_note(self):
        chosen, paragraph = plan(), self.paragraphs[self.position]
        note = {
            "edition": chosen["edition"],
            "paragraph": paragraph["id"],
            "selector": paragraph["selector"],
            "motivation": "commenting",
            "body": f"{self._marker()} Notiz für den Kurs zu *{paragraph['selector']['exact']}*.",
            "tags": [],
            "visibility": "group",
            "group": self.course_group,
            "colour": "green",
        }
        self._write(NOTE, note, paragraph["id"])

    @task(1)
    def reply(self):
        if not self.replyable:
            return self.list_notes()
        parent, paragraph = self.rng.choice(self.replyable)
        answer = {"reply_to": parent, "body": f"{self._marker()} Antwort: einverstanden."}
        self._write(REPLY, answer, paragraph)

    def _marker(self) -> str:
        self.written += 1
        return f"{plan()['marker']}{self.number:04d}-{self.written:05d}"

    def _write(self, kind: str, payload: dict, paragraph: str) -> None:
        sent = time.time()
        response = self._send(
            kind,
            "POST",
            "/api/annotations/",
            expect=(201,),
            headers=self.writing,
            body=json.dumps(payload, ensure_ascii=False).encode(),
        )
        if response is not None:
            _records["writes"].append(
                (self.number, self.course_group, paragraph, sent, time.time(), kind)
            )

    def _poll_forever(self, path: str) -> None:
        etag, states, wait = None, None, FIRST_POLL
        while True:
            try:
                answer = self._poll(path, etag)
                if answer is not None:
                    etag, paragraphs, wait = answer
                    changed = self._changes(states, paragraphs)
                    states = paragraphs
                    for paragraph in changed & set(self.loaded):
                        self._send(THREADS_LIVE, "GET", f"{plan()['page']}{paragraph}/threads/")
            except gevent.GreenletExit:
                raise
            except Exception as error:  # noqa: BLE001 - a poller never dies; counted instead
                _records["crashes"].append(f"{type(error).__name__}: {error}"[:160])
            gevent.sleep(wait)

    def _poll(self, path: str, etag: str | None):
        """(ETag, {paragraph: state}, seconds to wait) from a 200, None from a 304 or an error."""
        headers = self.reading | {"Accept": "application/json"}
        if etag:
            headers["If-None-Match"] = etag
        response = self._send(LIVE, "GET", path, expect=(200, 304), headers=headers)
        if response is None or response.status_code == 304:
            return None
        data = response.json()
        states = {p: entry.get("state") for p, entry in data.get("paragraphs", {}).items()}
        wait = min(max(float(data.get("poll", 1000)) / 1000, POLL_BOUNDS[0]), POLL_BOUNDS[1])
        return response.headers.get("ETag") or response.headers.get("etag"), states, wait

    def _changes(self, before: dict | None, after: dict) -> set[str]:
        answered = time.time()
        if before is None:
            _records["baselines"].append((self.number, answered))
            return set()
        changed = {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}
        _records["changes"].extend((self.number, p, answered) for p in changed)
        return changed
