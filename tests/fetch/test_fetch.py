"""Fetching releases from a publisher's listing: loaded whole and checked, or not at all."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from caremarket.cli.main import app
from caremarket.fetch.cache import cached_offers
from caremarket.fetch.listing import load_listings, offers, packaged_listings, release_date

FIXTURES = Path(__file__).parent.parent / "fixtures"
HSCA = FIXTURES / "cqc_hsca" / "constructed_hsca_2026_ok_01_March_2026_HSCA_Active_Locations.csv"
MARCH = "01_March_2026_HSCA_Active_Locations.csv"
APRIL = "01_April_2026_HSCA_Active_Locations.csv"
runner = CliRunner()


def _april() -> bytes:
    """The March fixture as an April release: same rows, one name changed, so a new file."""
    return HSCA.read_bytes().replace(b"Oakham Lodge", b"Oakham Lodge House")


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def _releases(db: Path) -> list[tuple[str, date]]:
    if not db.exists():
        return []
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT file_name, release_date FROM release ORDER BY 2").fetchall()


def _fast(listings: Callable[..., Path], page: str) -> Path:
    """A listings file whose politeness does not make the tests wait."""
    path = listings(page)
    path.write_text(
        path.read_text() + "politeness: {retries: 2, backoff_seconds: 0, timeout_seconds: 10}\n"
    )
    return path


def test_fetch_loads_the_newest_release_and_records_where_it_came_from(
    publisher, listings, tmp_path: Path
) -> None:
    """With no --since, the newest release offered is loaded, checked, with its address."""
    publisher.page("/data", [f"/files/{MARCH}", f"{publisher.base}/files/{APRIL}", "/about"])
    publisher.file(f"/files/{MARCH}", HSCA.read_bytes(), content_type="text/csv")
    publisher.file(f"/files/{APRIL}", _april(), content_type="text/csv")
    db = tmp_path / "s.duckdb"
    code, out = _run("fetch", "cqc-hsca", "--db", str(db), "--listings",
                     str(_fast(listings, publisher.base + "/data")))  # fmt: skip
    assert code == 0, out
    assert [name for name, _ in _releases(db)] == [APRIL]
    assert (tmp_path / "releases" / "cqc-hsca" / "2026-04-01" / APRIL).exists()
    with duckdb.connect(str(db), read_only=True) as con:
        url, size = con.execute("SELECT url, bytes FROM release_download").fetchone()
    assert url == f"{publisher.base}/files/{APRIL}"
    assert size == len(_april())


def test_since_takes_every_release_from_that_month_and_a_second_run_changes_nothing(
    publisher, listings, tmp_path: Path
) -> None:
    """--since 2026-03 loads March and April; running it again loads nothing new."""
    publisher.page("/data", [f"/files/{MARCH}", f"/files/{APRIL}"])
    publisher.file(f"/files/{MARCH}", HSCA.read_bytes())
    publisher.file(f"/files/{APRIL}", _april())
    db = tmp_path / "s.duckdb"
    args = ["fetch", "cqc-hsca", "--since", "2026-03", "--db", str(db),
            "--listings", str(_fast(listings, publisher.base + "/data"))]  # fmt: skip
    code, out = _run(*args)
    assert code == 0, out
    first = _releases(db)
    assert len(first) == 2, out
    assert [d for _, d in first] == [date(2026, 3, 1), date(2026, 4, 1)]
    downloads = len([r for r in publisher.requests if r[0].startswith("/files/")])
    code, out = _run(*args)
    assert code == 0, out
    assert _releases(db) == first
    assert "already loaded" in out
    assert len([r for r in publisher.requests if r[0].startswith("/files/")]) == downloads


def test_refresh_loads_only_what_is_newer_than_the_store_holds(
    publisher, listings, tmp_path: Path
) -> None:
    """refresh with a March release loaded takes April only; a second refresh finds nothing new."""
    db = tmp_path / "s.duckdb"
    listing = _fast(listings, publisher.base + "/data")
    publisher.page("/data", [f"/files/{MARCH}"])
    publisher.file(f"/files/{MARCH}", HSCA.read_bytes())
    assert _run("fetch", "cqc-hsca", "--db", str(db), "--listings", str(listing))[0] == 0
    publisher.page("/data", [f"/files/{MARCH}", f"/files/{APRIL}"])
    publisher.file(f"/files/{APRIL}", _april())
    code, out = _run("refresh", "--db", str(db), "--listings", str(listing))
    assert code == 0, out
    assert [d for _, d in _releases(db)] == [date(2026, 3, 1), date(2026, 4, 1)]
    code, out = _run("refresh", "--db", str(db), "--listings", str(listing))
    assert code == 0 and "nothing new" in out


@pytest.mark.parametrize(
    ("scenario", "expected"),
    [
        ("moved link", "no link matches the listing's `link` pattern"),
        ("missing file", "not found (404)"),
        ("cut download", "the download stopped at"),
        ("error page", "a web page, not a release file"),
        ("listing gone", "the listing page is not there (404)"),
        ("wrong type", "expected a csv file, got binary data"),
    ],
)
def test_a_failed_fetch_says_why_and_loads_nothing(
    publisher, listings, tmp_path: Path, scenario: str, expected: str
) -> None:
    """Each way a publisher can fail gives one clear message, exit 1, and an unchanged store."""
    page = "/data"
    if scenario == "moved link":
        publisher.page(page, ["/files/HSCA_Active_Locations_latest.csv", "/about"])
    elif scenario == "listing gone":
        page = "/moved-away"
    else:
        publisher.page(page, [f"/files/{MARCH}"])
    if scenario == "cut download":
        publisher.file(f"/files/{MARCH}", HSCA.read_bytes(), cut_after=100)
    elif scenario == "error page":
        html = b"<!DOCTYPE html><html><body>Sorry, something went wrong</body></html>"
        publisher.file(f"/files/{MARCH}", html, content_type="text/html")
    elif scenario == "wrong type":
        publisher.file(f"/files/{MARCH}", b"\x00\x01\x02binary" * 50)
    db = tmp_path / "s.duckdb"
    code, out = _run("fetch", "cqc-hsca", "--db", str(db), "--listings",
                     str(_fast(listings, publisher.base + page)))  # fmt: skip
    assert code == 1
    assert expected in " ".join(out.split()), out
    assert "Traceback" not in out
    assert _releases(db) == []
    kept = list((tmp_path / "releases").rglob(MARCH))
    assert kept == []


def test_a_cut_download_resumes_where_it_stopped(publisher, listings, tmp_path: Path) -> None:
    """A download cut once is resumed with a Range request and loads whole."""
    publisher.page("/data", [f"/files/{MARCH}"])
    publisher.file(f"/files/{MARCH}", HSCA.read_bytes(), cut_after=200, cut_times=1)
    db = tmp_path / "s.duckdb"
    code, out = _run("fetch", "cqc-hsca", "--db", str(db), "--listings",
                     str(_fast(listings, publisher.base + "/data")))  # fmt: skip
    assert code == 0, out
    assert [name for name, _ in _releases(db)] == [MARCH]
    ranges = [r for path, r in publisher.requests if path.startswith("/files/")]
    assert ranges == ["", "bytes=200-"]


def test_fetch_from_a_folder_needs_no_network(publisher, listings, tmp_path: Path) -> None:
    """Files fetched once load into another store from their folder with the server gone."""
    publisher.page("/data", [f"/files/{MARCH}"])
    publisher.file(f"/files/{MARCH}", HSCA.read_bytes())
    listing = _fast(listings, publisher.base + "/data")
    assert _run("fetch", "cqc-hsca", "--db", str(tmp_path / "a.duckdb"),
                "--listings", str(listing))[0] == 0  # fmt: skip
    publisher.routes.clear()
    other = tmp_path / "b.duckdb"
    code, out = _run("fetch", "cqc-hsca", "--from", str(tmp_path / "releases"), "--db",
                     str(other), "--listings", str(listing))  # fmt: skip
    assert code == 0, out
    assert [name for name, _ in _releases(other)] == [MARCH]


def test_a_zipped_release_loads_its_declared_member(publisher, listings, tmp_path: Path) -> None:
    """A zip archive is unpacked and the member the listing names is loaded."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("readme.txt", "notes")
        zipped.writestr(MARCH, HSCA.read_bytes())
    name = MARCH.replace(".csv", ".zip")
    publisher.page("/data", [f"/files/{name}"])
    publisher.file(f"/files/{name}", archive.getvalue(), content_type="application/zip")
    path = listings(publisher.base + "/data", member="'HSCA_Active_Locations\\.csv$'")
    text = path.read_text().replace("Locations\\.csv$'", "Locations\\.(?:csv|zip)$'")
    path.write_text(text.replace("types: [csv]", "types: [zip, csv]"))
    db = tmp_path / "s.duckdb"
    code, out = _run("fetch", "cqc-hsca", "--db", str(db), "--listings", str(path))
    assert code == 0, out
    assert [name for name, _ in _releases(db)] == [MARCH]


def test_every_shipped_listing_reads_its_example_file_name_with_a_date() -> None:
    """Each shipped listing's `link` pattern reads the real file name it gives as example."""
    catalogue = load_listings(packaged_listings())
    assert {"cqc-hsca", "cqc-ratings", "ons-snpp", "nhs-ascfr", "nhs-ascof"} <= set(
        catalogue.listings
    )
    for listing in catalogue.listings.values():
        match = listing.link.search("/" + listing.example)
        assert match, listing.key
        assert release_date({k: v for k, v in match.groupdict().items() if v}) is not None


def test_listing_dates_are_read_as_the_publishers_write_them() -> None:
    """Day-month-year names, financial years (2021 is 2020-21, 15-16) and pages' years all date."""
    catalogue = load_listings()
    hsca = catalogue.listings["cqc-hsca"]
    page = '<a href="/sites/default/files/2026-06/01_June_2026_HSCA_Active_Locations.ods">x</a>'
    [offer] = offers(hsca, page, "https://www.cqc.org.uk/data")
    assert offer.release_date == date(2026, 6, 1)
    assert offer.url == (
        "https://www.cqc.org.uk/sites/default/files/2026-06/01_June_2026_HSCA_Active_Locations.ods"
    )
    assert release_date({"fy": "2021"}) == date(2020, 4, 1)
    assert release_date({"fy": "15-16"}) == date(2015, 4, 1)
    assert release_date({"fy": "2023-24"}) == date(2023, 4, 1)
    assert release_date({"fy": "2019"}) is None
    assert release_date({"year": "2026", "month": "Smarch", "day": "1"}) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("listings: {}\n", "expected a `listings:` mapping"),
        ("listings:\n  x: {page: 'https://a', link: '('}\n", "missing source_id"),
        (
            "listings:\n  x: {source_id: s, title: t, page: 'https://a', link: '(', "
            "types: [csv], cadence: c, licence: l}\n",
            "`link` is not a regular expression",
        ),
        (
            "listings:\n  x: {source_id: s, title: t, page: 'ftp://a', link: 'a', "
            "types: [csv], cadence: c, licence: l}\n",
            "page must be an http(s) address",
        ),
    ],
)
def test_a_broken_listings_file_is_a_usage_error(tmp_path: Path, text: str, expected: str) -> None:
    """A listings file a user mended badly is named with what is wrong, exit 2."""
    path = tmp_path / "listings.yaml"
    path.write_text(text)
    code, out = _run("fetch", "x", "--db", str(tmp_path / "s.duckdb"), "--listings", str(path))
    assert code == 2
    assert expected in " ".join(out.split())
    assert not (tmp_path / "s.duckdb").exists()


def test_cached_files_downloaded_by_hand_are_found_by_name(tmp_path: Path) -> None:
    """A folder of files saved by hand is read by the listing's file names, oldest first."""
    listing = load_listings().listings["cqc-hsca"]
    (tmp_path / "x").mkdir()
    for name in ("01_May_2026_HSCA_Active_Locations.ods", "01_June_2026_HSCA_Active_Locations.ods",
                 "notes.ods", "01_June_2026_HSCA_Active_Locations.ods.part"):  # fmt: skip
        (tmp_path / "x" / name).write_bytes(b"PK\x03\x04")
    found = cached_offers(tmp_path, listing)
    assert [o.release_date for o in found] == [date(2026, 5, 1), date(2026, 6, 1)]
