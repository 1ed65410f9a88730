"""Server-rendered SVG bar charts: geometry computed here, drawn by a template with attributes only (no inline
style, no script — the Content-Security-Policy allows neither) and coloured by the shell's stylesheet classes."""

from __future__ import annotations

from .statistics import Figure

WIDTH = 640
LABEL_WIDTH = 190
VALUE_WIDTH = 70
BAR_HEIGHT = 18
GAP = 6
MAX_BARS = 30


def bar_chart(figure: Figure) -> dict:
    """Bars of the figure's chart column (at most MAX_BARS, the rest summed in the table only)."""
    bars = figure.bars()
    if figure.key == "pass_rate":
        bars = [b for b in bars if b["label"] != figure.rows[-1][0]] if figure.rows else bars
    bars = bars[:MAX_BARS]
    room = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    drawn = []
    for n, bar in enumerate(bars):
        y = GAP + n * (BAR_HEIGHT + GAP)
        label = bar["label"] if len(bar["label"]) <= 14 else bar["label"][:13] + "…"
        drawn.append({
            "label": label, "full_label": bar["label"], "value": bar["value"], "y": y,
            "text_y": y + BAR_HEIGHT - 4, "width": max(1, round(bar["share"] * room)) if bar["value"] else 0,
            "value_x": LABEL_WIDTH + max(1, round(bar["share"] * room)) + 6,
        })
    return {"width": WIDTH, "height": GAP + len(drawn) * (BAR_HEIGHT + GAP), "label_width": LABEL_WIDTH,
            "bar_x": LABEL_WIDTH, "bar_height": BAR_HEIGHT, "bars": drawn, "unit": figure.unit}
