"""The HTML circular: self-contained, escaped, the same text as the other formats."""

from __future__ import annotations

import re

import pytest

from govsite.report.circular import assert_no_placeholders
from govsite.report.circular.document import percent_text
from govsite.report.circular.html_writer import visible_text

from .conftest import HOSTILE


@pytest.fixture(scope="module")
def page(written) -> str:
    return written["html"].read_text(encoding="utf-8")


def test_hostile_names_stay_text(page) -> None:
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;区市场监管局网站" in page
    assert HOSTILE in visible_text(page)


def test_self_contained_under_a_strict_policy(page) -> None:
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert "default-src 'none'" in policy and "img-src data:" in policy
    assert "script-src" not in policy  # no script is allowed at all
    assert len(re.findall(r'<img src="data:image/png;base64,', page)) == 3
    assert not re.search(r'(src|href)="https?:', page)
    assert "@page { size: A4" in page


def test_same_text_and_tables(page, expected) -> None:
    text = visible_text(page)
    assert "关于2026年第三季度政府网站检查情况的通报" in text
    assert f"总体合格率为{percent_text(expected.pass_rate)}。" in text
    assert "并列第3名" in text
    for p in expected.problem_sites:
        assert p.site_code in text
    assert page.count("<table>") == 4
    assert page.count('<section class="attachment"') == 4
    assert "海德区政府网站管理中心" in text and "2026年10月15日" in text


def test_no_placeholder_in_the_page(page) -> None:
    assert_no_placeholders(visible_text(page))
