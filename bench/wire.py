"""Bytes on the wire for a page, as a browser fetches it: the HTML and every stylesheet and
script it links (following the static imports of JavaScript modules), each requested from the
running server with `Accept-Encoding: gzip`. Bodies only; headers are not counted."""

import gzip
import http.client
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from bench.config import HOST

MODULE_IMPORT = re.compile(
    r"""(?:^|[;\s])(?:import|export)\s*(?:[\w*{}\s,$]+?\s*from\s*)?["']([^"']+\.js)["']""", re.M
)


@dataclass
class Weight:
    html: int = 0  # as sent
    html_gzipped: int = 0  # what gzip would make of it (the app itself does not compress)
    css: int = 0
    js: int = 0
    assets: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "html": self.html,
            "html_gzipped": self.html_gzipped,
            "css": self.css,
            "js": self.js,
            "assets": self.assets,
        }


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.css: list[str] = []
        self.js: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "link" and "stylesheet" in (attributes.get("rel") or "").split():
            self.css.append(attributes.get("href") or "")
        elif tag == "script" and attributes.get("src"):
            self.js.append(attributes["src"])


def fetch(port: int, path: str, headers: dict[str, str]) -> tuple[int, bytes, dict[str, str]]:
    """Status, body as received (still compressed) and headers of one GET."""
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request("GET", path, headers={"Accept-Encoding": "gzip", **headers})
        response = connection.getresponse()
        return response.status, response.read(), dict(response.getheaders())
    finally:
        connection.close()


def _decoded(body: bytes, headers: dict[str, str]) -> bytes:
    return gzip.decompress(body) if headers.get("Content-Encoding") == "gzip" else body


def page_weight(port: int, path: str, headers: dict[str, str]) -> Weight:
    status, body, response_headers = fetch(port, path, headers)
    if status != 200:
        raise RuntimeError(f"GET {path} answered {status}")
    html = _decoded(body, response_headers)
    weight = Weight(html=len(body), html_gzipped=len(gzip.compress(html, compresslevel=6)))
    links = _Links()
    links.feed(html.decode("utf-8", errors="replace"))
    seen: set[str] = set()
    for href in links.css:
        weight.css += _asset(port, urljoin(path, href), seen, weight)
    pending = [urljoin(path, src) for src in links.js]
    while pending:
        url = pending.pop(0)
        if url in seen:
            continue
        status, body, response_headers = fetch(port, urlsplit(url).path, {})
        seen.add(url)
        if status != 200:
            raise RuntimeError(f"GET {url} (linked from {path}) answered {status}")
        weight.js += len(body)
        weight.assets.append(url)
        source = _decoded(body, response_headers).decode("utf-8", errors="replace")
        pending += [urljoin(url, target) for target in MODULE_IMPORT.findall(source)]
    return weight


def _asset(port: int, url: str, seen: set[str], weight: Weight) -> int:
    if url in seen:
        return 0
    seen.add(url)
    status, body, _ = fetch(port, urlsplit(url).path, {})
    if status != 200:
        raise RuntimeError(f"GET {url} answered {status}")
    weight.assets.append(url)
    return len(body)
