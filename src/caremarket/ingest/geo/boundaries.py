"""ONS boundaries as GeoJSON FeatureCollections or TopoJSON topologies, keyed by GSS code.

Properties name the area as `areacd`/`areanm` (ONSvisual) or ONS's own
`LAD25CD`/`LAD25NM`, `CTYUA24CD`/`CTYUA24NM` and the like. Only current areas
are kept (`end` null or absent); TopoJSON keeps English areas only. TopoJSON
arcs (delta-encoded and quantized when the topology has a transform) are
decoded into GeoJSON geometries; a TopoJSON object's name is the layer.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from caremarket.ingest.adapter import Parsed, ReadOptions
from caremarket.ingest.problem import DataProblem, DataProblemError, ProblemCode
from caremarket.ingest.sources import ONS_BOUNDARIES

_CODE_KEY = re.compile(r"^([a-z]+?)(\d{2})?cd$", re.IGNORECASE)
_GSS = re.compile(r"^[EWSNK]\d{8}$")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
# Layers named by the prefix of ONS's code property (LAD25CD, CTYUA24CD ...).
_PREFIX_LAYERS = {
    "lad": "ltla",
    "ltla": "ltla",
    "ctyua": "utla",
    "utla": "utla",
    "cty": "cty",
    "rgn": "rgn",
    "ctry": "ctry",
    "cauth": "cauth",
}
# Layers named by a GSS code's entity prefix; E06/E08/E09 are both tiers.
_ENTITY_LAYERS = {
    "E07": "ltla",
    "E10": "utla",
    "E11": "mcty",
    "E12": "rgn",
    "E92": "ctry",
    "E47": "cauth",
    "W06": "ltla",
    "S12": "ltla",
    "N09": "ltla",
}
_BOTH_TIERS = ("E06", "E08", "E09")
_ROUND = 7  # decimal places kept from decoded TopoJSON (about 1 cm)

Geometry = dict[str, Any]


class BoundariesAdapter:
    """Reads ONS boundaries (GeoJSON or TopoJSON) into boundary rows."""

    source = ONS_BOUNDARIES

    def recognise_json(self, document: object) -> bool:
        """A FeatureCollection or Topology whose features carry a GSS code property."""
        if not isinstance(document, dict):
            return False
        if document.get("type") == "FeatureCollection":
            features = document.get("features")
            return isinstance(features, list) and any(
                _code_key(_properties(f)) is not None for f in features[:20]
            )
        if document.get("type") == "Topology":
            objects = document.get("objects")
            return isinstance(objects, dict) and any(
                _code_key(_properties(g)) is not None
                for o in objects.values()
                for g in _members(o)[:20]
            )
        return False

    def read_json(self, document: object, path: Path, options: ReadOptions) -> Parsed:
        """Read current features into boundary rows, one per layer and area."""
        assert isinstance(document, dict)
        if document.get("type") == "Topology":
            rows, problems, years, seen = _read_topology(document, path.name)
            kind = "TopoJSON"
        else:
            rows, problems, years, seen = _read_collection(document, path.name)
            kind = "GeoJSON"
        release_date, note = _release_date(document, path, options, years)
        if release_date is None:
            raise DataProblemError(
                [
                    DataProblem(
                        ProblemCode.NO_RELEASE_DATE,
                        path.name,
                        "a year in the features' start/end, the file's name, or --release-date",
                    )
                ]
            )
        rows, repeated = _first_per_layer(rows, path.name)
        problems += repeated
        frame = pl.DataFrame(
            rows,
            schema={
                "area_code": pl.String,
                "area_name": pl.String,
                "layer": pl.String,
                "geometry": pl.String,
            },
            orient="row",
        )
        return Parsed(
            source=self.source,
            release_date=release_date,
            rows=seen,
            tables={"boundary": frame},
            problems=problems,
            note=f"{note}; {kind}, {frame.height} current areas of {seen} features",
        )


def _first_per_layer(
    rows: list[tuple[str, str | None, str, str]], file: str
) -> tuple[list[tuple[str, str | None, str, str]], list[DataProblem]]:
    """The rows with a layer and code not seen before, and a problem for each repeat."""
    seen: set[tuple[str, str]] = set()
    kept: list[tuple[str, str | None, str, str]] = []
    problems: list[DataProblem] = []
    for row in rows:
        key = (row[2], row[0])
        if key in seen:
            problems.append(
                DataProblem(
                    ProblemCode.DUPLICATE_ID,
                    file,
                    f"one current feature per area in layer `{row[2]}`",
                    column="areacd",
                    value=row[0],
                )
            )
            continue
        seen.add(key)
        kept.append(row)
    return kept, problems


def _properties(feature: object) -> Mapping[str, Any]:
    if isinstance(feature, dict):
        properties = feature.get("properties")
        if isinstance(properties, dict):
            return properties
    return {}


def _members(obj: object) -> list[Any]:
    if isinstance(obj, dict):
        if obj.get("type") == "GeometryCollection":
            geometries = obj.get("geometries")
            return geometries if isinstance(geometries, list) else []
        return [obj]
    return []


def _code_key(properties: Mapping[str, Any]) -> str | None:
    """The property holding the GSS code: `areacd`, or ONS's `<PREFIX><YY>CD`."""
    for key in properties:
        if key.lower() == "areacd":
            return key
    for key, value in properties.items():
        if _CODE_KEY.match(key) and isinstance(value, str) and _GSS.match(value.strip()):
            return key
    return None


def _name_key(properties: Mapping[str, Any], code_key: str) -> str | None:
    wanted = code_key[:-2] + ("nm" if code_key[-2:].islower() else "NM")
    for key in properties:
        if key.lower() == wanted.lower():
            return key
    return None


def _is_current(properties: Mapping[str, Any]) -> bool:
    return properties.get("end") in (None, "")


def _years(properties: Mapping[str, Any]) -> Iterable[int]:
    for key in ("start", "end"):
        value = properties.get(key)
        if isinstance(value, int):
            yield value
        elif isinstance(value, str):
            yield from (int(y) for y in _YEAR.findall(value))


def _identify(
    properties: Mapping[str, Any], file: str, index: int, column: str
) -> tuple[str, str | None, str | None] | DataProblem:
    """The feature's (code, name, layer from the code key) or the problem with it."""
    key = _code_key(properties)
    value = properties.get(key) if key is not None else None
    if key is None or not isinstance(value, str) or not value.strip():
        return DataProblem(
            ProblemCode.MISSING_VALUE,
            file,
            "a GSS code in `areacd` or e.g. `LAD25CD`",
            row=index,
            column=column,
        )
    code = value.strip().upper()
    if not _GSS.match(code):
        return DataProblem(
            ProblemCode.UNKNOWN_AREA,
            file,
            "a GSS code such as E07000148",
            row=index,
            column=key,
            value=value,
        )
    name_key = _name_key(properties, key)
    name = properties.get(name_key) if name_key is not None else None
    match = _CODE_KEY.match(key)
    prefix = match.group(1).lower() if match and key.lower() != "areacd" else ""
    return code, str(name) if name is not None else None, _PREFIX_LAYERS.get(prefix)


def _read_collection(
    document: Mapping[str, Any], file: str
) -> tuple[list[tuple[str, str | None, str, str]], list[DataProblem], set[int], int]:
    features = document.get("features")
    assert isinstance(features, list)
    _check_crs(document, features, file)
    found: list[tuple[str, str | None, str | None, str]] = []
    problems: list[DataProblem] = []
    years: set[int] = set()
    for index, feature in enumerate(features, start=1):
        properties = _properties(feature)
        years.update(_years(properties))
        if not _is_current(properties):
            continue
        identity = _identify(properties, file, index, "properties")
        if isinstance(identity, DataProblem):
            problems.append(identity)
            continue
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        if not isinstance(geometry, dict) or not geometry.get("type"):
            problems.append(
                DataProblem(
                    ProblemCode.MISSING_VALUE,
                    file,
                    "a GeoJSON geometry",
                    row=index,
                    column="geometry",
                    value=identity[0],
                )
            )
            continue
        code, name, layer = identity
        found.append((code, name, layer, json.dumps(geometry, separators=(",", ":"))))
    codes = {f[0] for f in found}
    both = "utla" if any(c.startswith("E10") for c in codes) else "ltla"
    rows = [
        (code, name, layer or _layer_of(code, both), geometry)
        for code, name, layer, geometry in found
    ]
    return rows, problems, years, len(features)


def _layer_of(code: str, both: str) -> str:
    if code.startswith(_BOTH_TIERS):
        return both
    return _ENTITY_LAYERS.get(code[:3], "area")


def _check_crs(document: Mapping[str, Any], features: Sequence[Any], file: str) -> None:
    """Refuse a collection whose coordinates are not longitude and latitude."""
    crs = document.get("crs")
    name = _properties(crs).get("name") if isinstance(crs, dict) else None
    first = _first_position(features[0].get("geometry")) if _is_feature(features) else None
    projected = isinstance(name, str) and not re.search(r"CRS84|4326", name)
    if projected or (first is not None and (abs(first[0]) > 180 or abs(first[1]) > 90)):
        raise DataProblemError(
            [
                DataProblem(
                    ProblemCode.WRONG_FORMAT,
                    file,
                    "GeoJSON in longitude and latitude (EPSG:4326)",
                    value=str(name or first),
                )
            ]
        )


def _is_feature(features: Sequence[Any]) -> bool:
    return bool(features) and isinstance(features[0], dict)


def _first_position(geometry: object) -> tuple[float, float] | None:
    coordinates = geometry.get("coordinates") if isinstance(geometry, dict) else None
    while isinstance(coordinates, list) and coordinates and isinstance(coordinates[0], list):
        coordinates = coordinates[0]
    if isinstance(coordinates, list) and len(coordinates) >= 2:
        return float(coordinates[0]), float(coordinates[1])
    return None


def _read_topology(
    document: Mapping[str, Any], file: str
) -> tuple[list[tuple[str, str | None, str, str]], list[DataProblem], set[int], int]:
    arcs = decode_arcs(document)
    objects = document.get("objects")
    assert isinstance(objects, dict)
    rows: list[tuple[str, str | None, str, str]] = []
    problems: list[DataProblem] = []
    years: set[int] = set()
    seen = 0
    for layer, obj in objects.items():
        for index, member in enumerate(_members(obj), start=1):
            seen += 1
            properties = _properties(member)
            years.update(_years(properties))
            if not _is_current(properties):
                continue
            identity = _identify(properties, file, index, f"objects.{layer}")
            if isinstance(identity, DataProblem):
                problems.append(identity)
                continue
            code, name, _ = identity
            if not code.startswith("E"):
                continue
            try:
                geometry = topology_geometry(member, arcs, document.get("transform"))
            except (IndexError, KeyError, TypeError):
                geometry = None
            if geometry is None:
                problems.append(
                    DataProblem(
                        ProblemCode.MISSING_VALUE,
                        file,
                        "a TopoJSON geometry",
                        row=index,
                        column=f"objects.{layer}",
                        value=code,
                    )
                )
                continue
            rows.append((code, name, layer, json.dumps(geometry, separators=(",", ":"))))
    return rows, problems, years, seen


def decode_arcs(topology: Mapping[str, Any]) -> list[list[list[float]]]:
    """The topology's arcs as absolute positions (delta-decoded and scaled if quantized)."""
    transform = topology.get("transform")
    raw = topology.get("arcs") or []
    if not isinstance(transform, dict):
        return [[[float(p[0]), float(p[1])] for p in arc] for arc in raw]
    sx, sy = (float(v) for v in transform["scale"])
    tx, ty = (float(v) for v in transform["translate"])
    decoded: list[list[list[float]]] = []
    for arc in raw:
        x = y = 0
        points: list[list[float]] = []
        for position in arc:
            x += position[0]
            y += position[1]
            points.append([round(x * sx + tx, _ROUND), round(y * sy + ty, _ROUND)])
        decoded.append(points)
    return decoded


def _ring(indices: Sequence[int], arcs: Sequence[Sequence[list[float]]]) -> list[list[float]]:
    """Stitch arcs into one line; a negative index `~i` is arc `i` reversed."""
    points: list[list[float]] = []
    for index in indices:
        arc = list(arcs[~index])[::-1] if index < 0 else list(arcs[index])
        points.extend(arc[1:] if points else arc)
    return points


def _point(position: Sequence[float], topology_transform: object) -> list[float]:
    if isinstance(topology_transform, dict):
        sx, sy = topology_transform["scale"]
        tx, ty = topology_transform["translate"]
        return [round(position[0] * sx + tx, _ROUND), round(position[1] * sy + ty, _ROUND)]
    return [float(position[0]), float(position[1])]


def topology_geometry(
    obj: Mapping[str, Any], arcs: Sequence[Sequence[list[float]]], transform: object = None
) -> Geometry | None:
    """A TopoJSON geometry object as a GeoJSON geometry, or None if it has none."""
    kind = obj.get("type")
    if kind == "Polygon":
        return {"type": kind, "coordinates": [_ring(r, arcs) for r in obj["arcs"]]}
    if kind == "MultiPolygon":
        return {
            "type": kind,
            "coordinates": [[_ring(r, arcs) for r in polygon] for polygon in obj["arcs"]],
        }
    if kind == "LineString":
        return {"type": kind, "coordinates": _ring(obj["arcs"], arcs)}
    if kind == "MultiLineString":
        return {"type": kind, "coordinates": [_ring(line, arcs) for line in obj["arcs"]]}
    if kind == "Point":
        return {"type": kind, "coordinates": _point(obj["coordinates"], transform)}
    if kind == "MultiPoint":
        return {"type": kind, "coordinates": [_point(p, transform) for p in obj["coordinates"]]}
    if kind == "GeometryCollection":
        members = [topology_geometry(g, arcs, transform) for g in obj.get("geometries", [])]
        return {"type": kind, "geometries": [m for m in members if m is not None]}
    return None


def _release_date(
    document: Mapping[str, Any], path: Path, options: ReadOptions, years: set[int]
) -> tuple[date | None, str]:
    if options.release_date is not None:
        return options.release_date, "release date given by the user"
    if years:
        return date(max(years), 1, 1), f"release date: 1 January {max(years)}, from start/end"
    for where, text in (("its name", document.get("name")), ("the file name", path.name)):
        found = [int(y) for y in _YEAR.findall(text)] if isinstance(text, str) else []
        if found:
            return date(max(found), 1, 1), f"release date: 1 January {max(found)}, from {where}"
    return None, ""
