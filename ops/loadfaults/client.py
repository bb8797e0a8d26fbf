"""A student's browser, as the app sees it behind its TLS proxy, and the journal of every
request the students send.

gunicorn listens on plain HTTP on 127.0.0.1, as behind the load balancer in production
(README "Several app servers"), so each request carries `X-Forwarded-Proto: https`, as that
proxy sets it: the app then treats the request as HTTPS and checks CSRF exactly as for a browser
(the Origin header of a POST must be the site's https origin). The cookies the app marks Secure
are sent back as a browser over HTTPS would. One connection per request: gunicorn's sync
workers close each connection after answering.
"""

import http.client
import json
import re
import threading
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from bench.config import HOST

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# A browser waits minutes for an answer; 32 students queue behind 2 sync workers on a shared
# machine for many seconds. gunicorn's own --timeout (60 s) bounds the work on one request.
TIMEOUT = 120.0


class NoAnswer(Exception):
    """The request got no HTTP answer: refused, reset, or timed out."""


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes

    def json(self) -> dict:
        return json.loads(self.body or b"{}")


@dataclass(frozen=True)
class Exchange:
    """One request as the journal keeps it; times in seconds since the run started."""

    student: str
    action: str
    method: str
    started: float
    ended: float
    status: int | None  # None: no answer
    error: str = ""


class Clock:
    """Seconds since the run started, shared by the students, the faults and the report."""

    def __init__(self) -> None:
        self.zero = time.monotonic()

    def now(self) -> float:
        return time.monotonic() - self.zero

    def restart(self) -> None:
        self.zero = time.monotonic()


class Journal:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.exchanges: list[Exchange] = []

    def add(self, exchange: Exchange) -> None:
        with self._lock:
            self.exchanges.append(exchange)

    def snapshot(self) -> list[Exchange]:
        with self._lock:
            return list(self.exchanges)


class Browser:
    def __init__(self, *, port: int, name: str, journal: Journal, clock: Clock) -> None:
        self.port = port
        self.name = name
        self.journal = journal
        self.clock = clock
        self.cookies: dict[str, str] = {}

    @property
    def origin(self) -> str:
        return f"https://{HOST}:{self.port}"

    @property
    def csrf_token(self) -> str:
        return self.cookies.get("csrftoken", "")

    def request(
        self,
        method: str,
        path: str,
        *,
        action: str,
        data: dict | None = None,
        form: dict | None = None,
        headers: dict | None = None,
    ) -> Answer:
        """Send one request and journal it; `NoAnswer` when none came."""
        sent = {"X-Forwarded-Proto": "https", "Accept-Language": "de"}
        payload = None
        if data is not None:
            payload = json.dumps(data, ensure_ascii=False).encode()
            sent |= {"Content-Type": "application/json", "Accept": "application/json"}
        elif form is not None:
            payload = urlencode(form).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        if method not in ("GET", "HEAD"):
            sent |= {"Origin": self.origin, "Referer": f"{self.origin}{path}"}
            if form is None:  # the script's requests; a form carries its token itself
                sent["X-CSRFToken"] = self.csrf_token
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        sent |= headers or {}
        started = self.clock.now()
        connection = http.client.HTTPConnection(HOST, self.port, timeout=TIMEOUT)
        try:
            connection.request(method, path, body=payload, headers=sent)
            response = connection.getresponse()
            body = response.read()
            self._keep_cookies(response.headers.get_all("Set-Cookie") or [])
        except (OSError, http.client.HTTPException) as error:
            reason = f"{type(error).__name__}: {error}"[:200]
            self.journal.add(
                Exchange(self.name, action, method, started, self.clock.now(), None, reason)
            )
            raise NoAnswer(reason) from error
        finally:
            connection.close()
        self.journal.add(
            Exchange(self.name, action, method, started, self.clock.now(), response.status)
        )
        return Answer(response.status, body)

    def _keep_cookies(self, headers: list[str]) -> None:
        for header in headers:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def log_in(self, username: str, password: str) -> bool:
        """Through the real login page: its form, its CSRF token, a 302 on success."""
        page = self.request("GET", "/accounts/login/", action="log in")
        found = CSRF_FIELD.search(page.body.decode("utf-8", errors="replace"))
        if page.status != 200 or found is None:
            return False
        answer = self.request(
            "POST",
            "/accounts/login/",
            action="log in",
            form={
                "csrfmiddlewaretoken": found.group(1),
                "username": username,
                "password": password,
            },
        )
        return answer.status == 302 and "sessionid" in self.cookies
