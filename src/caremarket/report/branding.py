"""A council's branding of its Market Position Statement: name, logo, colour and contact,
read from a small YAML file over a neutral default (`data/branding.yaml`)."""

from __future__ import annotations

import base64
import mimetypes
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Final

import yaml

MIN_CONTRAST: Final = 4.5
"""WCAG 2.2 success criterion 1.4.3: text at least 4.5:1 against its background."""
CONTACT_KEYS: Final = ("team", "email", "phone", "web", "address")
LOGO_TYPES: Final = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg",
                     ".jpeg": "image/jpeg"}  # fmt: skip
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True, slots=True)
class Branding:
    """How the document presents its council: name, logo, accent colour and contact."""

    council_name: str | None = None
    logo_data_uri: str | None = None
    logo_alt: str | None = None
    accent: str = "#005a8c"
    contact: tuple[tuple[str, str], ...] = ()


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    """The WCAG contrast ratio of two #rrggbb colours (1 to 21)."""
    high, low = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _default() -> dict[str, Any]:
    text = resources.files("caremarket.report").joinpath("data/branding.yaml")
    loaded: dict[str, Any] = yaml.safe_load(text.read_text(encoding="utf-8"))
    return loaded


def load_branding(path: Path | None = None) -> Branding:
    """The branding in a council's file over the neutral default (the default alone without
    a file); ValueError naming the file and key for anything it cannot use."""
    merged = _default()
    if path is not None:
        if not path.is_file():
            raise ValueError(f"branding file {path} not found")
        try:
            given = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as error:
            raise ValueError(f"branding file {path} is not valid YAML: {error}") from None
        if not isinstance(given, dict):
            raise ValueError(f"branding file {path}: expected keys such as council_name, logo")
        unknown = set(given) - set(merged)
        if unknown:
            raise ValueError(
                f"branding file {path}: unknown key {sorted(unknown)[0]!r}; expected one of "
                + ", ".join(merged)
            )
        for key, value in given.items():
            if isinstance(merged[key], dict) and isinstance(value, dict):
                merged[key] = {**merged[key], **value}
            else:
                merged[key] = value
    where = path or Path("the default branding")
    accent = str((merged.get("colours") or {}).get("accent") or "")
    if not _HEX.match(accent):
        raise ValueError(
            f"{where}: colours.accent: expected a colour such as #005a8c, got {accent!r}"
        )
    if contrast(accent, "#ffffff") < MIN_CONTRAST:
        raise ValueError(
            f"{where}: colours.accent {accent} has contrast {contrast(accent, '#ffffff'):.1f}:1 "
            f"against white; headings and table headers need at least {MIN_CONTRAST}:1 "
            "(choose a darker colour)"
        )
    logo = None
    if merged.get("logo"):
        file = Path(str(merged["logo"]))
        if path is not None and not file.is_absolute():
            file = path.parent / file
        kind = LOGO_TYPES.get(file.suffix.lower()) or mimetypes.guess_type(file.name)[0]
        if not file.is_file() or kind not in LOGO_TYPES.values():
            raise ValueError(f"{where}: logo: expected an SVG, PNG or JPEG file, got {file}")
        logo = f"data:{kind};base64,{base64.b64encode(file.read_bytes()).decode('ascii')}"
    contact = tuple(
        (key, str(value))
        for key, value in (merged.get("contact") or {}).items()
        if key in CONTACT_KEYS and value
    )
    return Branding(
        council_name=merged.get("council_name") or None,
        logo_data_uri=logo,
        logo_alt=merged.get("logo_alt") or None,
        accent=accent.lower(),
        contact=contact,
    )
