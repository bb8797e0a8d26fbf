"""With several app instances: what one of them writes, every other one shows at once.

Each step writes through one instance and reads through another, after that other one has
already served the same page (so a per-process cache of it would now be stale). Sessions are
checked the same way: a session signed out through one instance is gone on the other.
"""

import http.client
import json
import re
import secrets
from dataclasses import dataclass

from django.urls import reverse

from bench.config import HOST
from bench.scenarios import API_PARAGRAPH, Actor

MARKER = "bench-consistency-"


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    detail: str


def _call(port: int, method: str, path: str, actor: Actor | None = None, body: dict | None = None):
    headers = {}
    if actor is not None:
        headers = {"Cookie": actor.cookie(), "X-CSRFToken": actor.csrf_token}
    payload = json.dumps(body).encode() if body is not None else None
    if payload is not None:
        headers["Content-Type"] = "application/json"
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        connection.request(method, path, body=payload, headers=headers)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", errors="replace")
    finally:
        connection.close()


def check(*, ports: list[int], edition_path: str, edition_slug: str, reader: Actor, fresh: Actor):
    """Run the checks between the first two instances; `fresh` is a session only for this
    (it is signed out at the end)."""
    a, b = ports[0], ports[1]
    marker = f"{MARKER}{secrets.token_hex(6)}"
    checks: list[Check] = []

    def record(name: str, passed: bool, detail: str = "") -> None:
        checks.append(Check(name, passed, detail))

    # The edition page (shared by anonymous readers, cached) holds each paragraph's count of
    # threads; the paragraph's threads come from their own URL, which the page's script fetches.
    threads_path = reverse(
        "annotations:paragraph-threads",
        kwargs={"slug": edition_slug, "public_id": API_PARAGRAPH},
    )

    def count_on(port: int) -> int | None:
        _, page = _call(port, "GET", edition_path)
        found = re.search(re.escape(threads_path) + r'" data-thread-count="(\d+)"', page)
        return int(found.group(1)) if found else None

    counted = {port: count_on(port) for port in (a, b)}  # both cached before anything changes
    status, text = _call(
        a,
        "POST",
        reverse("annotations:api-collection"),
        reader,
        {
            "edition": edition_slug,
            "paragraph": API_PARAGRAPH,
            "body": marker,
            "visibility": "public",
        },
    )
    if status != 201:
        record("create through instance 1", False, f"{status}: {text[:200]}")
        return checks
    item = reverse("annotations:api-item", kwargs={"uuid": json.loads(text)["id"]})
    status, text = _call(b, "GET", item, reader)
    record("a note created through 1 is read through 2", status == 200 and marker in text)
    status, text = _call(b, "GET", threads_path)
    now_b = count_on(b)
    record(
        "… and is on 2's edition page at once",
        marker in text and counted[b] is not None and now_b == counted[b] + 1,
        f"threads {status}; count {counted[b]} → {now_b}",
    )
    edited = marker + "-edited"
    status, _ = _call(b, "PATCH", item, reader, {"body": edited})
    _, text = _call(a, "GET", threads_path)
    record("an edit through 2 is on 1's page at once", status == 200 and edited in text)
    status, _ = _call(a, "DELETE", item, reader)
    after_status, _ = _call(b, "GET", item, reader)
    _, text = _call(b, "GET", threads_path)
    now_b = count_on(b)
    record(
        "a delete through 1 is gone on 2 at once",
        status == 204 and after_status == 404 and marker not in text and now_b == counted[b],
        f"delete {status}, then read {after_status}; count {now_b}",
    )
    mine = reverse("annotations:my-annotations")
    before, _ = _call(a, "GET", mine, fresh)
    logout, _ = _call(b, "POST", reverse("accounts:logout"), fresh)
    after, _ = _call(a, "GET", mine, fresh)
    record(
        "a session signed out through 2 is gone on 1",
        before == 200 and after == 302,
        f"before {before}, logout {logout}, after {after}",
    )
    return checks
