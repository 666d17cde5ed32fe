"""Rendering pages: one Jinja2 environment with autoescape on, and the context every page gets.

Autoescape is on for every template and nothing crawled is ever marked safe: a site name or
a finding's detail holding `<script>` is shown as text. The only Markup that reaches a page
is what this package builds itself (the SVG charts, escaped label by label).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, StrictUndefined

from govsite.feedback import is_approximate
from govsite.report.facts_view import site_facts, veto_reasons
from govsite.report.html_report import KIND_ZH, STATUS_ZH, VERDICT_ZH
from govsite.results import SiteResult
from govsite.rules.base import all_rules
from govsite.store.user_store import ROLE_UNIT, User
from govsite.web.audit import ACTION_ZH
from govsite.web.auth import session_user
from govsite.web.csrf import CSRF_FIELD, csrf_token
from govsite.web.data import FINDING_STATUS_ZH
from govsite.web.message_data import SOURCE_ZH, submitter_zh
from govsite.web.roles import ACCOUNTS, REVIEW, ROLE_ZH, VIEW_FLEET, can

CST = timezone(timedelta(hours=8))


@cache
def rule_names() -> dict[str, str]:
    return {r.meta.id: r.meta.name_zh for r in all_rules()}


def number(value: float | None) -> str:
    """86.5 → "86.5", 90.0 → "90", None → "—"."""
    return "—" if value is None else format(round(value, 2), "g")


def score_text(result: SiteResult) -> str:
    """The score; for an unmeasured verdict the measured part, marked provisional."""
    if result.score is not None:
        return number(result.score)
    if result.measured_score is not None:
        return f"（暂估）{number(result.measured_score)}"
    return "—"


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def ratio(value: float | None) -> str:
    """A share between 0 and 1 as a percentage (feedback.stats' rates): 0.5 → "50.0%"."""
    return "—" if value is None else f"{100 * value:.1f}%"


def days(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} 天"


def china_time(value: datetime | None) -> str:
    return "—" if value is None else value.astimezone(CST).strftime("%Y-%m-%d %H:%M")


def evidence_value(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def is_web_url(value: Any) -> bool:
    """Only http(s) URLs become links: a crawled `javascript:` href must stay text."""
    try:
        return isinstance(value, str) and urlsplit(value).scheme.lower() in ("http", "https")
    except ValueError:
        return False


def nav_items(user: User) -> list[tuple[str, str]]:
    """(path, label) of the menu: only what the role may open."""
    items = [("/", "总览")] if can(user, VIEW_FLEET) else [("/unit", "本单位网站")]
    items += [("/findings", "问题清单"), ("/compare", "运行对比"), ("/reviews", "复核记录"),
              ("/messages", "留言办理")]
    if can(user, VIEW_FLEET):
        items.append(("/opendata", "开放数据"))
    if can(user, ACCOUNTS):
        items += [("/admin/users", "账户管理"), ("/admin/audit", "审计日志")]
    return items


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("govsite.web", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(
        rule_name=lambda rule: rule_names().get(rule, rule),
        verdict_zh=lambda verdict: VERDICT_ZH.get(verdict, verdict),
        kind_zh=lambda kind: KIND_ZH.get(kind, kind),
        status_zh=lambda status: STATUS_ZH.get(status, status),
        role_zh=lambda role: ROLE_ZH.get(role, role),
        action_zh=lambda action: ACTION_ZH.get(action, action),
        finding_status_zh=lambda status: FINDING_STATUS_ZH.get(status, status),
        number=number, score_text=score_text, percent=percent, china_time=china_time,
        evidence_value=evidence_value, site_facts=site_facts, veto_reasons=veto_reasons,
        ratio=ratio, days=days, submitter_zh=submitter_zh,
        source_zh=lambda source: SOURCE_ZH.get(source, source),
    )
    env.tests["web_url"] = is_web_url
    env.tests["approximate"] = is_approximate
    return env


templates = Jinja2Templates(env=_environment())


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page with what every page needs: the user, their menu, the CSRF token for forms."""
    user = session_user(request)
    base = {
        "user": user,
        "nav": nav_items(user) if user else [],
        "csrf_field": CSRF_FIELD,
        "csrf_token": csrf_token(request),
        "can_review": bool(user and can(user, REVIEW)),
        "is_unit": bool(user and user.role == ROLE_UNIT),
        "path": request.url.path,
    }
    return templates.TemplateResponse(request, name, {**base, **context}, status_code=status_code)
