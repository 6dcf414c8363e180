"""Markdown from the AI coach and from users, made safe to put in a page.

Two steps, each enough on its own for the common cases and together for the
rest: markdown-it (CommonMark, raw HTML off, so ``<script>`` in the text is
shown as text) turns the markdown into HTML, then nh3 (ammonia) keeps only an
allow-list of tags and attributes, links only to http, https and mailto
(relative and every other scheme lose their ``href``), and marks every link
``rel="noopener noreferrer nofollow"``. Images are not made (``![alt](url)``
shows as ``!`` and a link): a page never loads anything from elsewhere.
"""

from __future__ import annotations

from functools import cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

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
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    return parser.disable("image")


@cache
def _cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=set(TAGS),
        clean_content_tags={"script", "style"},
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        url_relative="deny",
        link_rel=LINK_REL,
        strip_comments=True,
    )


def render(text: str) -> Markup:
    """``text`` as sanitised HTML, safe to put in a template unescaped."""
    if not text:
        return Markup("")
    html = _parser().render(text[:TEXT_MAX])
    return Markup(_cleaner().clean(html))
