"""Councils named as people write them, and districts pointed to their county council."""

from __future__ import annotations

import pytest

from caremarket.domain.council_name import NotACouncil, council_named


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Devon County Council", "E10000008"),
        ("Devon CC", "E10000008"),
        ("devon", "E10000008"),
        ("  DEVON  ", "E10000008"),
        ("e10000008", "E10000008"),
        ("City of York Council", "E06000014"),
        ("York", "E06000014"),
        ("Durham County Council", "E06000047"),
        ("Bristol City Council", "E06000023"),
        ("Hull", "E06000010"),
        ("Royal Borough of Kensington and Chelsea", "E09000020"),
        ("Brighton & Hove City Council", "E06000043"),
        ("St Helens", "E08000013"),
        ("Herefordshire Council", "E06000019"),
        ("Lincs", "E10000019"),
        ("Notts County Council", "E10000024"),
    ],
)
def test_names_as_people_write_them(written: str, code: str) -> None:
    """Each way of writing a council gives that council."""
    assert council_named(written).code == code


@pytest.mark.parametrize("written", ["Exeter", "Exeter City Council", "E07000041"])
def test_a_district_points_to_its_county(written: str) -> None:
    """A district of a two-tier county names the county council that has the duty."""
    with pytest.raises(NotACouncil) as raised:
        council_named(written)
    assert raised.value.county is not None and raised.value.county.code == "E10000008"
    assert raised.value.district is not None and raised.value.district.name == "Exeter"
    assert "Exeter is a district of Devon" in str(raised.value)
    assert "Devon County Council" in str(raised.value)


def test_a_misspelling_suggests_the_council() -> None:
    """A name close to one council's suggests it."""
    with pytest.raises(NotACouncil, match="did you mean Devon"):
        council_named("Devn")


@pytest.mark.parametrize("written", ["Narnia", "South West", "E12000009", "E99999999", ""])
def test_not_a_council(written: str) -> None:
    """A name or code that is no council's is refused, with no county to point to."""
    with pytest.raises(NotACouncil) as raised:
        council_named(written)
    assert raised.value.county is None
