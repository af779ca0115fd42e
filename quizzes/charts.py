"""Geometry for the server-rendered SVG charts (pure functions)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class TrendChart:
    width: int
    height: int
    points: str  # "x,y x,y ..." for <polyline>
    dots: list[tuple[float, float, float]]  # (x, y, percent)
    pass_y: float


def trend(
    percents: Sequence[float],
    pass_percent: float,
    width: int = 600,
    height: int = 160,
    pad: int = 12,
) -> TrendChart:
    """Scores over time: x spreads the attempts evenly, y is 0–100% from bottom to top."""
    inner_w, inner_h = width - 2 * pad, height - 2 * pad

    def y(p: float) -> float:
        return round(pad + inner_h * (1 - p / 100), 1)

    n = len(percents)
    xs = [pad + (inner_w * i / (n - 1) if n > 1 else inner_w / 2) for i in range(n)]
    dots = [(round(x, 1), y(p), p) for x, p in zip(xs, percents, strict=True)]
    return TrendChart(
        width=width,
        height=height,
        points=" ".join(f"{x},{yy}" for x, yy, _ in dots),
        dots=dots,
        pass_y=y(pass_percent),
    )
