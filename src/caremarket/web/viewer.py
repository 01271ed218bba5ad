"""Who is asking: a role, and for providers the provider they speak for."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """What a viewer may see.

    - public: aggregates only, small numbers suppressed;
    - provider: also its own locations' data and the market signals for providers;
    - council: everything, including the interim care list and personal data.
    """

    PUBLIC = "public"
    PROVIDER = "provider"
    COUNCIL = "council"


@dataclass(frozen=True, slots=True)
class Viewer:
    """The signed-in user (or the anonymous public) behind a request."""

    role: Role = Role.PUBLIC
    name: str | None = None
    user_id: int | None = None
    provider_id: str | None = None

    @property
    def is_council(self) -> bool:
        """Whether the viewer may see personal data."""
        return self.role is Role.COUNCIL

    @property
    def suppressed(self) -> bool:
        """Whether small numbers are hidden from the viewer."""
        return self.role is not Role.COUNCIL

    def owns(self, provider_id: str | None) -> bool:
        """Whether the viewer is the provider with this id."""
        return (
            self.role is Role.PROVIDER
            and provider_id is not None
            and provider_id == self.provider_id
        )


PUBLIC = Viewer()
