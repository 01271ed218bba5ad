"""The dated folder fetched releases are kept in, and finding releases already downloaded.

Layout: `<folder>/<listing>/<release date>/<file>`, so a folder can be copied
to a machine without network and loaded from there (`caremarket fetch --from`).
Files downloaded by hand are found too, wherever they sit under the folder,
when their names match the listing's `link` pattern.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from caremarket.fetch.listing import Listing, Offer, release_date


def release_folder(folder: Path, listing: Listing, offer: Offer) -> Path:
    """Where one offered release is kept."""
    return folder / listing.key / offer.release_date.isoformat()


def cached_offers(folder: Path, listing: Listing) -> list[Offer]:
    """Release files under `folder` the listing would load, oldest first."""
    found = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.name.endswith(".part"):
            continue
        match = listing.link.search("/" + path.name)
        if not match:
            continue
        groups = {k: v for k, v in match.groupdict().items() if v}
        day = release_date(groups) or _dated_folder(path)
        if day is not None:
            found.append(Offer(day, path.resolve().as_uri(), path.name))
    return sorted(found)


def _dated_folder(path: Path) -> date | None:
    try:
        return date.fromisoformat(path.parent.name)
    except ValueError:
        return None
