"""Charts as inline SVG, drawn by pygal on the server and cleaned for the
strict CSP: pygal's own <script> and <style> (and ``style`` attributes, and
its tooltips, which need its script) are taken out, so the charts take their
look from ``static/progress.css`` — its colours follow the light and dark
themes. Each chart is an image named by its figure's caption
(``aria-labelledby``); the page gives its numbers as a table too. A chart
that spans the page is drawn twice, wide and ``NARROW`` (for a phone, where
the wide one's labels would be too small), and the CSS shows one.

pygal (and lxml) are imported when the first chart is drawn, not at start-up."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING

from markupsafe import Markup

if TYPE_CHECKING:
    import pygal

NARROW = 420
WIDE = 820
HEIGHT = 300
FONT = 15
"""px in the viewBox; progress.css sets the same sizes, pygal needs them to
leave room for the labels."""
_SVG = "{http://www.w3.org/2000/svg}"
_DROPPED = {_SVG + name for name in ("script", "style", "defs", "title", "desc")}
"""pygal's script and styles, and its hover texts (raw positions, values)."""


@cache
def _layout() -> pygal.style.Style:
    from pygal.style import Style

    return Style(
        font_family="system-ui, sans-serif",
        label_font_size=FONT, major_label_font_size=FONT, legend_font_size=FONT,
        value_font_size=FONT, title_font_size=FONT, tooltip_font_size=FONT, no_data_font_size=FONT,
    )


def _config(width: int) -> dict[str, object]:
    return {
        "js": [], "css": [], "no_prefix": True, "disable_xml_declaration": True,
        "width": width, "height": HEIGHT, "style": _layout(), "show_legend": False,
        "range": (0, 10), "y_labels": [0, 2, 4, 6, 8, 10], "margin": 12, "margin_right": 28, "spacing": 8,
        "truncate_label": 18, "truncate_legend": 24, "show_x_guides": False, "print_values": False,
    }


def _clean(chart: pygal.graph.graph.Graph, labelled_by: str, width: int, look: str = "") -> Markup:
    """The chart's SVG with nothing the CSP refuses (no script, no style
    element or attribute) and no tooltips, named by ``labelled_by``."""
    from lxml import etree

    root = etree.fromstring(chart.render())
    for element in list(root.iter()):
        parent = element.getparent()
        if parent is None:
            continue
        tag = element.tag if isinstance(element.tag, str) else ""
        classes = (element.get("class") or "").split()
        if not tag or tag in _DROPPED or "tooltip" in classes:
            parent.remove(element)  # comments too (their tag is not a string)
    for element in root.iter():
        if isinstance(element.tag, str):
            element.attrib.pop("style", None)
    root.attrib.pop("id", None)
    root.set("class", f"chart__svg {look} chart__svg--{'wide' if width > NARROW else 'narrow'}".replace("  ", " "))
    root.set("role", "img")
    root.set("aria-labelledby", labelled_by)
    root.set("focusable", "false")
    return Markup(etree.tostring(root, encoding="unicode"))


def _clip(label: str, longest: int) -> str:
    return label if len(label) <= longest else label[: longest - 1].rstrip() + "…"


def _thinned(labels: Sequence[str], most: int) -> list[str]:
    """At most ``most`` of the labels shown, evenly, the last among them
    (the others blank, so that none overlaps its neighbour)."""
    step = max(1, -(-len(labels) // max(1, most)))
    last = len(labels) - 1
    shown = {n for n in range(0, len(labels), step) if last - n >= step or n == last} | {last}
    return [label if n in shown else "" for n, label in enumerate(labels)]


def line(labels: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]], labelled_by: str,
         *, legend: bool = False, width: int = NARROW) -> Markup:
    """Ratings out of 10 over ``labels`` (oldest first), one line per series."""
    import pygal

    chart = pygal.Line(**{
        **_config(width), "show_legend": legend, "legend_at_bottom": True, "legend_at_bottom_columns": 3,
        "height": HEIGHT + (50 if legend else 0), "dots_size": 4, "margin_right": 48,
        "x_label_rotation": 0 if len(labels) <= width // 90 else 35,
    })
    chart.x_labels = _thinned(labels, width // 70)
    for name, values in series:
        chart.add(name, list(values))
    return _clean(chart, labelled_by, width, "chart__svg--series" if len(series) > 1 else "")


BANDS = [("Needs work (below 6)", 0.0), ("Ok (6 to 8)", 6.0), ("Excellent (8 or more)", 8.0)]
"""The rating bands of the score badges: a bar takes its band's colour."""


def _band(value: float) -> int:
    return max(n for n, (_, floor) in enumerate(BANDS) if value >= floor)


def bars(labels: Sequence[str], values: Sequence[float], labelled_by: str, *, horizontal: bool = False,
         width: int = NARROW) -> Markup:
    """One average out of 10 per label, coloured by its band (a stacked
    chart with one series per band, each bar in exactly one of them); the
    page gives the legend (``BANDS``) in HTML."""
    import pygal

    kind = pygal.HorizontalStackedBar if horizontal else pygal.StackedBar
    height = max(HEIGHT, 60 + 34 * len(labels)) if horizontal else HEIGHT
    chart = kind(**{**_config(width), "height": height})
    # pygal draws a horizontal chart's first bar at the bottom: the first at the top reads better
    order = slice(None, None, -1) if horizontal else slice(None)
    longest = 16 if width <= NARROW else 32
    chart.x_labels = [_clip(label, longest) for label in labels][order]
    shown = list(values)[order]
    for n, (name, _) in enumerate(BANDS):
        chart.add(name, [value if _band(value) == n else None for value in shown])
    return _clean(chart, labelled_by, width, "chart__svg--bands")
