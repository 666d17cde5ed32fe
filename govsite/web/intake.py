"""The public 我为政府网站找错 form's rules: what a report must hold, and how often one may come.

Anyone may report, without an account or a captcha (the national platform's form asks for
neither), so the form is held to what a report needs and no more: a registered running site,
a problem type, the page (an http(s) URL), a description of bounded length and an optional
contact. Flooding is slowed per client address (`IntakePolicy`); forgery is stopped by the
CSRF token bound to the visitor's anonymous session, like every other form of the application.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from govsite.feedback import MESSAGE_TYPES
from govsite.sites import Site

MAX_URL = 2048
MAX_CONTENT = 2000
MAX_CONTACT = 100


@dataclass(frozen=True)
class IntakePolicy:
    """Reports accepted from one client address: `max_reports` in any `window_s` seconds."""

    max_reports: int = 5
    window_s: float = 600.0


@dataclass(frozen=True)
class Report:
    """A report as typed, trimmed; `errors` maps a field to what is wrong with it (Chinese)."""

    site_code: str
    msg_type: str
    page_url: str
    content: str
    contact: str
    errors: dict[str, str]


def is_page_url(url: str) -> bool:
    """An absolute http(s) URL with a host: what a page of a government website has."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname) and not any(
        c.isspace() for c in url)


def check_report(sites: list[Site], *, site_code: str, msg_type: str, page_url: str,
                 content: str, contact: str) -> Report:
    """The report with every problem found (all at once, so the visitor fixes them in one go)."""
    report = Report(site_code.strip(), msg_type.strip(), page_url.strip(), content.strip(),
                    contact.strip(), {})
    errors = report.errors
    if report.site_code not in {s.site_code for s in sites}:
        errors["site_code"] = "请选择网站"
    if report.msg_type not in MESSAGE_TYPES:
        errors["msg_type"] = "请选择问题类型"
    if not is_page_url(report.page_url) or len(report.page_url) > MAX_URL:
        errors["page_url"] = f"请填写出错页面的网址（以 http:// 或 https:// 开头，不超过 {MAX_URL} 个字符）"
    if not report.content:
        errors["content"] = "请描述发现的问题"
    elif len(report.content) > MAX_CONTENT:
        errors["content"] = f"问题描述不超过 {MAX_CONTENT} 字（现为 {len(report.content)} 字）"
    if len(report.contact) > MAX_CONTACT:
        errors["contact"] = f"联系方式不超过 {MAX_CONTACT} 个字符"
    for name in ("page_url", "content", "contact"):
        if "\x00" in getattr(report, name):
            errors[name] = "含有无效字符"
    return report
