"""Generated sentences that describe numbers, worded from the numbers themselves.

Every sentence the document writes about a direction ("grows", "fell",
"up 3") is made here from the values it describes, so a sentence can never
say a series grows where the table beside it shows it falling.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from itertools import pairwise
from typing import Final, Literal

from caremarket.report.formatting import listed, number

Tense = Literal["past", "future"]
Point = tuple[str, float]
Format = Callable[[float], str]

_VERBS: Final = {
    "past": {"up": "rose", "down": "fell", "flat": "stayed at"},
    "future": {"up": "is projected to rise", "down": "is projected to fall", "flat": "stays at"},
}
_THEN: Final = {"past": {"up": "rose", "down": "fell"}, "future": {"up": "rise", "down": "fall"}}


def steps(values: Sequence[float]) -> list[int]:
    """The sign of each step between consecutive values: 1 up, -1 down, 0 level."""
    return [(b > a) - (b < a) for a, b in pairwise(values)]


def shape(values: Sequence[float]) -> str:
    """'rising' (never falls, ends higher), 'falling', 'level' or 'mixed'."""
    signs = [s for s in steps(values) if s]
    if not signs:
        return "level"
    if all(s > 0 for s in signs):
        return "rising"
    if all(s < 0 for s in signs):
        return "falling"
    return "mixed"


def series_phrase(
    subject: str, points: Sequence[Point], fmt: Format, tense: Tense, at: str = "in"
) -> str:
    """One series in words: '<subject> rose from A in p1 to B in p3', and where it turns
    (`at` is the word before each period: 'in 2035', 'on 1 June 2026')."""
    if not points:
        return f"{subject}: no values"
    values = [v for _, v in points]
    (p0, v0), (pn, vn) = points[0], points[-1]
    kind = shape(values)
    verbs = _VERBS[tense]
    if len(points) == 1 or kind == "level":
        return f"{subject} {verbs['flat']} {fmt(v0)} from {p0} to {pn}"
    if kind in ("rising", "falling"):
        verb = verbs["up" if kind == "rising" else "down"]
        return f"{subject} {verb} from {fmt(v0)} {at} {p0} to {fmt(vn)} {at} {pn}"
    # Mixed: name the turning point (the extreme furthest from the start's direction).
    first_move = next(s for s in steps(values) if s)
    turn = (max if first_move > 0 else min)(range(len(values)), key=lambda i: values[i])
    pt, vt = points[turn]
    first = verbs["up" if first_move > 0 else "down"]
    then = _THEN[tense]["down" if first_move > 0 else "up"]
    rest = values[turn:]
    if shape(rest) in ("rising", "falling"):
        return (
            f"{subject} {first} from {fmt(v0)} {at} {p0} to {fmt(vt)} {at} {pt}, then {then} to "
            f"{fmt(vn)} {at} {pn}"
        )
    return (
        f"{subject} goes from {fmt(v0)} {at} {p0} to {fmt(vn)} {at} {pn}, rising in some "
        f"periods and falling in others"
    )


def projection_summary(series: Sequence[tuple[str, Sequence[Point]]], fmt: Format) -> str:
    """The projections in words: whether every group grows, and how each one that does not
    moves (e.g. 'every group grows except people aged 65+, which ...')."""
    kinds = {label: shape([v for _, v in points]) for label, points in series}
    if not kinds:
        return "no projections are loaded"
    if all(k == "rising" for k in kinds.values()):
        return "every group grows from one year shown to the next"
    if all(k == "falling" for k in kinds.values()):
        return "every group shrinks from one year shown to the next"
    growing = [label for label, kind in kinds.items() if kind == "rising"]
    others = [
        series_phrase(label, points, fmt, "future")
        for label, points in series
        if kinds[label] != "rising"
    ]
    lead = (
        f"{listed(growing)} grow{'s' if len(growing) == 1 else ''} throughout; " if growing else ""
    )
    return lead + "; ".join(others)


def change_text(was: float | None, now: float | None, unit: str) -> str:
    """A change between two values in words: 'up 12', 'down 2.1 percentage points',
    'no change', 'not known'."""
    if was is None or now is None:
        return "not known"
    if abs(now - was) < 1e-9:
        return "no change"
    word = "up" if now > was else "down"
    size = abs(now - was)
    if unit == "percent":
        return f"{word} {size:.1f} percentage points"
    return f"{word} {number(size, unit)}"


_INSTRUCTION = re.compile(r"\s*[:;,]\s*(?:load|give|run)\b[^.;]*", re.IGNORECASE)


def reader_reason(reason: str) -> str:
    """A reason as readers are told it: the fact, without the instruction for the editor
    ('Beds: not given by X: load a CQC ... release' -> 'Beds: not given by X')."""
    return _INSTRUCTION.sub("", reason).strip()
