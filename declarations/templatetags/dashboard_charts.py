"""Charts drawn on the server as inline SVG: `{% chart figure %}` lays a dashboard figure out (bars, a bar
per day, lines over weeks) and renders declarations/dashboard/_chart.html. Colours and strokes come from
classes in portal.css (the Content-Security-Policy allows no style attribute)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django import template

from declarations.dashboards import Figure, Value, shown

register = template.Library()

WIDTH = 640
SERIES_CLASSES = 6  # .series-0 … .series-5 in portal.css


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    label_x: float
    label_y: float
    value: str
    title: str
    end: float = 0  # where the bar ends (its value is written after it)


@dataclass(frozen=True)
class Line:
    css: str
    label: str
    segments: list[str]  # polyline points, one string per run of weeks with a value
    points: list[tuple[float, float, str]]  # x, y, title


def nice_step(top: float, intervals: int = 4) -> float:
    """A round step (1, 2 or 5 times a power of ten) that covers `top` in about `intervals` steps."""
    if top <= 0:
        return 1
    rough = top / intervals
    power = 10 ** math.floor(math.log10(rough))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= rough)


def _scale(values: list[Value], *, whole: bool) -> tuple[float, list[float]]:
    """The axis's top and its ticks for these values (whole: counts, steps of at least 1)."""
    top = max((float(v) for v in values if v is not None), default=0.0)
    step = nice_step(top)
    if whole:
        step = max(1, math.ceil(step))
    highest = max(step, step * math.ceil(top / step))
    return highest, [step * i for i in range(round(highest / step) + 1)]


def _hbars(figure: Figure) -> dict[str, Any]:
    """One row per category: its label on the left, its bar and value to the right."""
    row, left, right = 30, 230, 60
    values = list(figure.series[0].values)
    top, _ticks = _scale(values, whole=True)
    span = WIDTH - left - right
    bars = []
    for i, (label, value) in enumerate(zip(figure.categories, values, strict=True)):
        width = span * float(value or 0) / top
        y = 8 + i * row
        bars.append(
            Bar(
                x=left,
                y=y,
                width=round(width, 1),
                height=row - 10,
                label=label,
                label_x=left - 8,
                label_y=y + (row - 10) / 2 + 4,
                value=shown(value),
                title=f"{label}: {shown(value)}",
                end=round(left + width, 1),
            )
        )
    return {"bars": bars, "height": 8 + len(values) * row}


def _plot(figure: Figure, *, whole: bool) -> tuple[dict[str, Any], float, list[Tick], Any]:
    """The frame of a chart over periods: margins, the y axis's ticks, and a function value → y."""
    height, top_margin, bottom, left, right = 240, 12, 34, 48, 12
    values = [v for s in figure.series for v in s.values]
    top, ticks = _scale(values, whole=whole)
    plot_height = height - top_margin - bottom

    def y_of(value: float) -> float:
        return round(top_margin + plot_height * (1 - value / top), 1)

    frame = {"height": height, "left": left, "right": WIDTH - right, "base": height - bottom}
    return frame, (WIDTH - left - right) / len(figure.categories), [Tick(y_of(t), f"{t:g}") for t in ticks], y_of


def _bars(figure: Figure) -> dict[str, Any]:
    """A bar per period (the days), every fifth labelled under the axis."""
    frame, slot, ticks, y_of = _plot(figure, whole=True)
    bars = []
    for i, (label, period, value) in enumerate(
        zip(figure.categories, figure.periods, figure.series[0].values, strict=True)
    ):
        x = frame["left"] + i * slot
        y = y_of(float(value or 0))
        shown_label = label if (len(figure.categories) - 1 - i) % 5 == 0 else ""
        bars.append(
            Bar(
                x=round(x + slot * 0.15, 1),
                y=y,
                width=round(slot * 0.7, 1),
                height=round(frame["base"] - y, 1),
                label=shown_label,
                label_x=round(x + slot / 2, 1),
                label_y=frame["base"] + 16,
                value=shown(value),
                title=f"{period}: {shown(value)}",
            )
        )
    return {**frame, "ticks": ticks, "bars": bars}


def _lines(figure: Figure) -> dict[str, Any]:
    """A line per series over the weeks, broken where a week has no value; a point at each value."""
    frame, slot, ticks, y_of = _plot(figure, whole=False)
    xs = [round(frame["left"] + slot * (i + 0.5), 1) for i in range(len(figure.categories))]
    lines = []
    for n, series in enumerate(figure.series):
        segments: list[list[str]] = []
        points = []
        previous: Value = None
        for x, period, value in zip(xs, figure.periods, series.values, strict=True):
            if value is None:
                previous = None
                continue
            y = y_of(float(value))
            if previous is None:
                segments.append([])
            segments[-1].append(f"{x},{y}")
            points.append((x, y, f"{series.label} · {period}: {shown(value)} {figure.unit}"))
            previous = value
        lines.append(Line(f"series-{n % SERIES_CLASSES}", series.label, [" ".join(s) for s in segments], points))
    axis = [(x, label, frame["base"] + 16) for x, label in zip(xs, figure.categories, strict=True)]
    return {**frame, "ticks": ticks, "lines": lines, "axis": axis}


LAYOUTS = {"hbars": _hbars, "bars": _bars, "lines": _lines}


@register.inclusion_tag("declarations/dashboard/_chart.html")
def chart(figure: Figure) -> dict[str, Any]:
    layout = LAYOUTS.get(figure.kind)
    return {"figure": figure, "width": WIDTH, "svg": layout(figure) if layout and not figure.empty else None}
