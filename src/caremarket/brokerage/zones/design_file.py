"""Reading a zone design back from the GeoJSON `zones design` writes: each block's zone."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from caremarket.brokerage.zones.blocks import BlockLevel
from caremarket.brokerage.zones.design import ZoningError


@dataclass(frozen=True)
class DesignFile:
    """A design as written: the council, the block level, each block's zone, the document."""

    path: Path
    council: str
    level: BlockLevel
    zone_of_block: dict[str, str]
    document: dict[str, Any]

    @property
    def zones(self) -> int:
        """How many zones the design has."""
        return len(set(self.zone_of_block.values()))


def read_design(path: Path) -> DesignFile:
    """The design in a GeoJSON file, or a ZoningError naming what is wrong with the file."""
    where = path.name
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ZoningError(
            f"{where}: no such file; make one with `caremarket zones design`"
        ) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ZoningError(f"{where}: not GeoJSON ({error})") from None
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise ZoningError(f"{where}: expected a GeoJSON FeatureCollection of zones")
    properties = document.get("properties") or {}
    council = properties.get("council")
    if not isinstance(council, str) or not council:
        raise ZoningError(
            f"{where}: the collection's properties name no `council`; "
            "use a design written by `caremarket zones design`"
        )
    try:
        level = BlockLevel(properties.get("blocks", BlockLevel.SECTOR.value))
    except ValueError:
        raise ZoningError(
            f"{where}: `blocks` must be one of {', '.join(v.value for v in BlockLevel)}, "
            f"got `{properties.get('blocks')}`"
        ) from None
    zone_of_block: dict[str, str] = {}
    features = document.get("features")
    if not isinstance(features, list) or not features:
        raise ZoningError(f"{where}: the design has no zones (no features)")
    for number, feature in enumerate(features, start=1):
        props = (feature or {}).get("properties") if isinstance(feature, dict) else None
        zone = props.get("zone") if isinstance(props, dict) else None
        blocks = props.get("blocks") if isinstance(props, dict) else None
        if zone is None or not isinstance(blocks, list):
            raise ZoningError(
                f"{where}, feature {number}: expected properties `zone` and `blocks` "
                "(a list of postcode sectors or districts)"
            )
        for block in blocks:
            if block in zone_of_block and zone_of_block[block] != str(zone):
                raise ZoningError(
                    f"{where}: block {block} is in zone {zone_of_block[block]} and zone {zone}"
                )
            zone_of_block[str(block)] = str(zone)
    return DesignFile(path, council, level, zone_of_block, document)
