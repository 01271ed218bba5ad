"""What both ASCOF layouts share: reading a value cell and finding its council.

NHS England marks a cell it cannot give with `[x]` (no data), `[c]`
(suppressed), `[z]` (not applicable) or, in older files, `*` or `-`. Such a
value is null with its reason, never 0. Councils are matched on their GSS
code, then on their name; a council abolished since (Cumbria, Northamptonshire)
has no council on the 2025 list and its rows are left out, said in the note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from caremarket.domain.area import GSS_CODE, Area, england_areas, find_council

MARKERS: dict[str, str] = {
    "[x]": "[x]: no data available",
    "[c]": "[c]: suppressed (small numbers)",
    "[z]": "[z]: not applicable",
    "*": "*: suppressed (small numbers)",
    "-": "-: not applicable",
}
_TWO_FIGURES = re.compile(r"^\s*[\d,.]+\s*\([\d,.:]+\)\s*$")
TWO_FIGURES_NOTE = "two figures given, the second in brackets (see the table's notes): not read"


@dataclass(frozen=True, slots=True)
class Cell:
    """A value cell read: a number, or null with why (or `bad` if it is neither)."""

    value: float | None
    note: str | None = None
    bad: bool = False


def read_cell(text: str | None) -> Cell:
    """A number, a publisher's marker (null with its meaning), or a bad cell."""
    if text is None or not text.strip():
        return Cell(None, "blank in the release")
    stripped = text.strip()
    if stripped.lower() in MARKERS:
        return Cell(None, MARKERS[stripped.lower()])
    if _TWO_FIGURES.match(stripped):
        return Cell(None, TWO_FIGURES_NOTE)
    try:
        return Cell(float(stripped.replace(",", "")))
    except ValueError:
        return Cell(None, None, bad=True)


# No square brackets: the command line prints messages as rich text, which would eat them.
EXPECTED_VALUE = "a number, or one of NHS England's markers (x, c or z in square brackets, * or -)"


@dataclass(slots=True)
class Councils:
    """Councils matched so far, and what could not be matched, for the release's note."""

    by_name: dict[str, str] = field(default_factory=dict)
    abolished: dict[str, str] = field(default_factory=dict)

    def match(self, code: str | None, name: str | None) -> Area | None:
        """The 2025 council a row names by GSS code, else by name; None if none."""
        if code and GSS_CODE.match(code.strip()):
            area = find_council(code.strip())
            if area is not None and area.code == code.strip().upper():
                return area
        if name:
            area = find_council(name) or _loose_names().get(_loose(name))
            if area is not None:
                if code and code.strip() and code.strip() != area.code:
                    self.by_name[f"{name} ({code.strip()})"] = area.code
                return area
        if code and GSS_CODE.match(code.strip()):
            self.abolished[code.strip()] = name or ""
            return None
        return None

    def note(self) -> str:
        """What the note says about councils matched by name or left out."""
        parts = []
        if self.by_name:
            named = ", ".join(f"{k} read as {v}" for k, v in sorted(self.by_name.items()))
            parts.append(f"matched by name to a 2025 council: {named}")
        if self.abolished:
            gone = ", ".join(f"{v} ({k})" for k, v in sorted(self.abolished.items()))
            parts.append(f"left out, no council on the 2025 GSS list: {gone}")
        return "; ".join(parts)


def _loose(name: str) -> str:
    """A council name with hyphens, `the`, `borough` and `city of` taken out."""
    text = re.sub(r"[-,&]", " ", name.lower()).replace(" and ", " ")
    words = [w for w in text.split() if w not in {"the", "borough", "city", "of", "council"}]
    return " ".join(words)


def _loose_names() -> dict[str, Area]:
    """Councils by loose name (`Stoke on Trent`, `Telford and the Wrekin`, `Bedford Borough`)."""
    return {_loose(a.name): a for a in england_areas() if a.is_council}
