"""Every page type under the Content-Security-Policy in headless Chromium: no violation is
reported and nothing is logged as an error while the page loads and its scripts run."""

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests.e2e.conftest import CHROMIUM, browser_type_launch_args  # noqa: F401 (a fixture)
from tests.security.test_inline_code import PAGES, url_names

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}"),
]

RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}`);
});
"""


# Parts of a page, fetched by its script: no document of their own (and so no favicon).
FRAGMENTS = {"annotations:thread-fragment", "annotations:paragraph-threads"}


def session_cookie(user, url: str) -> dict:
    client = Client()
    client.force_login(user)
    return {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": url}


def test_no_page_violates_the_policy(browser, live_server, site):
    contexts = {}
    problems = []
    for name, spec in sorted(PAGES.items()):
        if name not in url_names() or name in FRAGMENTS:
            continue
        if spec.user not in contexts:
            context = browser.new_context()
            if spec.user:
                context.add_cookies([session_cookie(site[spec.user], live_server.url)])
            context.add_init_script(RECORD_VIOLATIONS)
            contexts[spec.user] = context
        page = contexts[spec.user].new_page()
        errors: list[str] = []
        page.on("console", lambda m, e=errors: e.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda exc, e=errors: e.append(str(exc)))
        url = reverse(name, kwargs=spec.kwargs(site)) + spec.query(site)
        page.goto(f"{live_server.url}{url}", wait_until="networkidle")
        violations = page.evaluate("() => window.cspViolations")
        if violations or errors:
            problems.append(f"{url}: {violations} {errors}")
        page.close()
    for context in contexts.values():
        context.close()
    assert not problems, "\n".join(problems)


def test_the_recorder_sees_a_violation(browser, live_server, site):
    """The control: an inline style set by script is refused and recorded."""
    context = browser.new_context()
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.goto(f"{live_server.url}/", wait_until="networkidle")
    page.evaluate("() => document.body.setAttribute('style', 'color: red')")
    page.wait_for_function("() => window.cspViolations.length > 0")
    assert page.evaluate("() => window.cspViolations")[0].startswith("style-src-attr")
    context.close()
