"""The CQC public API: every location record of a council, fetched politely, kept as a snapshot.

`GET /locations?localAuthority=...` lists a council's location ids page by
page; `GET /locations/{id}` gives one full record (current and historic
ratings, service types, beds). A snapshot is every record of the council on
the day it was fetched, written as one JSON file the CQC API adapter loads.
An earlier snapshot makes the next one incremental: `GET /changes/location`
names the locations changed since, and only those (and any new to the
council) are fetched again.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from caremarket.fetch.politeness import Politeness
from caremarket.fetch.problem import FetchError

_RETRY_STATUS = frozenset({408, 429, 500, 502, 503, 504})
Counted = Callable[[int, int], None]
"""Told how many records are done and how many there are in all."""


@dataclass(frozen=True)
class ApiDeclaration:
    """Where the API is, how it wants its key, and how fast caremarket may call it."""

    key: str
    source_id: str
    title: str
    base: str
    portal: str
    key_header: str
    key_environment: str
    per_page: int
    requests_per_minute: int
    licence: str


def api_declaration(apis: dict[str, Any], source: Path) -> ApiDeclaration:
    """The `apis: cqc-api:` entry of a listings file; FetchError names what is missing."""
    entry = apis.get("cqc-api")
    if not isinstance(entry, dict):
        raise FetchError(f"{source}: no `apis: cqc-api:` entry to say where the CQC API is")
    try:
        return ApiDeclaration(
            key="cqc-api",
            source_id=str(entry["source_id"]),
            title=str(entry["title"]),
            base=str(entry["base"]).rstrip("/"),
            portal=str(entry["portal"]),
            key_header=str(entry["key_header"]),
            key_environment=str(entry["key_environment"]),
            per_page=int(entry["per_page"]),
            requests_per_minute=int(entry["requests_per_minute"]),
            licence=str(entry["licence"]),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise FetchError(f"{source}, `apis: cqc-api`: missing or bad {error}") from error


@dataclass(frozen=True)
class Snapshot:
    """Every location record of one council on the day it was fetched."""

    council: str
    fetched_at: datetime
    records: list[dict[str, Any]]
    fetched: int
    """How many records were fetched now (the rest came from the previous snapshot)."""

    def write(self, folder: Path) -> Path:
        """Write the snapshot as JSON (a `locations` list) under a dated folder; its path."""
        day = self.fetched_at.date().isoformat()
        target = folder / day / f"cqc_api_{_slug(self.council)}_{day}.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        document = {
            "fetchedAt": self.fetched_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "localAuthority": self.council,
            "total": len(self.records),
            "locations": self.records,
        }
        partial = target.with_name(target.name + ".part")
        partial.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
        partial.replace(target)
        return target


def previous_snapshot(folder: Path, council: str) -> tuple[datetime, dict[str, Any]] | None:
    """The newest snapshot of a council under `folder`: when it was fetched and its records."""
    for path in sorted(folder.glob(f"*/cqc_api_{_slug(council)}_*.json"), reverse=True):
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
            fetched_at = datetime.strptime(document["fetchedAt"], "%Y-%m-%dT%H:%M:%SZ")
            records = {str(r["locationId"]): r for r in document["locations"]}
        except (OSError, ValueError, KeyError, TypeError):
            continue
        return fetched_at, records
    return None


class CqcApi:
    """A client of the CQC public API with the user's subscription key."""

    def __init__(
        self,
        http: httpx.Client,
        declaration: ApiDeclaration,
        subscription_key: str,
        politeness: Politeness = Politeness(),
    ) -> None:
        self._http = http
        self._api = declaration
        self._key = subscription_key
        self._politeness = politeness
        self._last = 0.0

    def _get(self, path: str, params: dict[str, str] | None = None) -> Any:
        """One call, paced to the declared rate, retried on 429 and 5xx with back-off."""
        url = f"{self._api.base}{path}"
        for attempt in range(self._politeness.retries + 1):
            self._pace()
            try:
                response = self._http.get(
                    url, params=params, headers={self._api.key_header: self._key}
                )
            except httpx.TransportError as error:
                if attempt == self._politeness.retries:
                    raise FetchError(f"{url}: cannot reach the CQC API ({error})") from error
                self._wait(attempt, None)
                continue
            if response.status_code in _RETRY_STATUS and attempt < self._politeness.retries:
                self._wait(attempt, response)
                continue
            return self._read(url, response)
        raise FetchError(f"{url}: the CQC API is busy; try again later")

    def _read(self, url: str, response: httpx.Response) -> Any:
        status = response.status_code
        if status in (401, 403):
            raise FetchError(
                f"the CQC API refused the subscription key ({status}); get a key at "
                f"{self._api.portal} and give it with --cqc-key or ${self._api.key_environment}"
            )
        if status == 404:
            raise FetchError(f"{url}: not found (404)")
        if status >= 400:
            raise FetchError(f"{url}: the CQC API answered {status}")
        try:
            return response.json()
        except ValueError as error:
            raise FetchError(f"{url}: the CQC API answered with something not JSON") from error

    def _pace(self) -> None:
        gap = 60.0 / max(self._api.requests_per_minute, 1)
        wait = self._last + gap - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self._last = time.monotonic()

    def _wait(self, attempt: int, response: httpx.Response | None) -> None:
        wait = self._politeness.backoff_seconds * 2**attempt
        after = response.headers.get("Retry-After") if response is not None else None
        if after and after.isdigit():
            wait = min(float(after), 300.0)
        time.sleep(wait)

    def _pages(self, path: str, params: dict[str, str], key: str) -> Iterator[Any]:
        page, pages = 1, 1
        while page <= pages:
            answer = self._get(path, {**params, "page": str(page)})
            if not isinstance(answer, dict) or not isinstance(answer.get(key), list):
                raise FetchError(f"{self._api.base}{path}: expected a `{key}` list in the answer")
            yield from answer[key]
            pages = int(answer.get("totalPages") or 1)
            page += 1

    def location_ids(self, council: str) -> list[str]:
        """Every location id the API lists for a council (its `localAuthority` name)."""
        params = {"localAuthority": council, "perPage": str(self._api.per_page)}
        ids = [str(item["locationId"]) for item in self._pages("/locations", params, "locations")]
        return list(dict.fromkeys(ids))

    def location(self, location_id: str) -> dict[str, Any]:
        """One full location record."""
        record = self._get(f"/locations/{quote(location_id, safe='')}")
        if not isinstance(record, dict) or "locationId" not in record:
            raise FetchError(f"location {location_id}: the CQC API answered without a record")
        return record

    def changed_since(self, start: datetime, end: datetime) -> set[str]:
        """Ids of locations changed between two times (the API's change listing)."""
        params = {
            "startTimestamp": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "endTimestamp": end.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "perPage": str(self._api.per_page),
        }
        return {str(i) for i in self._pages("/changes/location", params, "changes")}

    def snapshot(
        self,
        council: str,
        previous: tuple[datetime, dict[str, Any]] | None = None,
        counted: Counted | None = None,
        now: datetime | None = None,
    ) -> Snapshot:
        """Every record of a council now; with a previous snapshot, only what changed is fetched."""
        fetched_at = now or datetime.now(UTC).replace(tzinfo=None, microsecond=0)
        ids = self.location_ids(council)
        if not ids:
            raise FetchError(
                f"the CQC API lists no location for `{council}`; it wants the council's name as "
                "CQC writes it (e.g. Devon, Bristol, City of, Kingston upon Hull, City of)"
            )
        known: dict[str, Any] = {}
        if previous is not None:
            since, records = previous
            changed = self.changed_since(since, fetched_at)
            known = {i: r for i, r in records.items() if i not in changed}
        todo = [i for i in ids if i not in known]
        fresh: dict[str, Any] = {}
        for done, location_id in enumerate(todo, start=1):
            fresh[location_id] = self.location(location_id)
            if counted:
                counted(done, len(todo))
        records_now = [fresh.get(i) or known[i] for i in ids]
        return Snapshot(council, fetched_at, records_now, len(todo))


def _slug(council: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in council.lower()).strip("_")


def snapshot_date(fetched_at: datetime) -> date:
    """The release date of a snapshot: the day its records were fetched."""
    return fetched_at.date()
