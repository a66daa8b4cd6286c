"""Charts as inline SVG, drawn on the server: no JavaScript, no library.

    stacked_bar(parts, id="grafiek-budget", title=…, description=…, unit="euro")
    chart_legend(parts, id="grafiek-budget", unit="euro")

`parts` is a list of (key, label, count). The bar is one horizontal bar split in
its parts; each part has a colour with at least 3:1 against white, a pattern
(stripes, dots, crosshatch, …) so colour is never the only carrier, and white
lines between parts. The geometry is in percentages of the width, not a viewBox:
the bar fills its column at any width while the patterns keep their size. The
figures in words are the legend (chart_legend, shown as HTML by the _charts.html
macro) and the SVG's <desc>. Ids come from the caller's `id`, so a page's ids are
unique and the same in every build.
"""

from markupsafe import Markup, escape

from .formats import euro, number

HEIGHT = 40
LINE = "#4a4a4a"  # outlines and the hatching of an empty part: 8.9:1 on white

# Colour and pattern of the parts whose meaning is fixed, the same on every page.
STYLES = {
    # A consent round: silence is an empty, hatched part, never drawn like consent.
    "consented": ("#1e6b33", "solid"), "concerns": ("#8a4b00", "dots"), "objected": ("#b00020", "cross"),
    "no_answer": (None, "hatch"),
    # The budget.
    "allocated": ("#00527a", "solid"), "proposed": ("#6b2c91", "stripes"), "over": ("#b00020", "cross"),
    "free": (None, "empty"),
    # Agreements by follow-up status.
    "concept": (None, "hatch"), "planned": ("#6b2c91", "dots"), "in_progress": ("#00527a", "stripes"),
    "done": ("#1e6b33", "solid"), "stopped": ("#4a4a4a", "cross"),
}
# The others (channels, relations) by their place in the list, which the caller keeps fixed.
SEQUENCE = [("#00527a", "solid"), ("#8a4b00", "stripes"), ("#1e6b33", "dots"), ("#6b2c91", "cross"),
            ("#4a4a4a", "hline"), ("#a63d00", "vline")]

# The white marks over a colour (or the grey ones over an empty part), on an 8 by 8 tile.
MARKS = {
    "stripes": '<path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" stroke="{ink}" stroke-width="2"/>',
    "hatch": '<path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" stroke="{ink}" stroke-width="1.2"/>',
    "dots": '<circle cx="4" cy="4" r="1.8" fill="{ink}"/>',
    "cross": '<path d="M0,0 l8,8 M8,0 l-8,8" stroke="{ink}" stroke-width="1.6"/>',
    "hline": '<path d="M0,4 h8" stroke="{ink}" stroke-width="2"/>',
    "vline": '<path d="M4,0 v8" stroke="{ink}" stroke-width="2"/>',
}


def style(key, index):
    """(colour or None for an empty part, pattern) of a part."""
    return STYLES.get(key) or SEQUENCE[index % len(SEQUENCE)]


def figure_text(count, unit="count"):
    """A part's figure in the current language: 1.234 or € 1.234."""
    return euro(count) if unit == "euro" else number(count)


def _fill(chart_id, index, key):
    colour, pattern = style(key, index)
    if pattern == "solid":
        return colour
    if pattern == "empty":
        return "#ffffff"
    return f"url(#{chart_id}-p{index})"


def _pattern(chart_id, index, key):
    colour, pattern = style(key, index)
    if pattern in ("solid", "empty"):
        return ""
    ink = LINE if colour is None else "#ffffff"
    return (f'<pattern id="{chart_id}-p{index}" patternUnits="userSpaceOnUse" width="8" height="8">'
            f'<rect width="8" height="8" fill="{colour or "#ffffff"}"/>{MARKS[pattern].format(ink=ink)}</pattern>')


def _outline(key, index):
    """An empty part gets a dark outline, so it stands out against the white page (3:1)."""
    return f' stroke="{LINE}" stroke-width="2"' if style(key, index)[0] is None else ""


def _percent(value):
    return f"{value:.3f}".rstrip("0").rstrip(".") + "%"


def stacked_bar(parts, *, id, title, description, total=None, unit="count"):
    """One horizontal bar split in its parts, as an inline <svg role="img">.

    Parts with a count of 0 are not drawn (chart_legend still lists them). `total` is the
    width of the whole bar when several bars share one scale; it is never less than the
    sum of the parts. Nothing to draw (all zero) gives an empty outlined bar.
    """
    parts = [(key, label, count or 0) for key, label, count in parts]
    whole = max(sum(count for _, _, count in parts), total or 0)
    figures = "; ".join(f"{label}: {figure_text(count, unit)}" for _, label, count in parts)
    defs = "".join(_pattern(id, i, key) for i, (key, _, _) in enumerate(parts))
    shapes, separators, x = [], [], 0.0
    for i, (key, label, count) in enumerate(parts):
        if not count:
            continue
        width = 100 * count / whole
        shapes.append(f'<rect data-part="{escape(key)}" data-count="{count}" x="{_percent(x)}" y="0" '
                      f'width="{_percent(width)}" height="{HEIGHT}" fill="{_fill(id, i, key)}"{_outline(key, i)}/>')
        if x:
            separators.append(f'<line x1="{_percent(x)}" x2="{_percent(x)}" y1="0" y2="{HEIGHT}" '
                              f'stroke="#ffffff" stroke-width="3"/>')
        x += width
    if not shapes:
        shapes.append(f'<rect x="0" y="0" width="100%" height="{HEIGHT}" fill="#ffffff" stroke="{LINE}" '
                      f'stroke-width="2" stroke-dasharray="4 4"/>')
    return Markup(
        f'<svg class="chart-bar" xmlns="http://www.w3.org/2000/svg" width="100%" height="{HEIGHT}" '
        f'role="img" aria-labelledby="{id}-title {id}-desc" focusable="false" overflow="visible">'
        f'<title id="{id}-title">{escape(title)}</title>'
        f'<desc id="{id}-desc">{escape(description)} {escape(figures)}.</desc>'
        f'{f"<defs>{defs}</defs>" if defs else ""}{"".join(shapes)}{"".join(separators)}</svg>')


def chart_legend(parts, *, id, unit="count"):
    """Every part, zero ones too, as the legend shows it: key, label, count, the figure in
    words and a small swatch with the part's colour and pattern (it uses the bar's patterns)."""
    legend = []
    for i, (key, label, count) in enumerate(parts):
        swatch = Markup(f'<svg class="chart-swatch" xmlns="http://www.w3.org/2000/svg" width="22" height="22" '
                        f'aria-hidden="true" focusable="false"><rect x="1" y="1" width="20" height="20" '
                        f'fill="{_fill(id, i, key)}" stroke="{LINE}" stroke-width="1"/></svg>')
        legend.append({"key": key, "label": label, "count": count or 0, "text": figure_text(count or 0, unit),
                       "swatch": swatch})
    return legend
