"""Quality early warning: which services are at risk of a worse CQC rating, and why.

Pure analytics over rating histories handed in (no store, ingest, web or
command line): declared features (`features`), the model and its baselines
(`model`), the backtest (`backtest`, `evaluation`), the warning as at a date
with its watch lists (`risk`), and local assessments beside CQC (`assessments`).
"""

from caremarket.quality.backtest import BacktestResult, run_backtest
from caremarket.quality.features import FEATURES, Feature, features_at
from caremarket.quality.history import Histories, InputRule, prepare
from caremarket.quality.parameters import WarningParameters, warning_parameters
from caremarket.quality.risk import WATCH_LISTS, NotEnoughHistory, Warning, warn

__all__ = [
    "FEATURES",
    "WATCH_LISTS",
    "BacktestResult",
    "Feature",
    "Histories",
    "InputRule",
    "NotEnoughHistory",
    "Warning",
    "WarningParameters",
    "features_at",
    "prepare",
    "run_backtest",
    "warn",
    "warning_parameters",
]
