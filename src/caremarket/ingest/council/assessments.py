"""Local quality assessments: ratings in the council's scale, counted in CQC's words."""

from __future__ import annotations

import polars as pl

from caremarket.ingest import cells
from caremarket.ingest.council.context import CouncilContext
from caremarket.ingest.council.reader import Checked, TemplateAdapter
from caremarket.ingest.council.templates import LOCAL_ASSESSMENTS
from caremarket.ingest.problem import DataProblem, ProblemCode
from caremarket.ingest.workbook import RawTable


class LocalAssessmentsAdapter(TemplateAdapter):
    """Reads local assessments; maps each rating through its scale to a CQC rating."""

    def __init__(self) -> None:
        super().__init__(LOCAL_ASSESSMENTS)

    def finish(
        self, table: RawTable, checked: Checked, context: CouncilContext
    ) -> tuple[pl.DataFrame, list[DataProblem]]:
        """Check each scale is known and each rating is one of its scale's words."""
        frame = checked.frame.with_columns(
            pl.col("scale").str.strip_chars().str.to_lowercase(),
            rating_as_given=pl.col("rating").str.strip_chars(),
        )
        problems = list(checked.problems)
        scale_names = ", ".join(sorted(context.scales))
        unknown_scale = ~frame["scale"].is_in(list(context.scales))
        problems += cells.problems_where(
            table,
            "scale",
            unknown_scale,
            cells.text(table, "scale"),
            ProblemCode.UNKNOWN_VALUE,
            f"one of the scales: {scale_names} (declare others under `scales` in council.yaml)",
        )
        ratings: list[str | None] = []
        bad: list[bool] = []
        expected: dict[int, str] = {}
        for index, (scale, word) in enumerate(frame.select("scale", "rating_as_given").iter_rows()):
            words = context.scales.get(scale or "")
            key = (word or "").lower()
            known = words is not None and key in words
            ratings.append(words[key] if words is not None and known else None)
            unknown = words is not None and word is not None and not known
            bad.append(unknown)
            if unknown and words is not None:
                expected[index] = f"a rating in the {scale} scale: " + ", ".join(words)
        for index in [i for i, b in enumerate(bad) if b]:
            problems.append(
                DataProblem(
                    ProblemCode.UNKNOWN_RATING,
                    table.file,
                    expected[index],
                    row=table.file_row(index),
                    column="rating",
                    value=frame["rating_as_given"][index],
                )
            )
        return frame.with_columns(pl.Series("rating", ratings, pl.String)), problems
