"""Norfolk's planning localities and the districts each one groups."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Final

from caremarket.demo.norfolk_postcodes import NORFOLK_DISTRICTS

NORFOLK_LA_CODE: Final = "E10000020"
# Norfolk County Council plans adult social care in five localities; the demo groups
# whole districts into them (the council's own boundaries follow health areas more closely).
DISTRICT_LOCALITIES: Final[dict[str, str]] = {
    "E07000146": "West",
    "E07000143": "West",
    "E07000147": "North",
    "E07000144": "North",
    "E07000149": "South",
    "E07000148": "Norwich",
    "E07000145": "East",
}
LOCALITIES: Final = ("West", "North", "South", "Norwich", "East")


def write_localities(path: Path) -> Path:
    """Write ``localities.csv`` (la_code, locality, district_code, district_name)."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["la_code", "locality", "district_code", "district_name"])
        for locality in LOCALITIES:
            for code, name in NORFOLK_DISTRICTS.items():
                if DISTRICT_LOCALITIES[code] == locality:
                    writer.writerow([NORFOLK_LA_CODE, locality, code, name])
    return path
