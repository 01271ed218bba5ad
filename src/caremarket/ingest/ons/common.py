"""What the ONS population adapters share: councils covered, totals checks, the population frame."""

from __future__ import annotations

import polars as pl

from caremarket.ingest.problem import DataProblem, ProblemCode

POPULATION_COLUMNS = ("area_code", "area_name", "year", "sex", "age", "persons", "kind")
POPULATION_SCHEMA: dict[str, pl.DataType] = {
    "area_code": pl.String(),
    "area_name": pl.String(),
    "year": pl.Int64(),
    "sex": pl.String(),
    "age": pl.Int64(),
    "persons": pl.Float64(),
    "kind": pl.String(),
}
SEX_WORDS: dict[str, str | None] = {
    "persons": "persons",
    "person": "persons",
    "all persons": "persons",
    "total": "persons",
    "all": "persons",
    "males": "males",
    "male": "males",
    "females": "females",
    "female": "females",
}
OLDEST = 90  # the open-ended age group: 90 and over


def age_of(label: str | None) -> int | None:
    """A single year of age from a label (`0`, `Age 7`, `90+`, `90 and over`); None if not one."""
    if label is None:
        return None
    words = label.strip().lower().replace("aged", "").replace("age", "").strip()
    open_ended = words.endswith("+") or words.endswith("and over") or words.endswith("or over")
    digits = words.removesuffix("+").removesuffix("and over").removesuffix("or over").strip()
    if not digits.isdigit():
        return None
    age = int(digits)
    if open_ended and age != OLDEST:
        return None
    return min(age, OLDEST) if age <= OLDEST else None


_ALL_AGES = ("all ages", "all", "total")


def is_all_ages(label: str | None) -> bool:
    """Whether a label names the all-ages total."""
    return label is not None and label.strip().lower() in _ALL_AGES


def ages_of(labels: pl.Series) -> tuple[pl.Series, pl.Series]:
    """Single years of age from age labels (null if not one) and a mask of all-ages labels."""
    lookup = {label: age_of(label) for label in labels.drop_nulls().unique().to_list()}
    ages = labels.replace_strict(lookup, default=None, return_dtype=pl.Int64)
    totals = labels.str.strip_chars().str.to_lowercase().is_in(list(_ALL_AGES)).fill_null(False)
    return ages, totals


def total_problems(
    single: pl.DataFrame,
    totals: pl.DataFrame,
    keys: list[str],
    file: str,
    tolerance: float,
) -> tuple[list[DataProblem], pl.DataFrame]:
    """Problems where an all-ages total differs from the sum of single years, and the bad keys.

    `single` holds `keys` and `persons`; `totals` holds `keys`, `total` and `row`
    (the file row of the total).
    """
    sums = single.group_by(keys).agg(pl.col("persons").sum().alias("summed"))
    joined = totals.join(sums, on=keys, how="inner").filter(
        (pl.col("total") - pl.col("summed")).abs() > tolerance
    )
    problems = [
        DataProblem(
            ProblemCode.UNKNOWN_VALUE,
            file,
            f"an all-ages total equal to the sum of single years ({_number(r['summed'])})",
            row=r["row"],
            column=r.get("column") or "All ages",
            value=_number(r["total"]),
        )
        for r in joined.iter_rows(named=True)
    ]
    return problems, joined.select(keys)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.3f}"


def empty_population() -> pl.DataFrame:
    """A population frame with no rows."""
    return pl.DataFrame(schema=POPULATION_SCHEMA)
