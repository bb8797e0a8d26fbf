"""Every paragraph's tools offer "Cite ¶ N": a plain link to the Cite panel of its page."""

import re

import pytest

pytestmark = pytest.mark.django_db


def tools(html: str) -> dict[str, str]:
    """Each paragraph's tool row by paragraph ID."""
    rows = re.findall(r'id="(p\d+)">.*?<div class="para-tools">(.*?)</div>', html, re.S)
    return dict(rows)


def test_each_paragraph_tool_row_links_its_cite_panel(client, edition):
    rows = tools(client.get("/test-interview/").content.decode())
    assert list(rows) == ["p1", "p2", "p3", "p4"]
    for public_id, row in rows.items():
        number = public_id[1:]
        assert (
            f'<a class="cite-link" href="/test-interview/{public_id}/#cite" '
            f'data-cite-paragraph="{public_id}">Cite ¶ {number}</a>'
        ) in row


def test_cite_link_leads_to_the_paragraph_cite_panel(client, edition):
    html = client.get("/test-interview/p3/").content.decode()
    assert 'href="/test-interview/p3/#cite"' in html
    assert '<section class="cite-box" id="cite"' in html
    assert "(Autorin, 2024, para. 3)" in html
