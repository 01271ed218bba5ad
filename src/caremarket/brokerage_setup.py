"""Setting the brokerage workflow up from the store: the council's home-care providers on the
framework, serving the postcode districts of their running service agreements, and the
people on its interim care list as open requests.

Safe to run again: providers are updated in place, and a person who already holds a request
is not opened twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from caremarket.brokerage.workflow.lifecycle import Actor, Party
from caremarket.brokerage.workflow.need import Need
from caremarket.brokerage.workflow.postgres import WorkflowStore
from caremarket.brokerage.workflow.waiting_list import read_waiting
from caremarket.domain.area import Area
from caremarket.domain.sector import Sector
from caremarket.store.store import Store

RUNNING_HOME_CARE = """
WITH agreements AS (
    SELECT * FROM service_agreement
    WHERE la_code = ? AND release_id = (
        SELECT r.release_id FROM release r JOIN service_agreement s USING (release_id)
        WHERE s.la_code = ? AND r.release_date <= ?
        ORDER BY r.release_date DESC, r.loaded_at DESC LIMIT 1)
), locations AS (
    SELECT l.location_id, l.provider_id, l.name FROM location l
    WHERE l.release_id = (
        SELECT r.release_id FROM release r JOIN release_coverage c USING (release_id)
        WHERE r.source_id LIKE 'cqc_%' AND c.la_code = ? AND r.release_date <= ?
          AND EXISTS (SELECT 1 FROM location x WHERE x.release_id = r.release_id)
        ORDER BY r.release_date DESC, r.loaded_at DESC LIMIT 1)
)
SELECT coalesce(nullif(a.provider_id, ''), l.provider_id) AS provider_id,
       min(coalesce(p.name, l.name)) AS name,
       list(DISTINCT upper(replace(a.postcode_district, ' ', ''))
            ORDER BY upper(replace(a.postcode_district, ' ', ''))) AS districts
FROM agreements a
LEFT JOIN locations l ON l.location_id = a.cqc_location_id
LEFT JOIN provider p ON p.provider_id = l.provider_id
    AND p.release_id = (SELECT max(release_id) FROM provider q WHERE q.provider_id = l.provider_id)
WHERE a.sector = ? AND a.start_date <= ? AND (a.end_date IS NULL OR a.end_date >= ?)
  AND a.postcode_district IS NOT NULL
  AND coalesce(nullif(a.provider_id, ''), l.provider_id) IS NOT NULL
GROUP BY 1 ORDER BY 1
"""


@dataclass(frozen=True, slots=True)
class FrameworkProvider:
    """A home-care provider the council brokers with, and the districts it serves today."""

    provider_id: str
    name: str
    districts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Opened:
    """What setting the workflow up did."""

    providers: int
    waiting: int
    """People on the list still waiting."""
    opened: tuple[Need, ...]
    """The requests opened now (people already holding one are not opened again)."""

    @property
    def already(self) -> int:
        """People waiting who already held a request."""
        return self.waiting - len(self.opened)


def framework_providers(store: Store, council: Area, as_of: date) -> list[FrameworkProvider]:
    """Providers with a running home-care agreement on a day, with its postcode districts."""
    found = store.query(
        RUNNING_HOME_CARE,
        [council.code, council.code, as_of, council.code, as_of,
         Sector.HOME_CARE.value, as_of, as_of],
    )  # fmt: skip
    return [
        FrameworkProvider(row["provider_id"], row["name"] or row["provider_id"],
                          tuple(row["districts"]))
        for row in found.to_dicts()
    ]  # fmt: skip


def open_waiting(
    workflow: WorkflowStore,
    providers: list[FrameworkProvider],
    care_list: Path,
    *,
    principals: dict[str, str] | None = None,
    broker: str = "import-waiting",
) -> Opened:
    """Register the providers (and any zones' principal providers), then open a request for
    every person on the interim care list still waiting (the `brokerage import-waiting` path);
    DataProblemError, and nothing imported, when a row is wrong."""
    needs = read_waiting(care_list)
    for provider in providers:
        workflow.register_provider(provider.provider_id, provider.name,
                                   districts=provider.districts)  # fmt: skip
    for zone, provider_id in (principals or {}).items():
        workflow.set_principal(zone, provider_id)
    opened = workflow.import_waiting(needs, Actor(broker, Party.BROKER))
    return Opened(len(providers), len(needs), tuple(opened))
