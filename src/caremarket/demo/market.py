"""A seeded synthetic Norfolk care market: providers, locations and monthly snapshots."""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from caremarket.demo import synthetic_names as names
from caremarket.demo.calibration import Calibration
from caremarket.demo.norfolk_postcodes import Postcode, postcodes_by_district

RATINGS: Final = ("Outstanding", "Good", "Requires improvement", "Inadequate")
RELEASE_DATES: Final = tuple(date(2026, month, 1) for month in range(1, 7))
HSCA_START: Final = date(2010, 10, 1)

SECTOR_SERVICE_TYPES: Final[dict[str, tuple[str, ...]]] = {
    "care_home_nursing": ("Care home service with nursing",),
    "care_home_residential": ("Care home service without nursing",),
    "home_care": ("Domiciliary care service",),
    "supported_living": ("Supported living service",),
    "extra_care": ("Extra Care housing services", "Domiciliary care service"),
    "shared_lives": ("Shared Lives",),
    "community": (),
}
_COMMUNITY_TYPES: Final = (
    "Community based services for people with a learning disability",
    "Community based services for people with mental health needs",
)
_SERVICE_KIND: Final[dict[str, str]] = {
    "home_care": "Home Care",
    "supported_living": "Supported Living",
    "extra_care": "Extra Care Court",
    "shared_lives": "Shared Lives Scheme",
    "community": "Community Support",
}
# Post towns of Norfolk's outward codes (Royal Mail); others fall back to Norwich.
_POST_TOWNS: Final[dict[str, str]] = {
    "NR19": "Dereham",
    "NR20": "Dereham",
    "NR21": "Fakenham",
    "NR22": "Walsingham",
    "NR23": "Wells-next-the-Sea",
    "NR24": "Melton Constable",
    "NR25": "Holt",
    "NR26": "Sheringham",
    "NR27": "Cromer",
    "NR28": "North Walsham",
    "NR29": "Great Yarmouth",
    "NR30": "Great Yarmouth",
    "NR31": "Great Yarmouth",
    "NR34": "Beccles",
    "NR35": "Bungay",
    "NR18": "Wymondham",
    "NR17": "Attleborough",
    "NR16": "Norwich",
    "PE30": "King's Lynn",
    "PE31": "King's Lynn",
    "PE32": "King's Lynn",
    "PE33": "King's Lynn",
    "PE34": "King's Lynn",
    "PE35": "Sandringham",
    "PE36": "Hunstanton",
    "PE37": "Swaffham",
    "PE38": "Downham Market",
    "PE13": "Wisbech",
    "PE14": "Wisbech",
    "IP20": "Harleston",
    "IP21": "Diss",
    "IP22": "Diss",
    "IP23": "Eye",
    "IP24": "Thetford",
    "IP25": "Thetford",
    "IP26": "Thetford",
    "IP27": "Brandon",
}
# UK Parliament constituencies (2024 boundaries) mainly covering each district.
_CONSTITUENCIES: Final[dict[str, str]] = {
    "E07000143": "Mid Norfolk",
    "E07000144": "Broadland and Fakenham",
    "E07000145": "Great Yarmouth",
    "E07000146": "North West Norfolk",
    "E07000147": "North Norfolk",
    "E07000148": "Norwich South",
    "E07000149": "South Norfolk",
}
# Rough shares of care services by district (population weighted, more homes on the coast).
_DISTRICT_WEIGHTS: Final[dict[str, float]] = {
    "E07000143": 0.15,
    "E07000144": 0.14,
    "E07000145": 0.13,
    "E07000146": 0.17,
    "E07000147": 0.14,
    "E07000148": 0.13,
    "E07000149": 0.14,
}


@dataclass(frozen=True, slots=True)
class Address:
    """A postal address on a real postcode (street invented)."""

    street: str
    city: str
    postcode: Postcode
    constituency: str


@dataclass(frozen=True, slots=True)
class Provider:
    """A registered provider organisation (invented)."""

    provider_id: str
    name: str
    start_date: date
    ownership: str
    companies_house_number: str
    charity_number: str
    brand_id: str
    brand_name: str
    address: Address
    nominated_individual: str
    main_partner: str
    primary_category: str


@dataclass(frozen=True, slots=True)
class Location:
    """A registered location (a care home or a community service office) in one snapshot."""

    location_id: str
    provider_id: str
    sector: str
    name: str
    start_date: date
    address: Address
    manager: str
    service_types: tuple[str, ...]
    bands: tuple[str, ...]
    beds: int | None = None
    dormant: bool = False
    rating: str | None = None
    publication_date: date | None = None
    inherited: bool | None = None
    dual_primary_id: str | None = None

    @property
    def is_care_home(self) -> bool:
        """Whether the location is a care home (with or without nursing)."""
        return self.sector in ("care_home_nursing", "care_home_residential")


@dataclass(frozen=True, slots=True)
class Market:
    """The providers and the monthly snapshots of locations (as at each release date)."""

    providers: dict[str, Provider]
    snapshots: dict[date, tuple[Location, ...]]


class _Ids:
    """Unique CQC-style ids (``1-`` and 9 to 11 digits)."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._seen: set[str] = set()

    def new(self) -> str:
        while True:
            digits = self._rng.choice((9, 10, 10, 11))
            candidate = f"1-{self._rng.randint(10 ** (digits - 1), 10**digits - 1)}"
            if candidate not in self._seen:
                self._seen.add(candidate)
                return candidate


class _Builder:
    def __init__(self, calibration: Calibration, rng: random.Random) -> None:
        self.cal = calibration
        self.rng = rng
        self.ids = _Ids(rng)
        by_district = postcodes_by_district()
        self.postcodes = {
            code: tuple(p for p in pcs if not p.outward.endswith(("98", "99")))
            for code, pcs in by_district.items()
        }
        self.providers: dict[str, Provider] = {}
        self.used_names: set[str] = set()

    def address(self, district: str | None = None) -> Address:
        rng = self.rng
        if district is None:
            codes = list(_DISTRICT_WEIGHTS)
            district = rng.choices(codes, weights=[_DISTRICT_WEIGHTS[c] for c in codes])[0]
        postcode = rng.choice(self.postcodes[district])
        city = _POST_TOWNS.get(postcode.outward, "Norwich")
        return Address(names.street_address(rng), city, postcode, _CONSTITUENCIES[district])

    def provider(self, sector: str, *, brand: str = "") -> Provider:
        rng = self.rng
        charity = rng.random() < 0.12
        roll = rng.random()
        ownership = (
            "Organisation" if charity or roll < 0.85 else rng.choice(("Individual", "Partnership"))
        )
        name = names.company_name(rng, charity=charity)
        partner = names.person_name(rng) if ownership == "Partnership" else ""
        if ownership == "Individual":
            name = f"{names.person_name(rng)}"
        provider = Provider(
            provider_id=self.ids.new(),
            name=name,
            start_date=HSCA_START + timedelta(days=rng.randint(0, 5000)),
            ownership=ownership,
            companies_house_number=""
            if ownership != "Organisation"
            else f"{rng.randint(1_000_000, 15_999_999):08d}",
            charity_number=f"{rng.randint(200_000, 1_199_999)}" if charity else "",
            brand_id=f"BD{rng.randint(100, 999)}" if brand else "-",
            brand_name=f"BRAND {brand}" if brand else "-",
            address=self.address(),
            nominated_individual=names.person_name(rng),
            main_partner=partner,
            primary_category=_category(sector),
        )
        self.providers[provider.provider_id] = provider
        return provider

    def unique_name(self, make: str, address: Address) -> str:
        name = make
        if name in self.used_names:
            name = f"{make} ({address.city})"
        while name in self.used_names:
            name = f"{make} {self.rng.randint(2, 99)}"
        self.used_names.add(name)
        return name

    def location(self, sector: str, provider_id: str, start: date) -> Location:
        rng = self.rng
        address = self.address()
        beds: int | None = None
        service_types = SECTOR_SERVICE_TYPES[sector]
        if sector == "care_home_nursing":
            base = names.care_home_name(rng, nursing=True)
            beds = max(20, min(130, round(rng.gauss(48, 16))))
        elif sector == "care_home_residential":
            base = names.care_home_name(rng, nursing=False)
            beds = max(3, min(80, round(rng.gauss(24, 11))))
        else:
            base = names.community_service_name(rng, address.city, _SERVICE_KIND[sector])
            if sector == "community":
                service_types = (rng.choice(_COMMUNITY_TYPES),)
            if sector == "supported_living" and rng.random() < 0.25:
                service_types = (*service_types, "Domiciliary care service")
        bands = _bands(rng, sector, service_types)
        if beds is not None and "Learning disabilities or autistic spectrum disorder" in bands:
            beds = max(3, beds // 3)
        return Location(
            location_id=self.ids.new(),
            provider_id=provider_id,
            sector=sector,
            name=self.unique_name(base, address),
            start_date=start,
            address=address,
            manager=names.person_name(rng) if rng.random() < 0.9 else "",
            service_types=tuple(sorted(set(service_types))),
            bands=bands,
            beds=beds,
        )

    def rate(self, location: Location, as_at: date) -> Location:
        rng = self.rng
        shares = self.cal.shares("rating_shares")
        roll = rng.random()
        acc = 0.0
        for rating in RATINGS:
            acc += shares[rating]
            if roll < acc:
                earliest = max(location.start_date + timedelta(days=120), date(2017, 1, 1))
                span = (as_at - timedelta(days=14) - earliest).days
                if span <= 0:
                    return location
                published = earliest + timedelta(days=rng.randint(0, span))
                inherited = rng.random() < 0.05
                return dataclasses.replace(
                    location, rating=rating, publication_date=published, inherited=inherited
                )
        return location


def _category(sector: str) -> str:
    if sector in ("care_home_nursing", "care_home_residential"):
        return "Residential social care"
    return "Community based adult social care services"


_BAND_CHANCES: Final[dict[str, dict[str, float]]] = {
    "care_home_nursing": {
        "Older People": 0.95,
        "Dementia": 0.75,
        "Physical Disability": 0.55,
        "Sensory Impairment": 0.3,
        "Mental Health": 0.25,
        "Younger Adults": 0.3,
        "Learning disabilities or autistic spectrum disorder": 0.05,
        "People who misuse drugs and alcohol": 0.03,
    },
    "care_home_residential": {
        "Older People": 0.82,
        "Dementia": 0.65,
        "Physical Disability": 0.35,
        "Sensory Impairment": 0.25,
        "Mental Health": 0.2,
        "Younger Adults": 0.2,
        "Learning disabilities or autistic spectrum disorder": 0.16,
        "People who misuse drugs and alcohol": 0.02,
    },
    "home_care": {
        "Older People": 0.96,
        "Dementia": 0.75,
        "Physical Disability": 0.65,
        "Sensory Impairment": 0.45,
        "Mental Health": 0.4,
        "Younger Adults": 0.6,
        "Learning disabilities or autistic spectrum disorder": 0.35,
        "People who misuse drugs and alcohol": 0.08,
    },
    "supported_living": {
        "Learning disabilities or autistic spectrum disorder": 0.9,
        "Mental Health": 0.45,
        "Younger Adults": 0.8,
        "Physical Disability": 0.35,
        "Sensory Impairment": 0.15,
        "Older People": 0.2,
        "People who misuse drugs and alcohol": 0.08,
        "Dementia": 0.05,
    },
    "extra_care": {
        "Older People": 1.0,
        "Dementia": 0.7,
        "Physical Disability": 0.6,
        "Sensory Impairment": 0.4,
        "Mental Health": 0.2,
        "Younger Adults": 0.2,
    },
    "shared_lives": {
        "Learning disabilities or autistic spectrum disorder": 1.0,
        "Mental Health": 0.6,
        "Older People": 0.6,
        "Physical Disability": 0.5,
        "Younger Adults": 1.0,
    },
    "community": {
        "Younger Adults": 0.9,
        "Older People": 0.4,
        "Physical Disability": 0.3,
        "Sensory Impairment": 0.2,
        "People who misuse drugs and alcohol": 0.1,
    },
}


def _bands(rng: random.Random, sector: str, service_types: tuple[str, ...]) -> tuple[str, ...]:
    chosen = {band for band, p in _BAND_CHANCES[sector].items() if rng.random() < p}
    if (
        sector == "care_home_residential"
        and ("Learning disabilities or autistic spectrum disorder" in chosen)
        and rng.random() < 0.7
    ):
        # Most learning disability homes are small homes for younger adults only.
        chosen -= {"Older People", "Dementia"}
        chosen.add("Younger Adults")
    if _COMMUNITY_TYPES[0] in service_types:
        chosen.add("Learning disabilities or autistic spectrum disorder")
    if _COMMUNITY_TYPES[1] in service_types:
        chosen.add("Mental Health")
    if not chosen:
        chosen.add("Older People" if sector.startswith(("care_home", "home")) else "Younger Adults")
    return tuple(sorted(chosen))


def _initial_counts(cal: Calibration) -> dict[str, int]:
    nursing = round(cal.number("nursing_homes"))
    supported = round(cal.number("supported_living_locations"))
    extra = round(cal.number("extra_care_locations"))
    # Extra care and a quarter of supported living also register domiciliary care.
    home_care = round(cal.number("home_care_locations")) - extra - round(0.25 * supported)
    return {
        "care_home_nursing": nursing,
        "care_home_residential": round(cal.number("care_homes")) - nursing,
        "home_care": home_care,
        "supported_living": supported,
        "extra_care": extra,
        "shared_lives": round(cal.number("shared_lives_locations")),
        "community": round(cal.number("community_locations")),
    }


# Provider groups: (brand, sector, number of locations); the rest are small providers.
_GROUPS: Final = (
    ("Heronsgate Care Group", "care_home_residential", 14),
    ("Heronsgate Care Group", "care_home_nursing", 6),
    ("Wensum Healthcare", "care_home_nursing", 9),
    ("Wensum Healthcare", "care_home_residential", 4),
    ("Saltmarsh Living", "care_home_residential", 10),
    ("Kindred Homecare", "home_care", 7),
    ("Kindred Homecare", "supported_living", 4),
    ("Anglian Care Partnerships", "home_care", 5),
    ("Beacon Support Network", "supported_living", 8),
)


def _initial_locations(b: _Builder, as_at: date) -> list[Location]:
    rng = b.rng
    counts = _initial_counts(b.cal)
    locations: list[Location] = []
    brands: dict[str, Provider] = {}

    def start_date() -> date:
        return HSCA_START + timedelta(days=rng.randint(0, (as_at - HSCA_START).days - 200))

    for brand, sector, n in _GROUPS:
        if brand not in brands:
            brands[brand] = b.provider(sector, brand=brand)
        for _ in range(n):
            locations.append(b.location(sector, brands[brand].provider_id, start_date()))
            counts[sector] -= 1
    for sector, n in counts.items():
        small: list[Provider] = []
        for _ in range(n):
            if small and rng.random() < 0.28:
                owner = rng.choice(small)
            else:
                owner = b.provider(sector)
                small.append(owner)
            locations.append(b.location(sector, owner.provider_id, start_date()))
    locations = [b.rate(loc, as_at) for loc in locations]
    # A few dual registrations: the same service registered by a second provider.
    primaries = rng.sample([loc for loc in locations if loc.sector == "home_care"], 3)
    for primary in primaries:
        partner = b.provider(primary.sector)
        secondary = dataclasses.replace(
            primary,
            location_id=b.ids.new(),
            provider_id=partner.provider_id,
            dual_primary_id=primary.location_id,
        )
        locations.append(secondary)
        locations[locations.index(primary)] = dataclasses.replace(
            primary, dual_primary_id=primary.location_id
        )
    # Some community services sit dormant (registered, not operating).
    for i, loc in enumerate(locations):
        if not loc.is_care_home and loc.dual_primary_id is None and rng.random() < 0.04:
            locations[i] = dataclasses.replace(loc, dormant=True)
    return sorted(locations, key=lambda loc: loc.location_id)


_TRANSITIONS: Final[dict[str | None, tuple[float, float, float, float]]] = {
    None: (0.03, 0.72, 0.22, 0.03),
    "Outstanding": (0.55, 0.42, 0.03, 0.0),
    "Good": (0.03, 0.8, 0.16, 0.01),
    "Requires improvement": (0.0, 0.45, 0.48, 0.07),
    "Inadequate": (0.0, 0.15, 0.6, 0.25),
}


def _next_month(b: _Builder, previous: list[Location], as_at: date) -> list[Location]:
    rng = b.rng
    month_start = date(as_at.year - (as_at.month == 1), (as_at.month - 2) % 12 + 1, 1)
    days = (as_at - month_start).days

    def in_month() -> date:
        return month_start + timedelta(days=rng.randint(0, days - 1))

    current = list(previous)
    # Closures: rows disappear (a dual pair's secondary is never closed alone).
    closable = [loc for loc in current if loc.dual_primary_id is None]
    closing = {loc.location_id for loc in rng.sample(closable, rng.randint(2, 5))}
    current = [loc for loc in current if loc.location_id not in closing]
    # Re-registration: a home changes hands, keeps its name, gets a new id, inherits its rating.
    homes = [loc for loc in current if loc.is_care_home and loc.rating is not None]
    if homes and rng.random() < 0.5:
        old = rng.choice(homes)
        owner = b.provider(old.sector)
        current.remove(old)
        current.append(
            dataclasses.replace(
                old,
                location_id=b.ids.new(),
                provider_id=owner.provider_id,
                start_date=in_month(),
                inherited=True,
            )
        )
    # Openings: new ids, not yet rated.
    for sector, chance, most in (
        ("home_care", 0.9, 3),
        ("care_home_residential", 0.5, 1),
        ("care_home_nursing", 0.2, 1),
        ("supported_living", 0.4, 1),
    ):
        for _ in range(rng.randint(0, most) if rng.random() < chance else 0):
            owners = [p for p in b.providers.values() if p.primary_category == _category(sector)]
            owner = rng.choice(owners) if rng.random() < 0.3 else b.provider(sector)
            current.append(b.location(sector, owner.provider_id, in_month()))
    # Inspections published this month: new ratings and publication dates.
    for i, loc in enumerate(current):
        due = loc.rating is None and (as_at - loc.start_date).days > 150 and rng.random() < 0.3
        if loc.dormant or not (due or rng.random() < 0.025):
            continue
        rating = rng.choices(RATINGS, weights=_TRANSITIONS[loc.rating])[0]
        current[i] = dataclasses.replace(
            loc, rating=rating, publication_date=in_month(), inherited=False
        )
    return sorted(current, key=lambda loc: loc.location_id)


def build_market(calibration: Calibration, *, seed: int) -> Market:
    """Build the synthetic market and its monthly snapshots (January to June 2026)."""
    rng = random.Random(seed)
    builder = _Builder(calibration, rng)
    snapshots: dict[date, tuple[Location, ...]] = {}
    locations = _initial_locations(builder, RELEASE_DATES[0])
    snapshots[RELEASE_DATES[0]] = tuple(locations)
    for as_at in RELEASE_DATES[1:]:
        locations = _next_month(builder, locations, as_at)
        snapshots[as_at] = tuple(locations)
    return Market(providers=dict(builder.providers), snapshots=snapshots)
