"""The appendix: every release the figures came from (date and licence), the published
references behind rates and assumptions, and a definition of every metric used."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date

from caremarket.analysis import Gathered
from caremarket.domain.freshness import age_in_words, long_date, months_between
from caremarket.domain.release import Licence
from caremarket.metrics import Metric
from caremarket.metrics.definition import reader_definition
from caremarket.metrics.demand import prevalences
from caremarket.metrics.finance import assumptions
from caremarket.report.disclosure import DisclosurePolicy
from caremarket.report.formatting import unit_words
from caremarket.report.model import Definition, SourceEntry


def anchor(release_id: str) -> str:
    """The appendix anchor of a release: stable and safe in an id."""
    return "src-" + hashlib.sha1(release_id.encode()).hexdigest()[:10]


def release_sources(
    gathered: Gathered, extra: Iterable[tuple[str, str, object, str, str]] = ()
) -> list[SourceEntry]:
    """One entry per release gathered (oldest first), with what each was used for.

    `extra` adds releases read beside the metrics (boundaries, trend):
    (release_id, title, date, licence, file name + purpose).
    """
    purposes: dict[str, list[str]] = {}
    found: dict[str, SourceEntry] = {}
    for used in gathered.all_releases():
        purposes.setdefault(used.release_id, []).append(used.purpose)
        found.setdefault(
            used.release_id,
            SourceEntry(
                anchor(used.release_id),
                used.source_title,
                used.release_date,
                used.licence,
                used.file_name,
                synthetic=used.licence == Licence.SYNTHETIC.value,
                release_id=used.release_id,
            ),
        )
    for release_id, title, day, licence, detail in extra:
        if release_id in found:
            continue
        found[release_id] = SourceEntry(
            anchor(release_id),
            title,
            day,  # type: ignore[arg-type]
            licence,
            detail,
            synthetic=licence == Licence.SYNTHETIC.value,
            release_id=release_id,
        )
    entries = []
    for release_id, entry in found.items():
        used_for = ", ".join(dict.fromkeys(purposes.get(release_id, [])))
        detail = f"File {entry.detail}" + (f"; used for {used_for}" if used_for else "")
        as_of = gathered.inputs.as_of
        if isinstance(entry.date, date) and entry.date < as_of and used_for:
            age = age_in_words(months_between(entry.date, as_of))
            detail += f"; {age} older than the figures' date, {long_date(as_of)}"
        entries.append(
            SourceEntry(
                entry.anchor,
                entry.title,
                entry.date,
                entry.licence,
                detail,
                synthetic=entry.synthetic,
                release_id=release_id,
            )
        )
    return sorted(entries, key=lambda e: (e.date is None, e.date, e.title))


def references(policy: DisclosurePolicy | None) -> list[SourceEntry]:
    """Published references behind prevalence rates, finance assumptions and disclosure."""
    entries = [
        SourceEntry(
            f"ref-{name}",
            prevalence.reference,
            prevalence.source_date,
            "Published rates (cited)",
            f"{prevalence.label}. {prevalence.note}".strip(),
            url=prevalence.url,
        )
        for name, prevalence in prevalences().items()
    ]
    for name, entry in assumptions().items():
        entries.append(
            SourceEntry(
                f"ref-{name}",
                entry["reference"]["title"],
                entry["source_date"],
                "Published figure (cited)",
                f"{name.replace('_', ' ')}: {entry['value']} ({entry['unit']}). {entry['note']}",
                url=entry["reference"]["url"],
            )
        )
    if policy is not None:
        entries.append(
            SourceEntry(
                "ref-disclosure",
                policy.reference,
                policy.source_date,
                "Guidance (cited)",
                f"Small-number threshold {policy.threshold}. {policy.note}",
                url=policy.url,
            )
        )
    return entries


def definitions(metrics: Iterable[Metric]) -> list[Definition]:
    """The reader's definition of each metric used (from the metrics' definitions file), by
    label; a metric without one gets an empty description, which the tests refuse."""
    found = []
    for m in metrics:
        written = reader_definition(m.name)
        label = written.label if written is not None else m.label
        text = written.definition if written is not None else ""
        found.append(Definition(m.name, label, unit_words(m.unit), text))
    return sorted(found, key=lambda d: d.label.lower())
