"""ASC-FR (Adult Social Care Finance Return) dimensions and their declared code meanings.

The coded releases give each dimension (care type, age band, primary support
reason, support setting, purpose, carer support type, data type) as a number
whose meaning lives in NHS England's reference tables. Only the meanings
declared in `data/ascfr_reference.yaml`, with its source, are read: a code it
does not list stays a code and is reported, never guessed.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

# The canonical column each coded column of the release fills.
CODED_DIMENSIONS: dict[str, str] = {
    "CareType_KEY": "care_type",
    "AgeBand_KEY": "age_band",
    "PrimarySupportReason_KEY": "primary_support_reason",
    "SupportSetting_KEY": "support_setting",
    "Purpose_KEY": "purpose",
    "CarerSupportType_KEY": "carer_support_type",
    "DataType_KEY": "data_type",
}


@cache
def _declaration() -> dict[str, Any]:
    text = resources.files("caremarket.domain.data").joinpath("ascfr_reference.yaml")
    loaded: dict[str, Any] = yaml.safe_load(text.read_text(encoding="utf-8"))
    return loaded


def decode(column: str, code: str) -> str | None:
    """The declared meaning of a code of a coded column, or None if none is declared."""
    table = (_declaration().get("tables") or {}).get(column) or {}
    meaning = table.get(str(code))
    return None if meaning is None else str(meaning)


def undecoded(code: str) -> str:
    """How a code without a declared meaning is kept: `code 2`."""
    return f"code {code}"
