"""What changed since the last edition: each edition writes its figures to `figures.json`,
and the next compares its own figures with them."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any, Final

from caremarket.report.formatting import number
from caremarket.report.model import Change, Edition, Figure

FIGURES_FILE: Final = "figures.json"
FORMAT_VERSION: Final = 1


def slot(figure: Figure | dict[str, Any]) -> str:
    """What a figure measures, whatever its period: metric, level, area, sector, client group."""
    key = figure.key if isinstance(figure, Figure) else str(figure["key"])
    return "|".join(key.split("|")[:5])


def figures_document(edition: Edition) -> dict[str, Any]:
    """The machine-readable figures of an edition."""
    return {
        "format_version": FORMAT_VERSION,
        "council_code": edition.council_code,
        "council_name": edition.council_name,
        "edition": edition.edition,
        "as_of": edition.as_of.isoformat(),
        "public": edition.public,
        "figures": [asdict(f) for f in sorted(edition.figures, key=lambda f: f.key)],
    }


def write_figures(edition: Edition, folder: Path) -> Path:
    """Write `figures.json` beside the edition's HTML."""
    path = folder / FIGURES_FILE
    path.write_text(
        json.dumps(figures_document(edition), indent=1, ensure_ascii=False), encoding="utf-8"
    )
    return path


def read_previous(folder: Path) -> dict[str, Any]:
    """A previous edition's figures; ValueError saying what is wrong if it cannot be read."""
    path = folder / FIGURES_FILE if folder.is_dir() else folder
    if not path.exists():
        raise ValueError(
            f"no {FIGURES_FILE} in {folder}: give --previous the folder an earlier "
            "`caremarket report mps` wrote"
        )
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if document.get("format_version") != FORMAT_VERSION:
        raise ValueError(f"{path} is not a figures file this version of caremarket can read")
    return document


def changes(previous: dict[str, Any], figures: list[Figure]) -> list[Change]:
    """Council-level figures whose value differs from the previous edition's, in document order.

    A figure is compared with the previous edition's of the same key (same
    period), else with the one figure the previous edition gave for the same
    metric and cell when each edition gives only one (its date moved on).
    """
    by_key = {str(old["key"]): old for old in previous["figures"]}
    by_slot: dict[str, list[dict[str, Any]]] = {}
    for old in previous["figures"]:
        by_slot.setdefault(slot(old), []).append(old)
    now_per_slot: dict[str, int] = {}
    for figure in figures:
        now_per_slot[slot(figure)] = now_per_slot.get(slot(figure), 0) + 1
    found: list[Change] = []
    seen: set[str] = set()
    for figure in figures:
        where = slot(figure)
        if figure.key in seen or figure.key.split("|")[1] != "council":
            continue
        seen.add(figure.key)
        if figure.key in by_key:
            old = by_key[figure.key]
        elif len(by_slot.get(where, ())) == 1 and now_per_slot[where] == 1:
            old = by_slot[where][0]
        else:
            continue
        if old.get("suppressed") or figure.suppressed:
            continue
        was, now = old.get("value"), figure.value
        if was is None or now is None or abs(now - was) < 1e-9:
            continue
        direction = "up" if now > was else "down"
        found.append(Change(_label(figure), _text(old, was), figure.text, direction))
    return found


def _label(figure: Figure) -> str:
    parts = [figure.label]
    if "-" in figure.period and len(figure.period) == 9:
        parts[0] += f" ({figure.period.replace('-', ' to ')})"
    if figure.sector != "all":
        from caremarket.report.context import sector_label

        parts.append(sector_label(figure.sector).lower())
    if figure.client_group != "all":
        from caremarket.report.context import group_label

        parts.append(group_label(figure.client_group).lower())
    return ", ".join(parts)


def _text(old: dict[str, Any], value: float) -> str:
    text = old.get("text")
    return str(text) if text else number(value, str(old.get("unit", "count")))


def previous_of(previous: dict[str, Any], figure: Figure) -> dict[str, Any] | None:
    """The previous edition's figure for the same thing: the same key, else the one figure it
    gave for the same metric and cell (its date moved on); None when it gave none."""
    for old in previous["figures"]:
        if str(old["key"]) == figure.key:
            return dict(old)
    same = [old for old in previous["figures"] if slot(old) == slot(figure)]
    return dict(same[0]) if len(same) == 1 else None
