"""Converting between the data model (Site, SiteResult, Finding) and the store's rows.

One place for the field-by-field copying, so that a field added to the model is added to
its row here and nowhere else.
"""

from __future__ import annotations

from datetime import datetime

from govsite.findings import Finding, NotMeasuredNote
from govsite.probes import ProbeRecord
from govsite.results import Deduction, SiteResult
from govsite.sites import Site
from govsite.store.models import FindingRow, ProbeRow, Result, RunSite


def site_row(run_id: str, site: Site) -> RunSite:
    return RunSite(
        run_id=run_id,
        site_code=site.site_code,
        name=site.name,
        url=site.url,
        owner=site.owner,
        category=site.category,
        kind=site.kind,
        status=site.status,
        parent=site.parent,
        source_line=site.source_line,
    )


def site_from_row(row: RunSite) -> Site:
    return Site(
        name=row.name,
        site_code=row.site_code,
        url=row.url,
        owner=row.owner,
        category=row.category,
        kind=row.kind,
        status=row.status,
        parent=row.parent,
        source_line=row.source_line,
    )


def result_row(run_id: str, profile: str, result: SiteResult, created_at: datetime) -> Result:
    """The result without its findings (those are `finding_rows`)."""
    return Result(
        run_id=run_id,
        site_code=result.site.site_code,
        profile=profile,
        verdict=result.verdict,
        score=result.score,
        measured_score=result.measured_score,
        bonus=result.bonus,
        vetoes=list(result.vetoes),
        deductions=[d.to_json() for d in result.deductions],
        not_measured=[n.to_json() for n in result.not_measured],
        stats=dict(result.stats),
        facts=dict(result.facts),
        created_at=created_at,
    )


def finding_rows(run_id: str, profile: str, result: SiteResult) -> list[FindingRow]:
    """One row per finding; `idx` keeps the order that deductions' indexes point into."""
    return [
        FindingRow(
            run_id=run_id,
            site_code=result.site.site_code,
            profile=profile,
            idx=idx,
            rule=f.rule,
            url=f.url,
            target=f.target,
            detail=f.detail,
            evidence=dict(f.evidence),
            review=f.review,
        )
        for idx, f in enumerate(result.findings)
    ]


def finding_from_row(row: FindingRow) -> Finding:
    return Finding(
        rule=row.rule,
        url=row.url,
        detail=row.detail,
        target=row.target,
        evidence=dict(row.evidence),
        review=row.review,
    )


def site_result_from_rows(row: Result, site: RunSite, findings: list[Finding]) -> SiteResult:
    return SiteResult(
        site=site_from_row(site),
        verdict=row.verdict,
        score=row.score,
        measured_score=row.measured_score,
        bonus=row.bonus,
        vetoes=list(row.vetoes),
        deductions=[
            Deduction(
                rule=d["rule"],
                points=d["points"],
                count=d["count"],
                indicator=d["indicator"],
                indicator_zh=d["indicator_zh"],
                findings=tuple(d.get("findings", ())),
            )
            for d in row.deductions
        ],
        findings=findings,
        not_measured=[NotMeasuredNote(what=n["what"], why=n["why"]) for n in row.not_measured],
        stats=dict(row.stats),
        facts=dict(row.facts or {}),
    )


# Every column of `probes` a record carries (the key and `source` are set apart).
PROBE_FIELDS = ("kind", "time", "ok", "status", "error", "elapsed_ms", "dns_ms", "connect_ms",
                "tls_ms", "ttfb_ms", "bytes", "attempts", "detail")


def probe_values(record: ProbeRecord, source: str) -> dict[str, object]:
    """A probe as the column values of one `probes` row (for a bulk insert)."""
    values: dict[str, object] = {name: getattr(record, name) for name in PROBE_FIELDS}
    values.update(site_code=record.site_code, url=record.url, slot=record.slot_time,
                  detail=record.detail[:2000], source=source)
    return values


def probe_from_row(row: ProbeRow) -> ProbeRecord:
    return ProbeRecord(site_code=row.site_code, url=row.url, slot=row.slot,
                       **{name: getattr(row, name) for name in PROBE_FIELDS})
