"""Importing the platform's export: CSV (UTF-8, GBK) and XLSX, every error located, all or nothing."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from feedback.conftest import CITY_UNIT, COUNTY_UNIT, GOOD, HEADER, cst, write_csv
from govsite.feedback.importer import MessageFileError, read_messages
from govsite.feedback.model import (
    SOURCE_IMPORT,
    STATE_NEW,
    SUBMITTER_PUBLIC,
    SUBMITTER_SUPERVISOR,
    TYPE_BROKEN_LINK,
    TYPE_OTHER,
)

NOW = cst(2025, 10, 1, 8)
def check_good(messages) -> None:
    assert [m.external_id for m in messages] == ["ZC20250930001", "ZC20250930002", "ZC20250930003"]
    first, second, third = messages
    assert (first.unit, first.site_name, first.state, first.source) == (
        CITY_UNIT, "某市教育局", STATE_NEW, SOURCE_IMPORT)
    assert first.received_at == cst(2025, 9, 30, 9, 15)
    assert first.submitter_kind == SUBMITTER_PUBLIC
    assert first.reply_deadline == cst(2025, 10, 11, 23, 59, 59)
    assert (second.unit, second.msg_type, second.submitter_kind) == (
        COUNTY_UNIT, TYPE_BROKEN_LINK, SUBMITTER_SUPERVISOR)
    assert second.received_at == cst(2025, 9, 30, 10, 20)
    assert second.content == "首页“政务公开”链接打不开，显示404"
    assert second.close_deadline == cst(2025, 10, 21, 23, 59, 59)  # 10 working days
    assert (third.site_code, third.msg_type, third.submitter_kind, third.title) == (
        "bm12000001", TYPE_OTHER, SUBMITTER_PUBLIC, "")


def test_a_utf8_export_is_read_routed_and_dated(tmp_path: Path, router, policy) -> None:
    check_good(read_messages(write_csv(tmp_path / "export.csv", GOOD), router, policy=policy,
                             now=NOW))


def test_a_gbk_export_reads_the_same(tmp_path: Path, router, policy) -> None:
    path = write_csv(tmp_path / "export.csv", GOOD, encoding="gbk")
    check_good(read_messages(path, router, policy=policy, now=NOW))


def test_an_xlsx_export_with_date_cells_and_numeric_codes(tmp_path: Path, router, policy) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    sheet.append(["ZC20250930001", "某市教育局", 3301000002, "内容更新不及时", "栏目不更新",
                  "通知公告栏目半年未更新", "http://jyj.city.gov.cn/tzgg/",
                  datetime(2025, 9, 30, 9, 15), "网民", "待处理"])
    sheet.append(["ZC20250930002", "某县人民政府", "3301270001", "链接无法访问", "链接打不开",
                  "首页“政务公开”链接打不开，显示404", "http://www.county.gov.cn/",
                  "2025-09-30 10:20", "社会监督员", None])
    sheet.append(["ZC20250930003", "某部", "BM12000001", "其它", None, "页面有错别字", None,
                  "2025-09-30T11:00:00+08:00", None, None])
    path = tmp_path / "export.xlsx"
    book.save(path)
    check_good(read_messages(path, router, policy=policy, now=NOW))


def test_every_bad_row_is_reported_with_file_line_and_column(tmp_path: Path, router,
                                                             policy) -> None:
    path = write_csv(tmp_path / "export.csv", [
        GOOD[0],
        "ZC-2,某网站,3399999999,内容更新不及时,,内容,,2025-09-30 09:00,,",
        "ZC-3,某市教育局,3301000002,网站打不开,,内容,,昨天,,",
        "ZC20250930001,某市教育局,3301000002,其他,,内容,,2025-09-30 09:00,,",
        "ZC-5,某市教育局,3301000002,其他,,,jyj.city.gov.cn,2025-09-30 09:00,,",
        "ZC-6,某市教育局,3301000002,其他,,内容,,2099-01-01 00:00,记者,",
        "ZC-7,某市教育局,12345,其他,,内容,,2025-02-30 09:00,,",
    ])
    with pytest.raises(MessageFileError) as caught:
        read_messages(path, router, policy=policy, now=NOW)
    found = [(e.line, e.column, e.header) for e in caught.value.errors]
    assert found == [
        (3, "C", "网站标识码"),
        (4, "D", "问题类型"), (4, "H", "留言时间"),
        (5, "A", "留言编号"),
        (6, "F", "留言内容"), (6, "G", "问题页面"),
        (7, "H", "留言时间"), (7, "I", "留言人类型"),
        (8, "C", "网站标识码"), (8, "H", "留言时间"),
    ]
    text = str(caught.value)
    assert f"{path}:3: 网站标识码 (column C): 网站标识码 3399999999 不在网站名录中" in text
    assert "留言编号 ZC20250930001 与第2行重复" in text
    assert '"2099-01-01 00:00" 晚于当前时间' in text
    assert '"昨天" 不是有效的时间' in text and '"网站打不开" 不是有效的问题类型' in text
    assert '"2025-02-30 09:00" 不是有效的时间' in text


def test_a_missing_column_stops_at_the_header(tmp_path: Path, router, policy) -> None:
    path = tmp_path / "export.csv"
    path.write_text("留言编号,网站标识码,问题类型,留言内容\nZC-1,3301000002,其他,内容\n",
                    encoding="utf-8")
    with pytest.raises(MessageFileError, match=r"export.csv:1: 缺少必需列：留言时间（或 received_at）"):
        read_messages(path, router, policy=policy, now=NOW)


def test_english_headers_are_accepted(tmp_path: Path, router, policy) -> None:
    path = tmp_path / "export.csv"
    path.write_text("external_id,site_code,msg_type,content,received_at,submitter_kind\n"
                    "A-1,3301000003,其他,内容,2025-09-30 09:00,supervisor\n", encoding="utf-8")
    [message] = read_messages(path, router, policy=policy, now=NOW)
    assert (message.unit, message.submitter_kind) == (CITY_UNIT, SUBMITTER_SUPERVISOR)


def test_reimporting_the_same_file_adds_nothing(store, tmp_path: Path, router, policy) -> None:
    path = write_csv(tmp_path / "export.csv", GOOD)
    first = store.import_messages(read_messages(path, router, policy=policy, now=NOW), actor="导入")
    again = store.import_messages(read_messages(path, router, policy=policy, now=NOW), actor="导入")
    assert (first.added, first.skipped, again.added, again.skipped) == (3, 0, 0, 3)
    assert store.count_messages() == 3
