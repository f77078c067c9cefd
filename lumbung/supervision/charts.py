"""Charts as server-rendered SVG (no JavaScript), the same markup on screen and in the PDF."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

COLOURS = ["#2f6f9f", "#d9822b", "#3c8d5a", "#9b4dca", "#c0392b", "#7f8c8d"]


@dataclass(frozen=True)
class Bar:
    label: str
    value: int  # sen or a count; only the drawing scales it to pixels
    text: str


def _svg(width: int, height: int, title: str, body: list[str]) -> SafeString:
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
            f'role="img" aria-label="{escape(title)}" font-family="DejaVu Sans, sans-serif" '
            f'font-size="12"><title>{escape(title)}</title>')
    return mark_safe(head + "".join(body) + "</svg>")  # noqa: S308 - every text is escaped


def bar_chart(title: str, bars: Sequence[Bar], *, width: int = 480) -> SafeString:
    """Horizontal bars, one per label, with the value written at the end of the bar."""
    row, label_width, text_width = 26, 150, 120
    height = max(row * len(bars) + 10, 40)
    top = max((bar.value for bar in bars), default=0) or 1
    span = width - label_width - text_width
    body = []
    for index, bar in enumerate(bars):
        y = 5 + index * row
        length = max(bar.value, 0) / top * span
        body.append(
            f'<text x="{label_width - 6}" y="{y + 16}" text-anchor="end">'
            f'{escape(bar.label[:24])}</text>'
            f'<rect x="{label_width}" y="{y + 3}" width="{length:.1f}" height="{row - 8}" '
            f'fill="{COLOURS[index % len(COLOURS)]}"/>'
            f'<text x="{label_width + length + 6:.1f}" y="{y + 16}">{escape(bar.text)}</text>')
    if not bars:
        empty = gettext("Belum ada data.")
        body.append(f'<text x="10" y="24">{escape(empty)}</text>')
    return _svg(width, height, title, body)


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def line_chart(title: str, labels: Sequence[str], series: dict[str, Sequence[int]],
               *, width: int = 480, height: int = 220) -> SafeString:
    """One line per series over the labels (periods), with a legend and the axis ends."""
    left, right, top, bottom = 64, 10, 10, 50
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for line in series.values() for v in line]
    high = max(values, default=0) or 1
    body = [f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
            'stroke="#999"/>']
    # The value scale: faint lines at half and full height, each with its value.
    for share in (2, 1):
        y = top + plot_h - plot_h / share
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" '
                    f'stroke="#ddd"/><text x="{left - 4}" y="{y + 4:.1f}" font-size="10" '
                    f'text-anchor="end" fill="#555">{_thousands(high // share)}</text>')
    count = len(labels)
    step = plot_w / max(count - 1, 1)
    for index, (name, line) in enumerate(series.items()):
        points = " ".join(f"{left + i * step:.1f},{top + plot_h - v / high * plot_h:.1f}"
                          for i, v in enumerate(line))
        colour = COLOURS[index % len(COLOURS)]
        body.append(f'<polyline points="{points}" fill="none" stroke="{colour}" '
                    'stroke-width="2"/>')
        body.append(f'<rect x="{left + index * 150}" y="{height - 16}" width="10" height="10" '
                    f'fill="{colour}"/><text x="{left + index * 150 + 14}" y="{height - 7}">'
                    f'{escape(name)}</text>')
    if labels:
        body.append(f'<text x="{left}" y="{top + plot_h + 16}">{escape(labels[0])}</text>')
        body.append(f'<text x="{left + plot_w}" y="{top + plot_h + 16}" text-anchor="end">'
                    f'{escape(labels[-1])}</text>')
    return _svg(width, height, title, body)


def funnel_chart(title: str, stages: Sequence[tuple[str, int]], *, width: int = 480
                 ) -> SafeString:
    """A funnel: one centred bar per stage, as wide as the number that reached it."""
    row = 34
    top = max((n for _, n in stages), default=0) or 1
    body = []
    for index, (label, number) in enumerate(stages):
        bar = max(number / top * (width - 20), 2)
        x = (width - bar) / 2
        y = 5 + index * row
        body.append(f'<rect x="{x:.1f}" y="{y}" width="{bar:.1f}" height="{row - 6}" '
                    f'fill="{COLOURS[index % len(COLOURS)]}" rx="3"/>'
                    f'<text x="{width / 2}" y="{y + 19}" text-anchor="middle" fill="#000" '
                    f'font-weight="bold">{escape(label)}: {number}</text>')
    return _svg(width, 5 + row * len(stages) + 5, title, body)
