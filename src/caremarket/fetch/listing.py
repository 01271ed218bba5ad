"""Where a source's releases are listed, and reading release files and dates from a listing.

The listings are declared in `data/listings.yaml` so that a user can mend a
moved page or a renamed file without code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import yaml

from caremarket.fetch.politeness import Politeness
from caremarket.fetch.problem import FetchError

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
FILE_TYPES = frozenset({"ods", "xlsx", "xls", "csv", "json", "zip"})
_REQUIRED = ("source_id", "title", "page", "link", "types", "cadence", "licence")


@dataclass(frozen=True)
class Listing:
    """Where one source's releases are listed and how to read them from the listing."""

    key: str
    source_id: str
    title: str
    page: str
    link: re.Pattern[str]
    types: frozenset[str]
    cadence: str
    licence: str
    follow: re.Pattern[str] | None = None
    member: re.Pattern[str] | None = None
    example: str = ""
    """A real file name of a release, which `link` reads with its date (messages, checks)."""


@dataclass(frozen=True, order=True)
class Offer:
    """A release file a listing offers: its date, its address and its file name."""

    release_date: date
    url: str
    file_name: str


def packaged_listings() -> Path:
    """The listings file shipped with caremarket."""
    return Path(str(resources.files("caremarket.fetch.data").joinpath("listings.yaml")))


@dataclass(frozen=True)
class Catalogue:
    """Every declared listing and API, and how politely to fetch from them."""

    listings: dict[str, Listing]
    politeness: Politeness
    apis: dict[str, dict[str, Any]]
    """Declared APIs by key, as written (read by their clients, e.g. `cqc_api`)."""
    path: Path


def load_listings(path: Path | None = None) -> Catalogue:
    """The declared listings, from `path` or the packaged file; FetchError names a bad entry."""
    source = path or packaged_listings()
    try:
        loaded: Any = yaml.safe_load(source.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise FetchError(f"{source}: cannot read the listings file ({error})") from error
    entries = loaded.get("listings") if isinstance(loaded, dict) else None
    if not isinstance(entries, dict) or not entries:
        raise FetchError(f"{source}: expected a `listings:` mapping of sources, found none")
    return Catalogue(
        {str(key): _listing(source, str(key), value) for key, value in entries.items()},
        _politeness(source, loaded.get("politeness") or {}),
        apis=dict(loaded.get("apis") or {}),
        path=source,
    )


def _politeness(source: Path, value: object) -> Politeness:
    default = Politeness()
    if not isinstance(value, dict):
        raise FetchError(f"{source}: `politeness` must be a mapping (retries, backoff_seconds)")
    try:
        politeness = Politeness(
            retries=int(value.get("retries", default.retries)),
            backoff_seconds=float(value.get("backoff_seconds", default.backoff_seconds)),
            timeout_seconds=float(value.get("timeout_seconds", default.timeout_seconds)),
        )
    except (TypeError, ValueError) as error:
        raise FetchError(f"{source}: `politeness` needs numbers ({error})") from error
    if politeness.retries < 0 or politeness.backoff_seconds < 0 or politeness.timeout_seconds <= 0:
        raise FetchError(f"{source}: `politeness` values must not be negative")
    return politeness


def _listing(source: Path, key: str, value: object) -> Listing:
    where = f"{source}, listing `{key}`"
    if not isinstance(value, dict):
        raise FetchError(f"{where}: expected a mapping of {', '.join(_REQUIRED)}")
    missing = [name for name in _REQUIRED if not value.get(name)]
    if missing:
        raise FetchError(f"{where}: missing {', '.join(missing)}")
    types = frozenset(str(t).lower() for t in value["types"])
    if not types <= FILE_TYPES:
        unknown = ", ".join(sorted(types - FILE_TYPES))
        raise FetchError(f"{where}: types {unknown} not among {', '.join(sorted(FILE_TYPES))}")
    page = str(value["page"])
    if urlsplit(page).scheme not in ("http", "https"):
        raise FetchError(f"{where}: page must be an http(s) address, got {page!r}")
    return Listing(
        key=key,
        source_id=str(value["source_id"]),
        title=str(value["title"]),
        page=page,
        link=_pattern(where, "link", value["link"]),
        types=types,
        cadence=str(value["cadence"]),
        licence=str(value["licence"]),
        follow=_pattern(where, "follow", value["follow"]) if value.get("follow") else None,
        member=_pattern(where, "member", value["member"]) if value.get("member") else None,
        example=str(value.get("example", "")),
    )


def _pattern(where: str, name: str, text: object) -> re.Pattern[str]:
    try:
        return re.compile(str(text))
    except re.error as error:
        raise FetchError(f"{where}: `{name}` is not a regular expression ({error})") from error


class _Links(HTMLParser):
    """Every `href` of an `a` element, in page order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs += [value for name, value in attrs if name == "href" and value]


def links(html: str, base_url: str) -> list[str]:
    """The absolute addresses a page links to, without fragments, each once, in page order."""
    parser = _Links()
    parser.feed(html)
    seen: dict[str, None] = {}
    for href in parser.hrefs:
        absolute = urljoin(base_url, href.strip()).split("#", 1)[0]
        if urlsplit(absolute).scheme in ("http", "https"):
            seen.setdefault(absolute, None)
    return list(seen)


def pages_to_follow(listing: Listing, html: str, base_url: str) -> list[tuple[str, dict[str, str]]]:
    """The pages a listing's index links to that hold its files, with their date groups."""
    if listing.follow is None:
        return []
    found = []
    for url in links(html, base_url):
        match = listing.follow.search(urlsplit(url).path.rstrip("/"))
        if match:
            found.append((url, {k: v for k, v in match.groupdict().items() if v}))
    return found


def offers(
    listing: Listing, html: str, base_url: str, page_groups: dict[str, str] | None = None
) -> list[Offer]:
    """The release files a page offers, oldest first; links without a readable date are left out."""
    found: dict[str, Offer] = {}
    for url in links(html, base_url):
        path = urlsplit(url).path
        match = listing.link.search(path)
        if not match:
            continue
        groups = {**(page_groups or {}), **{k: v for k, v in match.groupdict().items() if v}}
        day = release_date(groups)
        if day is not None:
            found.setdefault(url, Offer(day, url, path.rsplit("/", 1)[-1]))
    return sorted(found.values())


def release_date(groups: dict[str, str]) -> date | None:
    """The date named groups give: year/month/day, or fy (a financial year starts 1 April)."""
    if "fy" in groups:
        return _financial_year_start(groups["fy"])
    if "year" not in groups:
        return None
    year = int(groups["year"])
    month_text = groups.get("month", "1").lower()
    month = int(month_text) if month_text.isdigit() else _MONTHS.get(month_text)
    try:
        return date(year, month or 0, int(groups.get("day", "1")))
    except ValueError:
        return None


def _financial_year_start(text: str) -> date | None:
    """2020-21, 2020-2021, 20-21 or 2021 (two two-digit years) -> 1 April 2020."""
    short = re.fullmatch(r"(\d{2})-?(\d{2})", text)
    if short and int(short.group(2)) == (int(short.group(1)) + 1) % 100:
        return date(2000 + int(short.group(1)), 4, 1)
    long = re.fullmatch(r"(\d{4})-(\d{2}|\d{4})", text)
    return date(int(long.group(1)), 4, 1) if long else None
