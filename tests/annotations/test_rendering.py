"""Markdown notes are rendered and sanitised in one function; nothing executable survives."""

import pytest

from annotations.rendering import render_markdown

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<a href="javascript:alert(1)">x</a>',
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](  javascript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<iframe src="https://evil.example"></iframe>',
    "<object data=x></object>",
    '<p onclick="alert(1)">x</p>',
    '<a href="https://ok.example" onmouseover="alert(1)">x</a>',
    "<math><mi xlink:href='javascript:alert(1)'>x</mi></math>",
    "<style>body{display:none}</style>",
    "<form action=https://evil.example><input name=x></form>",
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    "<<script>alert(1)//<</script>",
    '"><script>alert(1)</script>',
    "<details open ontoggle=alert(1)>",
    "<base href=https://evil.example/>",
    "[x](vbscript:msgbox(1))",
]


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_payload_renders_without_anything_executable(payload):
    html = render_markdown(payload).lower()
    for needle in (
        "<script",
        "onerror",
        "onload",
        "onclick",
        "onmouseover",
        "ontoggle",
        "javascript:",
        "vbscript:",
        "data:text",
        "<iframe",
        "<object",
        "<svg",
        "<style",
        "<form",
        "<meta",
        "<base",
        "style=",
    ):
        assert needle not in html, (payload, html)


def test_markdown_is_rendered():
    assert render_markdown("Compare **Farocki** and *Sekula*.") == (
        "<p>Compare <strong>Farocki</strong> and <em>Sekula</em>.</p>"
    )


def test_links_get_rel_nofollow_ugc_noopener():
    html = render_markdown("[Farocki](https://example.org/farocki)")
    assert html == (
        '<p><a href="https://example.org/farocki" rel="nofollow ugc noopener">Farocki</a></p>'
    )


def test_umlauts_and_quotes_survive():
    assert render_markdown("„Bilder“ über Größe") == "<p>„Bilder“ über Größe</p>"
