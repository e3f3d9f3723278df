"""Inline SVG trend charts of a standing dataset, drawn from the table shown beside them.

A withheld value is a gap: no point, no line across it (each run of shown values is its own line), no
tooltip, and the axis is scaled to the shown values only, so nothing in the drawing hints at what was
withheld. The SVG is built with ElementTree (every label escaped) and carries a text alternative; the data
table is always on the page too.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from flows.site.tables import SiteTable

WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 640, 300, 56, 150, 16, 40
MAX_SERIES = 6
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
COLOURS = ("#1d70b8", "#d4351c", "#00703c", "#4c2c92", "#f47738", "#505a5f")  # GOV.UK palette, on white
DASHES = ("", "6 3", "2 3", "8 3 2 3", "12 4", "1 2")  # so series differ by more than colour


@dataclass(frozen=True)
class Series:
    label: str
    values: tuple[float | None, ...]  # None: withheld or not available, drawn as a gap


@dataclass(frozen=True)
class Chart:
    title: str
    periods: tuple[str, ...]
    series: tuple[Series, ...]

    def svg(self) -> str:
        return render_svg(self)

    def description(self) -> str:
        shown = sum(v is not None for s in self.series for v in s.values)
        hidden = sum(v is None for s in self.series for v in s.values)
        return (
            f"Line chart of {self.title.lower()} from {self.periods[0]} to {self.periods[-1]}, "
            f"{len(self.series)} series ({', '.join(s.label for s in self.series)}); {shown} values shown, "
            f"{hidden} withheld or not available and left as gaps. The figures are in the table below."
        )


def trend_chart(table: SiteTable) -> Chart | None:
    """A chart of the table's first count column over its period column, one line per category of the other
    dimension (at most :data:`MAX_SERIES`); None when the table has no period column or count column."""
    names = [c.name for c in table.columns]
    if "period" not in names:
        return None
    counts = [i for i, c in enumerate(table.columns) if c.role == "count"]
    if not counts:
        return None
    x, y = names.index("period"), counts[0]
    others = [i for i, c in enumerate(table.columns) if c.role == "dimension" and i != x]
    periods: list[str] = []
    cells: dict[str, dict[str, float | None]] = {}
    for row in table.rows:
        if row[x] not in periods:
            periods.append(row[x])
        label = " / ".join(row[i] for i in others) or table.columns[y].header
        value = row[y].replace(",", "")
        cells.setdefault(label, {})[row[x]] = float(value) if _NUMBER.match(value) else None
    if len(periods) < 2:
        return None
    series = tuple(
        Series(label, tuple(by.get(p) for p in periods)) for label, by in list(cells.items())[:MAX_SERIES]
    )
    return Chart(f"{table.columns[y].header} by period", tuple(periods), series)


def render_svg(chart: Chart) -> str:
    shown = [v for s in chart.series for v in s.values if v is not None]
    top = _nice(max(shown, default=0.0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    n = len(chart.periods)

    def at(i: int, v: float) -> tuple[float, float]:
        return LEFT + plot_w * i / max(n - 1, 1), TOP + plot_h * (1 - (v / top if top else 0))

    svg = ET.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "viewBox": f"0 0 {WIDTH} {HEIGHT}",
            "role": "img",
            "aria-labelledby": "chart-title chart-desc",
            "class": "chart",
        },
    )
    ET.SubElement(svg, "title", {"id": "chart-title"}).text = chart.title
    ET.SubElement(svg, "desc", {"id": "chart-desc"}).text = chart.description()
    axes = ET.SubElement(svg, "g", {"class": "axes", "aria-hidden": "true"})
    for step in range(5):
        value = top * step / 4
        _, y = at(0, value)
        ET.SubElement(
            axes,
            "line",
            {"x1": str(LEFT), "x2": str(LEFT + plot_w), "y1": f"{y:.1f}", "y2": f"{y:.1f}", "class": "grid"},
        )
        ET.SubElement(
            axes, "text", {"x": str(LEFT - 6), "y": f"{y + 4:.1f}", "text-anchor": "end"}
        ).text = f"{value:,.0f}"
    for i in sorted({0, n // 2, n - 1}):
        x, _ = at(i, 0)
        ET.SubElement(
            axes, "text", {"x": f"{x:.1f}", "y": str(HEIGHT - 12), "text-anchor": "middle"}
        ).text = chart.periods[i]
    lines = ET.SubElement(svg, "g", {"class": "series", "aria-hidden": "true"})
    for k, s in enumerate(chart.series):
        colour, dash = COLOURS[k % len(COLOURS)], DASHES[k % len(DASHES)]
        for run in _runs(s.values):
            points = [at(i, s.values[i]) for i in run]  # type: ignore[arg-type]
            if len(points) == 1:
                ET.SubElement(
                    lines,
                    "circle",
                    {"cx": f"{points[0][0]:.1f}", "cy": f"{points[0][1]:.1f}", "r": "3", "fill": colour},
                )
                continue
            attrs = {
                "points": " ".join(f"{px:.1f},{py:.1f}" for px, py in points),
                "fill": "none",
                "stroke": colour,
                "stroke-width": "2",
            }
            if dash:
                attrs["stroke-dasharray"] = dash
            ET.SubElement(lines, "polyline", attrs)
        ly = TOP + 14 + 18 * k
        ET.SubElement(
            lines,
            "line",
            {
                "x1": str(WIDTH - RIGHT + 10),
                "x2": str(WIDTH - RIGHT + 34),
                "y1": str(ly - 4),
                "y2": str(ly - 4),
                "stroke": colour,
                "stroke-width": "2",
                **({"stroke-dasharray": dash} if dash else {}),
            },
        )
        ET.SubElement(lines, "text", {"x": str(WIDTH - RIGHT + 40), "y": str(ly)}).text = s.label[:18]
    return ET.tostring(svg, encoding="unicode")


def _runs(values: tuple[float | None, ...]) -> list[list[int]]:
    """Indexes of each unbroken run of shown values: a withheld value ends a line, never bridges one."""
    runs: list[list[int]] = []
    current: list[int] = []
    for i, v in enumerate(values):
        if v is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append(i)
    if current:
        runs.append(current)
    return runs


def _nice(value: float) -> float:
    """The axis top: the largest shown value rounded up to 1, 2 or 5 times a power of ten."""
    if value <= 0:
        return 1.0
    power = 10 ** (len(str(int(value))) - 1)
    for m in (1, 2, 5, 10):
        if value <= m * power:
            return float(m * power)
    return float(10 * power)
