"""Where a home-care package fits: branches ranked by the extra travel and time it costs them.

The public nouns: `FitRequest` (a package: postcode district and calls),
`ProviderRounds` (a branch's rounds, `build_rounds` makes them from its running
packages), `DistrictTravel` (expected travel between postcode districts),
`rank` (a `Fit` per branch, best first) and `hard_to_serve`.

    fits = rank(request, rounds, travel)          # parameters: brokerage/data/fit.yaml
    if hard_to_serve(fits): ...
"""

from caremarket.brokerage.fit.geography import DistrictTravel
from caremarket.brokerage.fit.parameters import FitParameters, fit_parameters
from caremarket.brokerage.fit.provider_rounds import (
    Branch,
    ProviderRounds,
    RunningPackage,
    build_rounds,
)
from caremarket.brokerage.fit.rank import Fit, Uncovered, hard_to_serve, rank
from caremarket.brokerage.fit.request import FitRequest, RequestCall, daily_calls

__all__ = [
    "Branch",
    "DistrictTravel",
    "Fit",
    "FitParameters",
    "FitRequest",
    "ProviderRounds",
    "RequestCall",
    "RunningPackage",
    "Uncovered",
    "build_rounds",
    "daily_calls",
    "fit_parameters",
    "hard_to_serve",
    "rank",
]
