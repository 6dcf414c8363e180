"""Markdown from the AI coach and from users, made safe to put in a page.

Two steps, each enough on its own for the common cases and together for the
rest: markdown-it (CommonMark, raw HTML off, so ``<script>`` in the text is
shown as text) turns the markdown into HTML, then nh3 (ammonia) keeps only an
allow-list of tags and attributes, links only to http, https and mailto
(relative and every other scheme lose their ``href``), and marks every link
``rel="noopener noreferrer nofollow"``. Images are not made (``![alt](url)``
shows as ``!`` and a link): a page never loads anything from elsewhere.
Headings can be demoted under the page's own (the pages' ``markdown``
filter always does, under the h1 at least): ``under=2`` (inside a section
whose heading is an h2) makes the text's top heading an h3, the rest below
it in step (never past h6), so the page's outline stays correct.
markdown-it and nh3 are imported on the first text rendered, not at start-up.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from markupsafe import Markup

if TYPE_CHECKING:
    import nh3
    from markdown_it import MarkdownIt

TAGS = frozenset(
    {
        "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6",
        "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a",
    }
)
ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow"
TEXT_MAX = 200_000
"""Longer text is cut before rendering: what is stored is far shorter."""


@cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    return parser.disable("image")


@cache
def _cleaner() -> nh3.Cleaner:
    import nh3

    return nh3.Cleaner(
        tags=set(TAGS),
        clean_content_tags={"script", "style"},
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        url_relative="deny",
        link_rel=LINK_REL,
        strip_comments=True,
    )


def render(text: str, under: int = 0) -> Markup:
    """``text`` as sanitised HTML, safe to put in a template unescaped, its
    headings starting one level below an h``under`` (0: as written)."""
    if not text:
        return Markup("")
    parser = _parser()
    tokens = parser.parse(text[:TEXT_MAX])
    levels = [int(token.tag[1]) for token in tokens if token.type == "heading_open"]
    if levels and under > 0:
        shift = min(under, 5) + 1 - min(levels)
        for token in tokens:
            if token.type in ("heading_open", "heading_close"):
                token.tag = f"h{min(6, max(1, int(token.tag[1]) + shift))}"
    html = parser.renderer.render(tokens, parser.options, {})
    return Markup(_cleaner().clean(html))
