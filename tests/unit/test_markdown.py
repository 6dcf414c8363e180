"""Markdown from the coach and from users, as it goes into a page: ordinary
markdown survives; nothing in it can run script, handle an event or link to
anything but http(s) and mailto — whatever the text, hypothesis included."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from adapters.web.markdown import LINK_REL, TAGS, render

ALLOWED_URL_PREFIXES = ("http://", "https://", "mailto:")


class Parsed(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def assert_safe(html: str) -> None:
    assert "<script" not in html.lower()
    for tag, attrs in Parsed(html).tags:
        assert tag in TAGS, tag
        assert not [name for name in attrs if name.lower().startswith("on")], (tag, attrs)
        assert set(attrs) <= {"href", "title", "rel", "start"}, (tag, attrs)
        href = attrs.get("href")
        if href is not None:
            assert href.lower().startswith(ALLOWED_URL_PREFIXES), href
            assert attrs.get("rel") == LINK_REL
        if tag == "a":
            assert attrs.get("rel") == LINK_REL


def test_normal_markdown_survives() -> None:
    html = render(
        "# Title\n\n## Feedback (Rating: 7/10)\n\nSome **bold**, *emphasis* and `code`.\n\n"
        "- one\n- two\n\n3. three\n4. four\n\n```python\nprint('<hi>')\n```\n\n"
        "> quoted\n\n[docs](https://example.com/a?b=1&c=2 \"Docs\") and <mailto:ada@example.com>\n\n---\n"
    )
    assert isinstance(html, Markup)
    for fragment in [
        "<h1>Title</h1>", "<h2>Feedback (Rating: 7/10)</h2>", "<strong>bold</strong>",
        "<em>emphasis</em>", "<code>code</code>", "<li>one</li>", '<ol start="3">',
        "<pre><code>print('&lt;hi&gt;')\n</code></pre>", "<blockquote>", "<hr>",
        '<a href="https://example.com/a?b=1&amp;c=2" title="Docs" rel="noopener noreferrer nofollow">docs</a>',
        '<a href="mailto:ada@example.com" rel="noopener noreferrer nofollow">',
    ]:
        assert fragment in html, fragment
    assert_safe(html)


def test_empty_text_is_empty() -> None:
    assert render("") == Markup("")


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
        "<img src=x onerror=alert(1)>",
        "![x](https://evil.example/x.png)",
        '![x" onerror="alert(1)](https://evil.example/x.png)',
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x](java&#x09;script:alert(1))",
        "[x](%6aavascript:alert(1))",
        "[x](  javascript:alert(1)  )",
        "[x](vbscript:msgbox(1))",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[x](file:///etc/passwd)",
        "<javascript:alert(1)>",
        "[x][r]\n\n[r]: javascript:alert(1)",
        '<a href="javascript:alert(1)" onclick="alert(2)">x</a>',
        "<div onmouseover=alert(1)>hover</div>",
        "<iframe src=https://evil.example></iframe>",
        "<svg><script>alert(1)</script></svg>",
        "<style>body{display:none}</style>",
        "<!-- <script>alert(1)</script> -->",
        "<<script>script>alert(1)<</script>/script>",
        "`<script>alert(1)</script>`",
        "```html\n<script>alert(1)</script>\n```",
        "[<img src=x onerror=alert(1)>](https://ok.example)",
        "[x](https://ok.example \"\\\" onmouseover=\\\"alert(1)\")",
        '[x](https://ok.example" onmouseover="alert(1))',
        "<a href=\"https://ok.example\" style=\"position:fixed\">x</a>",
        "[x](//evil.example/path)",
        "[x](/app/job-infos/1)",
    ],
)
def test_hostile_text_is_inert(text: str) -> None:
    html = render(text)
    assert_safe(html)
    assert "javascript:" not in " ".join(str(a.get("href")) for _, a in Parsed(html).tags)


def test_raw_html_is_shown_as_text() -> None:
    assert render("<b>hi</b> <script>alert(1)</script>") == Markup(
        "<p>&lt;b&gt;hi&lt;/b&gt; &lt;script&gt;alert(1)&lt;/script&gt;</p>\n"
    )


def test_images_are_not_loaded() -> None:
    html = render("![cat](https://example.com/cat.png)")
    assert "<img" not in html
    assert '<a href="https://example.com/cat.png" rel="noopener noreferrer nofollow">cat</a>' in html


PIECES = st.sampled_from(
    [
        "<script>", "</script>", "<scr", "ipt>", "<img src=x ", "onerror=", "onload=", " on",
        "click=", "javascript:", "java", "script:", "JaVaScRiPt:", "&#106;", "&#x6a;", "%6a", "data:",
        "vbscript:", "<a href=\"", "\">", "[x](", ")", "![y](", "](", "[r]: ", "\n\n", "\n", "`", "```",
        "<", ">", "\"", "'", "=", "&", ";", "\t", " ", "alert(1)", "<svg ", "<iframe ", "<!--", "-->",
        "*", "**", "# ", "- ", "> ", "1. ", "\\", "http://", "https://ok.example", "mailto:",
    ]
)
HOSTILE = st.lists(st.one_of(PIECES, st.text(max_size=5)), max_size=30).map("".join)


@settings(max_examples=400, deadline=None)
@given(HOSTILE)
def test_no_text_ever_renders_script_handlers_or_bad_links(text: str) -> None:
    assert_safe(render(text))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_any_text_renders_safely(text: str) -> None:
    assert_safe(render(text))


@pytest.mark.parametrize(("text", "under", "expected"), [
    ("# Overall Rating\n\n## Clarity\n\nGood.", 2, ["h3", "h4"]),
    ("## Clarity\n\n### Detail", 2, ["h3", "h4"]),  # the text's top heading, whatever its level
    ("# Title", 1, ["h2"]),
    ("# A\n\n## B\n\n### C\n\n#### D\n\n##### E", 3, ["h4", "h5", "h6", "h6", "h6"]),  # never past h6
])
def test_headings_are_demoted_under_the_pages_own(text: str, under: int, expected: list[str]) -> None:
    html = render(text, under)
    assert [tag for tag, _ in Parsed(html).tags if tag.startswith("h")] == expected
    assert_safe(html)
