"""Extract Norfolk and its districts from ONS's mid-2020 estimates into the Nomis long CSV layout.

Run once to refresh `src/caremarket/demo/data/norfolk_population_mid2020_nomis.csv`:

    .venv/bin/python scripts/extract_norfolk_population.py \
        ../shared/data/ons/mid2020_population_estimates_uk_2021geography.xls

Source: ONS, Population estimates for the UK, England and Wales, Scotland and
Northern Ireland: mid-2020 (2021 local authority geography), sheets MYE2 -
Persons/Males/Females. Open Government Licence v3.0.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from python_calamine import CalamineWorkbook

CODES = (
    "E10000020",
    "E07000143",
    "E07000144",
    "E07000145",
    "E07000146",
    "E07000147",
    "E07000148",
    "E07000149",
)
SHEETS = (("MYE2 - Persons", "Total"), ("MYE2 - Males", "Male"), ("MYE2 - Females", "Female"))
OUT = Path(__file__).resolve().parents[1] / "src/caremarket/demo/data"


def main(source: Path) -> None:
    """Write the Nomis-layout CSV of the Norfolk areas."""
    workbook = CalamineWorkbook.from_path(str(source))
    rows: list[list[object]] = []
    for sheet, gender in SHEETS:
        table = workbook.get_sheet_by_name(sheet).to_python()
        header_at = next(i for i, r in enumerate(table) if r[:2] == ["Code", "Name"])
        header = [str(c) for c in table[header_at]]
        for row in table[header_at + 1 :]:
            if row[0] not in CODES:
                continue
            values = dict(zip(header, row, strict=False))
            rows.append([row[1], row[0], "2020", gender, "All Ages", int(values["All ages"])])
            for age in range(90):
                rows.append([row[1], row[0], "2020", gender, f"Age {age}", int(values[str(age)])])
            rows.append([row[1], row[0], "2020", gender, "Aged 90+", int(values["90+"])])
    rows.sort(key=lambda r: (CODES.index(str(r[1])), ("Total", "Male", "Female").index(str(r[3]))))
    path = OUT / "norfolk_population_mid2020_nomis.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
        writer.writerow(
            [
                "GEOGRAPHY_NAME",
                "GEOGRAPHY_CODE",
                "DATE_NAME",
                "GENDER_NAME",
                "C_AGE_NAME",
                "OBS_VALUE",
            ]
        )
        writer.writerows(rows)
    print(f"wrote {len(rows)} rows to {path}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
