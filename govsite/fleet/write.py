"""Write a fleet's registry, truth and probe history to files a census run takes as input."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

from govsite.fleet.model import Fleet, FleetSite

# contract.md §1: the Chinese header names of SITES.csv, in the order of the English keys.
REGISTRY_HEADER = {
    "name": "网站名称",
    "site_code": "网站标识码",
    "url": "首页地址",
    "owner": "主办单位",
    "category": "单位类别",
    "kind": "网站类型",
    "status": "状态",
    "parent": "上级网站",
}
PROBES_HEADER = ("site_code", "url", "time", "ok", "elapsed_ms", "status", "error")


def registry_csv(fleet: Fleet) -> str:
    """The registry as CSV text with Chinese headers."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(REGISTRY_HEADER.values())
    for row in fleet.registry_rows:
        writer.writerow(row[key] for key in REGISTRY_HEADER)
    return buffer.getvalue()


def probes_csv(fleet: Fleet) -> str:
    """The probe history in the `--probes` CSV format of contract.md §1."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(PROBES_HEADER)
    for p in fleet.probes:
        status = "" if p.status is None else str(p.status)
        writer.writerow([p.site_code, p.url, p.time.isoformat(), int(p.ok), p.elapsed_ms, status,
                         p.error])
    return buffer.getvalue()


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def site_document(site: FleetSite) -> dict[str, Any]:
    """One site's facts in truth.json: its 栏目, 留言, and what the content rules should see
    (`content`: the planted wrong forms, the traps beside them, the hidden links)."""
    doc: dict[str, Any] = {
        "columns": [
            {"name": c.name, "url": c.url, "type": c.type, "newest": _day(c.newest),
             "first_level": c.first_level, "items": c.items, "pages": c.pages,
             "blank": c.blank}
            for c in site.columns
        ],
        "messages": [
            {"title": m.title, "date": m.date.isoformat(), "replied": _day(m.replied),
             "list_url": m.list_url, "detail_url": m.detail_url}
            for m in site.messages
        ],
    }
    facts = site.facts
    if facts is not None:
        doc.update({
            "home_newest": _day(facts.home_newest),
            "nav_only": facts.nav_only,
            "channel": {"kind": facts.channel_kind, "url": facts.channel_url},
            "service_entry": facts.service_entry,
            "guides": [{"url": g.url, "title": g.title, "missing": list(g.missing)}
                       for g in facts.guides],
            "search": None if facts.search is None else {
                "action": facts.search.action, "method": facts.search.method,
                "param": facts.search.param, "mode": facts.search.mode,
                "query": facts.search.query,
            },
            "content": {
                "planted": [{"rule": t.rule, "url": t.url, "wrong": t.wrong,
                             "correct": t.correct, "context": t.context} for t in facts.texts],
                "traps": [{"url": t.url, "text": t.text, "why": t.why} for t in facts.traps],
                "hidden": [{"url": h.url, "kind": h.kind, "target": h.target, "how": h.how}
                           for h in facts.hidden],
                "hidden_traps": list(facts.hidden_traps),
            },
        })
    return doc


def truth_document(fleet: Fleet) -> dict[str, Any]:
    """truth.json: expected findings, sites the census must call not_measured, and per-site
    facts (栏目, 留言, guides, search, planted texts and their traps, hidden links) behind the
    update, interaction, service, search and content findings."""
    return {
        "as_of": fleet.as_of.isoformat(),
        "findings": [
            {"site_code": t.site_code, "rule": t.rule, "url": t.url, "target": t.target,
             "note": t.note}
            for t in fleet.truth
        ],
        "not_measured": list(fleet.not_measured),
        "sites": {site.site_code: site_document(site) for site in fleet.sites},
    }


def write_fleet(fleet: Fleet, out_dir: Path) -> dict[str, Path]:
    """Write sites.csv (UTF-8), sites-gbk.csv (GBK), truth.json and probes.csv into out_dir."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {
        "sites": out_dir / "sites.csv",
        "sites_gbk": out_dir / "sites-gbk.csv",
        "truth": out_dir / "truth.json",
        "probes": out_dir / "probes.csv",
    }
    registry = registry_csv(fleet)
    paths["sites"].write_text(registry, encoding="utf-8", newline="")
    paths["sites_gbk"].write_text(registry, encoding="gbk", newline="")
    paths["truth"].write_text(
        json.dumps(truth_document(fleet), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    paths["probes"].write_text(probes_csv(fleet), encoding="utf-8", newline="")
    return paths
