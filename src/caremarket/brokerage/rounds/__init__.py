"""Home-care rounds: which carer visits whom, when and in what order.

The public nouns: `Problem` (visits, carers, places, travel), `solve` (returns a
`Plan`), `check` (an independent `Report` on any plan) and the stopping criteria.
"""

from caremarket.brokerage.rounds.check import Report, check
from caremarket.brokerage.rounds.plan import Call, Plan, Route, Unplaced
from caremarket.brokerage.rounds.problem import (
    Break,
    Carer,
    Gap,
    Need,
    Place,
    Problem,
    Visit,
    Weights,
)
from caremarket.brokerage.rounds.solve import solve
from caremarket.brokerage.rounds.stop import MaxIterations, MaxRuntime

__all__ = [
    "Break",
    "Call",
    "Carer",
    "Gap",
    "MaxIterations",
    "MaxRuntime",
    "Need",
    "Place",
    "Plan",
    "Problem",
    "Report",
    "Route",
    "Unplaced",
    "Visit",
    "Weights",
    "check",
    "solve",
]
