"""Downloading one release file: one connection, polite retries, resumable, checked.

A file is written to `<name>.part` and renamed only when it is whole (the
size the server announced), of a type the listing allows (an HTML error or
sign-in page served in place of a file is refused) and, for a zip archive,
holds the member to load. A download that stops part way is resumed from
where it stopped the next time.
"""

from __future__ import annotations

import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx

from caremarket.fetch.listing import Listing, Offer
from caremarket.fetch.politeness import Politeness
from caremarket.fetch.problem import FetchError
from caremarket.ingest.workbook import file_hash

USER_AGENT = "caremarket (adult social care market shaping; https://github.com/caremarket)"
_RETRY_STATUS = frozenset({408, 429, 500, 502, 503, 504})
_CHUNK = 1 << 16
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

Advance = Callable[[int, int | None], None]
"""Told the bytes written so far and the total when known."""


@dataclass(frozen=True)
class Downloaded:
    """A release file on disk, whole and checked, with where it came from."""

    path: Path
    url: str
    bytes: int
    content_type: str
    sha256: str
    fetched_at: datetime


def client(politeness: Politeness = Politeness()) -> httpx.Client:
    """One HTTP client with a single connection: fetches are one at a time."""
    return httpx.Client(
        headers={"User-Agent": USER_AGENT},
        timeout=politeness.timeout_seconds,
        follow_redirects=True,
        limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
    )


def get_page(http: httpx.Client, url: str, politeness: Politeness = Politeness()) -> str:
    """A listing page's HTML; FetchError if it cannot be had."""
    for attempt in range(politeness.retries + 1):
        try:
            response = http.get(url)
        except httpx.TransportError as error:
            if attempt == politeness.retries:
                raise FetchError(f"{url}: cannot reach the listing page ({error})") from error
            _back_off(politeness, attempt, None)
            continue
        if response.status_code in _RETRY_STATUS and attempt < politeness.retries:
            _back_off(politeness, attempt, response)
            continue
        if response.status_code == 404:
            raise FetchError(
                f"{url}: the listing page is not there (404); the publisher may have moved it: "
                "mend `page` in the listings file"
            )
        if response.status_code >= 400:
            raise FetchError(f"{url}: the listing page answered {response.status_code}")
        return response.text
    raise FetchError(f"{url}: no answer after {politeness.retries} retries")


def download(
    http: httpx.Client,
    listing: Listing,
    offer: Offer,
    folder: Path,
    *,
    advance: Advance | None = None,
    politeness: Politeness = Politeness(),
) -> Downloaded:
    """Fetch one offered file into `folder`, resuming a partial download; checked before kept."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / offer.file_name
    part = folder / (offer.file_name + ".part")
    if target.exists():
        return _downloaded(target, offer.url, "")
    content_type = ""
    for attempt in range(politeness.retries + 1):
        try:
            content_type = _fetch_into(http, offer.url, part, advance)
            break
        except _Retry as retry:
            if attempt == politeness.retries:
                kept = part.stat().st_size if part.exists() else 0
                raise FetchError(
                    f"{offer.url}: {retry.reason} after {politeness.retries} retries; "
                    f"run the same command again to resume ({kept:,} bytes kept)"
                ) from None
            _back_off(politeness, attempt, retry.response)
    _check_type(listing, offer, part, content_type)
    part.replace(target)
    return _downloaded(target, offer.url, content_type)


def _downloaded(target: Path, url: str, content_type: str) -> Downloaded:
    return Downloaded(
        path=target,
        url=url,
        bytes=target.stat().st_size,
        content_type=content_type,
        sha256=file_hash(target),
        fetched_at=datetime.now(UTC).replace(tzinfo=None, microsecond=0),
    )


class _Retry(Exception):
    def __init__(self, reason: str, response: httpx.Response | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.response = response


def _fetch_into(http: httpx.Client, url: str, part: Path, advance: Advance | None) -> str:
    """Stream `url` into `part`, from where an earlier attempt stopped; the content type."""
    have = part.stat().st_size if part.exists() else 0
    headers = {"Range": f"bytes={have}-"} if have else {}
    written, total = have, None
    try:
        with http.stream("GET", url, headers=headers) as response:
            _refuse_status(url, response, have, part)
            resumed = response.status_code == 206
            announced = response.headers.get("Content-Length")
            total = int(announced) + (have if resumed else 0) if announced else None
            written = have if resumed else 0
            with part.open("ab" if resumed else "wb") as out:
                for chunk in response.iter_bytes():
                    out.write(chunk)
                    written += len(chunk)
                    if advance:
                        advance(written, total)
            declared = str(response.headers.get("Content-Type", ""))
    except httpx.TransportError as error:
        if total is not None:
            raise _Retry(f"the download stopped at {written:,} of {total:,} bytes") from error
        raise _Retry(f"the connection failed ({type(error).__name__})") from error
    if total is not None and written != total:
        raise _Retry(f"the download stopped at {written:,} of {total:,} bytes")
    return declared.split(";")[0].strip().lower()


def _refuse_status(url: str, response: httpx.Response, have: int, part: Path) -> None:
    """Retry what may pass, stop on what will not."""
    status = response.status_code
    if status == 416 and have:
        part.unlink()
        raise _Retry("the partial download no longer matches the file", response)
    if status in _RETRY_STATUS:
        raise _Retry(f"the server answered {status}", response)
    if status == 404:
        raise FetchError(
            f"{url}: not found (404); the listing links to a file that is not there. "
            "The publisher may have moved it: mend the listing's `link` pattern, "
            "or try later"
        )
    if status >= 400:
        raise FetchError(f"{url}: the server answered {status}")


def _back_off(politeness: Politeness, attempt: int, response: httpx.Response | None) -> None:
    """Wait before the next try: the server's Retry-After if it gives one, else doubling."""
    wait = politeness.backoff_seconds * 2**attempt
    after = response.headers.get("Retry-After") if response is not None else None
    if after and after.isdigit():
        wait = min(float(after), 300.0)
    time.sleep(wait)


def _check_type(listing: Listing, offer: Offer, part: Path, content_type: str) -> None:
    """Refuse what is not a release file of an allowed type; the partial file is removed."""
    with part.open("rb") as handle:
        head = handle.read(1024)
    kind = _kind(head, offer.file_name)
    problem = None
    if not head.strip():
        problem = "the server sent an empty file"
    elif content_type in ("text/html", "application/xhtml+xml") or head.lstrip().startswith(b"<"):
        problem = (
            "the server sent a web page, not a release file (an error or sign-in page, or the "
            "file has moved)"
        )
    elif kind not in listing.types:
        problem = f"expected a {' or '.join(sorted(listing.types))} file, got {kind}"
    elif kind == "zip" and listing.member is not None and member_name(part, listing) is None:
        problem = f"the zip archive holds no file matching `{listing.member.pattern}`"
    if problem:
        part.unlink(missing_ok=True)
        raise FetchError(f"{offer.url}: {problem}; nothing was loaded")


def _kind(head: bytes, file_name: str) -> str:
    suffix = file_name.rsplit(".", 1)[-1].lower()
    if head.startswith(_ZIP_MAGIC):
        return suffix if suffix in ("ods", "xlsx", "zip") else "zip"
    if head.startswith(_OLE_MAGIC):
        return "xls"
    if head.lstrip(b"\xef\xbb\xbf").lstrip()[:1] in (b"{", b"["):
        return "json"
    if b"\x00" in head:
        return "binary data"
    return "csv"


def member_name(archive: Path, listing: Listing) -> str | None:
    """The archive member the listing loads, or None; several matches take the first by name."""
    if listing.member is None:
        return None
    try:
        with zipfile.ZipFile(archive) as opened:
            names = sorted(n for n in opened.namelist() if listing.member.search(n))
    except zipfile.BadZipFile:
        return None
    return names[0] if names else None


def extract_member(archive: Path, listing: Listing) -> Path:
    """Unpack the member to load beside the archive (once); FetchError if it is absent."""
    name = member_name(archive, listing)
    if name is None:
        raise FetchError(f"{archive}: no member matching the listing's `member` pattern")
    target = archive.with_name(Path(name).name)
    if not target.exists():
        with zipfile.ZipFile(archive) as opened, opened.open(name) as source:
            partial = target.with_name(target.name + ".part")
            with partial.open("wb") as out:
                while chunk := source.read(_CHUNK):
                    out.write(chunk)
            partial.replace(target)
    return target
