"""Fetch releases from their publishers (or a folder of downloads) and load them.

Sequences the listing, the download and the pipeline's load: each file is
downloaded whole and checked before it is loaded, each load is all or
nothing, and a file already loaded changes nothing, so running it again (or
from cron) is safe.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path

import httpx

from caremarket.fetch.cache import cached_offers, release_folder
from caremarket.fetch.cqc_api import ApiDeclaration, Counted, CqcApi, previous_snapshot
from caremarket.fetch.download import Advance, Downloaded, download, extract_member, get_page
from caremarket.fetch.listing import Listing, Offer, offers, pages_to_follow
from caremarket.fetch.politeness import Politeness
from caremarket.fetch.problem import FetchError
from caremarket.ingest.adapter import ReadOptions
from caremarket.ingest.problem import DataProblemError
from caremarket.pipeline import IngestResult, Outcome, council, ingest_file
from caremarket.store.store import Store


class Fate(StrEnum):
    """What happened to one offered release."""

    LOADED = "loaded"
    ALREADY_LOADED = "already loaded"
    NOT_LOADED = "not loaded"


@dataclass(frozen=True)
class Fetched:
    """One offered release and what happened to it."""

    listing: str
    offer: Offer
    fate: Fate
    detail: str
    result: IngestResult | None = None


@dataclass(frozen=True)
class Window:
    """Which offered releases to take: a date range, or only those newer than loaded."""

    since: date | None = None
    until: date | None = None
    only_new: bool = False


@dataclass(frozen=True)
class Reporter:
    """Where progress goes: a line of news, and a byte counter for the file downloading."""

    say: Callable[[str], None] = lambda _: None
    start_file: Callable[[Offer], Advance] = lambda _: lambda _done, _total: None


def listed(
    http: httpx.Client, listing: Listing, politeness: Politeness = Politeness()
) -> list[Offer]:
    """The releases a listing's pages offer now, oldest first; FetchError if none can be read."""
    index = get_page(http, listing.page, politeness)
    found: list[Offer] = []
    if listing.follow is None:
        found = offers(listing, index, listing.page)
    else:
        followed = pages_to_follow(listing, index, listing.page)
        if not followed:
            raise FetchError(
                f"{listing.page}: no link matches the listing's `follow` pattern "
                f"`{listing.follow.pattern}`; the publisher may have moved its pages: mend "
                f"`{listing.key}` in the listings file"
            )
        for url, groups in followed:
            found += offers(listing, get_page(http, url, politeness), url, groups)
    if not found:
        raise FetchError(
            f"{listing.page}: no link matches the listing's `link` pattern "
            f"`{listing.link.pattern}`; the publisher may have renamed or moved its files: "
            f"mend `{listing.key}` in the listings file"
        )
    return sorted(set(found))


def newest_loaded(store: Store, source_id: str) -> date | None:
    """The date of the newest release of a source in the store, or None."""
    frame = store.query(
        "SELECT max(release_date) AS d FROM release WHERE source_id = ?", [source_id]
    )
    value = frame.item(0, 0) if frame.height else None
    return value if isinstance(value, date) else None


def chosen(offered: Sequence[Offer], window: Window, loaded: date | None) -> list[Offer]:
    """The offers a window takes; with no dates and nothing newer asked, the newest only."""
    kept = [
        offer
        for offer in offered
        if (window.since is None or offer.release_date >= window.since)
        and (window.until is None or offer.release_date <= window.until)
        and (not window.only_new or loaded is None or offer.release_date > loaded)
    ]
    if window.since is None and (not window.only_new or loaded is None):
        return kept[-1:]
    return kept


def fetch_and_load(
    store: Store,
    listing: Listing,
    offered: Sequence[Offer],
    folder: Path,
    http: httpx.Client | None,
    *,
    reporter: Reporter = Reporter(),
    politeness: Politeness = Politeness(),
) -> list[Fetched]:
    """Download (unless offered from a local folder) and load each offer, oldest first."""
    done = []
    for offer in sorted(offered):
        try:
            path, record = _obtain(listing, offer, folder, http, reporter, politeness)
            reporter.say(f"{listing.key}: loading {offer.file_name}")
            result = ingest_file(store, path, download=record)
        except (FetchError, DataProblemError) as error:
            done.append(Fetched(listing.key, offer, Fate.NOT_LOADED, str(error)))
            continue
        fate = Fate.ALREADY_LOADED if result.outcome is Outcome.ALREADY_LOADED else Fate.LOADED
        done.append(Fetched(listing.key, offer, fate, result.release_id, result))
    return done


def _obtain(
    listing: Listing,
    offer: Offer,
    folder: Path,
    http: httpx.Client | None,
    reporter: Reporter,
    politeness: Politeness,
) -> tuple[Path, dict[str, object] | None]:
    """The file to load for an offer and the record of its download (None when local)."""
    if offer.url.startswith("file:"):
        path = Path(httpx.URL(offer.url).path)
        record = None
    else:
        if http is None:
            raise FetchError(f"{offer.url}: not in the folder given and no download asked for")
        target = release_folder(folder, listing, offer)
        reporter.say(f"{listing.key}: downloading {offer.file_name}")
        got = download(
            http, listing, offer, target, advance=reporter.start_file(offer), politeness=politeness
        )
        path, record = got.path, _record(listing, got)
    if path.suffix.lower() == ".zip":
        path = extract_member(path, listing)
    return path, record


def _record(listing: Listing, got: Downloaded) -> dict[str, object]:
    return {
        "listing": listing.key,
        "url": got.url,
        "bytes": got.bytes,
        "content_type": got.content_type or None,
        "fetched_at": got.fetched_at,
    }


def listed_offline(folder: Path, listing: Listing) -> list[Offer]:
    """The releases a folder of downloads holds for a listing; FetchError if none."""
    found = cached_offers(folder, listing)
    if not found:
        like = f", named like {listing.example}" if listing.example else ""
        raise FetchError(f"{folder}: no {listing.title} file{like}")
    return found


def fetch_council_records(
    store: Store,
    api: CqcApi,
    declaration: ApiDeclaration,
    council: str,
    folder: Path,
    counted: Counted | None = None,
) -> Fetched:
    """Snapshot a council's CQC API records (incrementally after the first) and load them."""
    kept = folder / declaration.key
    try:
        previous = previous_snapshot(kept, council)
        snapshot = api.snapshot(council, previous, counted)
        if (
            previous is not None
            and not snapshot.fetched
            and previous[1] == {str(r["locationId"]): r for r in snapshot.records}
        ):
            offer = Offer(previous[0].date(), declaration.base, council)
            since = previous[0].strftime("%d %B %Y %H:%M UTC")
            return Fetched(declaration.key, offer, Fate.ALREADY_LOADED, f"no change since {since}")
        path = snapshot.write(kept)
        offer = Offer(snapshot.fetched_at.date(), f"{declaration.base}/locations", path.name)
        record = {
            "listing": declaration.key,
            "url": f"{declaration.base}/locations?localAuthority={council}",
            "bytes": path.stat().st_size,
            "content_type": "application/json",
            "fetched_at": snapshot.fetched_at,
        }
        options = ReadOptions(release_date=snapshot.fetched_at.date())
        result = ingest_file(store, path, options, download=record)
    except (FetchError, DataProblemError) as error:
        day = date.today()
        return Fetched(declaration.key, Offer(day, declaration.base, council), Fate.NOT_LOADED,
                       str(error))  # fmt: skip
    fate = Fate.ALREADY_LOADED if result.outcome is Outcome.ALREADY_LOADED else Fate.LOADED
    detail = f"{snapshot.fetched} of {len(snapshot.records)} records fetched now"
    return Fetched(declaration.key, offer, fate, detail, result)


def fetched_councils(store: Store) -> list[str]:
    """The councils whose CQC API records were fetched into the store before, by name."""
    frame = store.query(
        "SELECT DISTINCT c.la_code FROM release_download d "
        "JOIN release_coverage c USING (release_id) WHERE d.listing = 'cqc-api' ORDER BY 1"
    )
    names = []
    for code in frame.get_column("la_code").to_list() if frame.height else []:
        try:
            names.append(council(code).name)
        except ValueError:
            continue
    return names
