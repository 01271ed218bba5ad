"""A council named as people write it: "Devon County Council", "Devon CC", "devon", a GSS code.

The councils and districts, and which county each district lies in, come from
the bundled list of English areas (`data/areas_england_2025.csv`, derived from
ONS's 2025 boundaries and its Local Authority District to County lookup,
OGL v3.0). A district of a two-tier county is not a council with adult social
care duties: naming one points to its county council.
"""

from __future__ import annotations

import difflib
import re
from functools import cache

from caremarket.domain.area import GSS_CODE, Area, Tier, england_areas, find_area

# Words around a council's name that say what kind of council it is, longest first.
_PREFIXES = (
    "the ",
    "london borough of ",
    "royal borough of ",
    "metropolitan borough of ",
    "borough of ",
    "city and county of ",
    "county of ",
    "city of ",
)
_SUFFIXES = (
    " metropolitan borough council",
    " metropolitan district council",
    " county borough council",
    " borough council",
    " district council",
    " county council",
    " city council",
    " unitary authority",
    " council",
    " county",
    " mbc",
    " cc",
    " bc",
    " dc",
    " ua",
)


# The usual short forms of county names, for counties that are still one council.
_SHORT_FORMS = {
    "bucks": "buckinghamshire", "cambs": "cambridgeshire", "derbys": "derbyshire",
    "glos": "gloucestershire", "hants": "hampshire", "herts": "hertfordshire",
    "lancs": "lancashire", "leics": "leicestershire", "lincs": "lincolnshire",
    "notts": "nottinghamshire", "oxon": "oxfordshire", "staffs": "staffordshire",
    "warks": "warwickshire", "wilts": "wiltshire", "worcs": "worcestershire",
}  # fmt: skip


class NotACouncil(ValueError):
    """The name or code given is not an English council with adult social care duties.

    `district` and `county` are set when the name is a district of a two-tier county.
    """

    def __init__(
        self,
        text: str,
        message: str,
        district: Area | None = None,
        county: Area | None = None,
    ) -> None:
        super().__init__(message)
        self.text = text
        self.district = district
        self.county = county


def _plain(text: str) -> str:
    text = text.lower().replace("&", " and ").replace("st.", "st ")
    text = re.sub(r"[.,'\u2019()]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


@cache
def _names() -> dict[str, tuple[Area, ...]]:
    """Every area by its plain name (and the plain forms of ONS's "Bristol, City of")."""
    index: dict[str, list[Area]] = {}
    for area in england_areas():
        forms = {_plain(area.name)}
        if ", " in area.name:  # "Bristol, City of" is also written "Bristol" and "City of Bristol"
            head, tail = area.name.split(", ", 1)
            forms |= {_plain(head), _plain(f"{tail} {head}")}
        for form in forms:
            index.setdefault(form, []).append(area)
    return {name: tuple(areas) for name, areas in index.items()}


def _readings(text: str) -> list[str]:
    """The name as written, then with the words saying what kind of council it is taken off."""
    found = [_plain(text)]
    changed = True
    while changed:
        changed = False
        current = found[-1]
        for prefix in _PREFIXES:
            if current.startswith(prefix) and len(current) > len(prefix):
                found.append(current[len(prefix) :])
                changed = True
                break
        else:
            for suffix in _SUFFIXES:
                if current.endswith(suffix) and len(current) > len(suffix):
                    found.append(current[: -len(suffix)])
                    changed = True
                    break
    return found


def council_title(council: Area) -> str:
    """The council as people call it: "Devon County Council", "York"."""
    return f"{council.name} County Council" if council.tier is Tier.COUNTY else council.name


def _district_of(text: str, district: Area) -> NotACouncil:
    county = find_area(district.parent_code)
    if county is None or not county.is_council:
        return NotACouncil(text, f"{district.name} is a district, not a council", district)
    return NotACouncil(
        text,
        f"{district.name} is a district of {county.name}: adult social care there is "
        f"{council_title(county)}'s; name {county.name} ({county.code})",
        district,
        county,
    )


def _not_found(text: str) -> NotACouncil:
    councils = sorted({a.name for a in england_areas() if a.is_council})
    close = difflib.get_close_matches(_readings(text)[-1].title(), councils, n=3, cutoff=0.75)
    hint = f" (did you mean {' or '.join(close)}?)" if close else ""
    return NotACouncil(
        text,
        f"no English council is called or coded `{text}`{hint}: give a county or unitary "
        "council's name (e.g. Lincolnshire, Devon County Council) or GSS code (e.g. E10000019)",
    )


def council_named(text: str) -> Area:
    """The upper-tier council a person named, or NotACouncil saying what to name instead."""
    given = text.strip()
    if GSS_CODE.match(given.upper()):
        area = find_area(given.upper())
        if area is None:
            raise _not_found(text)
        if area.is_council:
            return area
        if area.tier is Tier.NON_METROPOLITAN_DISTRICT:
            raise _district_of(text, area)
        raise NotACouncil(text, f"{given} is {area.name}, a {area.tier.value}, not a council")
    district: Area | None = None
    region: Area | None = None
    for reading in _readings(given):
        found = _names().get(_SHORT_FORMS.get(reading, reading), ())
        councils = [a for a in found if a.is_council]
        if councils:
            return councils[0]
        # Names CQC and other publishers print that differ from ONS's ("Durham", "Hull").
        known = find_area(reading)
        if known is not None and known.is_council:
            return known
        district = district or next(
            (a for a in found if a.tier is Tier.NON_METROPOLITAN_DISTRICT), None
        )
        region = region or next((a for a in found if a.tier is Tier.REGION), None)
    if district is not None:
        raise _district_of(text, district)
    if region is not None:
        raise NotACouncil(
            text,
            f"{region.name} is a region, not a council: name one of its county or unitary councils",
        )
    raise _not_found(text)
