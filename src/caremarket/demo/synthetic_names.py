"""Invented names for demo care services, companies and people (plausible, not real)."""

from __future__ import annotations

import random
from typing import Final

_TREES_AND_PLACES: Final = (
    "Alder",
    "Ash",
    "Beech",
    "Birch",
    "Bramble",
    "Cedar",
    "Chestnut",
    "Elm",
    "Hawthorn",
    "Hazel",
    "Holly",
    "Juniper",
    "Larch",
    "Linden",
    "Maple",
    "Oak",
    "Rowan",
    "Willow",
    "Heron",
    "Kestrel",
    "Wren",
    "Avocet",
    "Marsh",
    "Broadwater",
    "Saltings",
    "Dune",
    "Fen",
    "Reedbed",
    "Samphire",
    "Poppy",
    "Lavender",
    "Meadow",
    "Orchard",
    "Brook",
    "Mill",
    "Church",
    "Staithe",
    "Priory",
    "Common",
    "Heath",
    "Warren",
    "Glebe",
    "Rectory",
    "Quay",
)
_HOME_SUFFIXES: Final = (
    "House",
    "Lodge",
    "Court",
    "Grange",
    "Hall",
    "Manor",
    "View",
    "Gardens",
    "Park",
    "Place",
    "Cottage",
    "Residential Home",
    "Nursing Home",
    "Care Home",
)
_COMPANY_WORDS: Final = (
    "Anglian",
    "Eastern",
    "Coastal",
    "Broadland",
    "Wherry",
    "Marram",
    "Flint",
    "Pantile",
    "Carrstone",
    "Norvic",
    "Iceni",
    "Waveney",
    "Yare",
    "Wensum",
    "Bure",
    "Nar",
    "Ouse",
    "Tas",
    "Glaven",
    "Stiffkey",
    "Brightwater",
    "Evergreen",
    "Harbour",
    "Lighthouse",
    "Compass",
    "Keystone",
    "Cornerstone",
    "Hearth",
    "Kindred",
    "Beacon",
)
_COMPANY_SUFFIXES: Final = (
    "Care Ltd",
    "Care Limited",
    "Healthcare Ltd",
    "Care Services Ltd",
    "Care Group Limited",
    "Homes Ltd",
    "Support Services Limited",
    "Living Ltd",
    "Care Partnership LLP",
)
_CHARITY_SUFFIXES: Final = ("Trust", "Housing Association", "Care Trust", "Foundation")
_FIRST_NAMES: Final = (
    "Alice",
    "Amelia",
    "Anna",
    "Beth",
    "Carol",
    "Claire",
    "David",
    "Emma",
    "Fiona",
    "Gary",
    "Grace",
    "Hannah",
    "Ian",
    "James",
    "Jane",
    "Joanne",
    "Karen",
    "Kevin",
    "Laura",
    "Lee",
    "Lisa",
    "Mark",
    "Martin",
    "Michelle",
    "Natalie",
    "Neil",
    "Paul",
    "Rachel",
    "Richard",
    "Sarah",
    "Simon",
    "Sophie",
    "Stephen",
    "Susan",
    "Tom",
    "Tracey",
    "Victoria",
    "Wendy",
)
_SURNAMES: Final = (
    "Allen",
    "Bailey",
    "Baker",
    "Barker",
    "Bell",
    "Brown",
    "Carter",
    "Clarke",
    "Cooper",
    "Davies",
    "Dawson",
    "Edwards",
    "Ellis",
    "Fisher",
    "Fletcher",
    "Green",
    "Hall",
    "Harris",
    "Hill",
    "Howard",
    "Hughes",
    "Jackson",
    "King",
    "Knight",
    "Lane",
    "Mason",
    "Moore",
    "Morris",
    "Palmer",
    "Parker",
    "Reeve",
    "Roberts",
    "Shaw",
    "Smith",
    "Spalding",
    "Taylor",
    "Thurston",
    "Turner",
    "Walker",
    "Ward",
    "Webb",
    "Wright",
)
_STREET_SUFFIXES: Final = ("Road", "Lane", "Street", "Close", "Drive", "Way", "Avenue", "Green")


def person_name(rng: random.Random) -> str:
    """An invented person's name."""
    return f"{rng.choice(_FIRST_NAMES)} {rng.choice(_SURNAMES)}"


def care_home_name(rng: random.Random, *, nursing: bool) -> str:
    """An invented care home name."""
    suffixes = _HOME_SUFFIXES[:-3] + (("Nursing Home",) if nursing else ("Residential Home",))
    return f"{rng.choice(_TREES_AND_PLACES)} {rng.choice(suffixes)}"


def community_service_name(rng: random.Random, town: str, kind: str) -> str:
    """An invented name of a community-based service (home care branch, supported living...)."""
    word = rng.choice(_COMPANY_WORDS + _TREES_AND_PLACES)
    return f"{word} {kind} - {town}"


def company_name(rng: random.Random, *, charity: bool) -> str:
    """An invented provider organisation name."""
    if charity:
        return f"{rng.choice(_COMPANY_WORDS)} {rng.choice(_CHARITY_SUFFIXES)}"
    first = rng.choice(_COMPANY_WORDS + _TREES_AND_PLACES)
    if rng.random() < 0.25:
        first = f"{first} {rng.choice(_SURNAMES)}"
    return f"{first} {rng.choice(_COMPANY_SUFFIXES)}"


def street_address(rng: random.Random) -> str:
    """An invented street address line."""
    street = f"{rng.choice(_TREES_AND_PLACES + _SURNAMES)} {rng.choice(_STREET_SUFFIXES)}"
    return f"{rng.randint(1, 180)} {street}"
