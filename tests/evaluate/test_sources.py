"""Imported source scores: encodings, XLSX, and every problem located and reported at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from govsite.evaluate.sources import SheetError, load_source_scores
from govsite.registry import RowError


def write_csv(tmp_path: Path, lines: list[str], *, encoding: str = "utf-8") -> Path:
    path = tmp_path / "public.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def write_xlsx(tmp_path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    path = tmp_path / "public.xlsx"
    book.save(path)
    return path


def errors_of(path: Path) -> list[RowError]:
    with pytest.raises(SheetError) as exc:
        load_source_scores(path)
    return exc.value.errors


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_with_chinese_headers_in_utf8_and_gbk(tmp_path: Path, encoding: str) -> None:
    path = write_csv(tmp_path, ["网站名称,网站标识码,得分,备注",
                                "浦东新区人民政府,3101150001,92.5,公众评议第一",
                                "工业和信息化部,BM07000001,80,"], encoding=encoding)
    assert load_source_scores(path) == {"3101150001": 92.5, "bm07000001": 80.0}


def test_english_headers_in_any_case(tmp_path: Path) -> None:
    path = write_csv(tmp_path, ["Site_Code,SCORE", "3101150001,0", "3101150002,100"])
    assert load_source_scores(path) == {"3101150001": 0.0, "3101150002": 100.0}


def test_xlsx_with_numeric_cells(tmp_path: Path) -> None:
    # Excel turns a typed site code into a number; blank rows carry nothing.
    path = write_xlsx(tmp_path, [["网站标识码", "得分"], [3101150001, 88.25], [], ["3101150002", 70]])
    assert load_source_scores(path) == {"3101150001": 88.25, "3101150002": 70.0}


def test_every_row_error_is_reported_with_file_line_and_column(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [
        "网站标识码,网站名称,得分",
        "3101150001,甲,90",
        "3101150002,乙,九十",       # not a number
        "3101150003,丙,100.5",      # out of range
        "3101150001,甲again,80",    # duplicate code
        "12345,丁,70",              # bad code
        "3101150004,戊,",           # blank score
        "3101150005,己,-1",         # negative
    ])
    errors = errors_of(path)
    assert [(e.line, e.column, e.header) for e in errors] == [
        (3, "C", "得分"), (4, "C", "得分"), (5, "A", "网站标识码"), (6, "A", "网站标识码"),
        (7, "C", "得分"), (8, "C", "得分")]
    assert all(e.file == str(path) for e in errors)
    assert str(errors[0]) == f'{path}:3: 得分 (column C): "九十" 不是数字'
    assert "0 至 100" in errors[1].reason and "第2行重复" in errors[2].reason
    assert "不能为空" in errors[4].reason


def test_xlsx_errors_name_the_spreadsheet_row_and_letter(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path, [["备注", "score", "site_code"], ["", 101, "3101150001"],
                                 ["", 50, "3101150001"]])
    errors = errors_of(path)
    assert [(e.line, e.column, e.header) for e in errors] == [(2, "B", "score"), (3, "C", "site_code")]


def test_unknown_and_missing_headers_are_named(tmp_path: Path) -> None:
    errors = errors_of(write_csv(tmp_path, ["网站标识码,分数", "3101150001,90"]))
    assert [(e.line, e.column, e.header) for e in errors[:1]] == [(1, "B", "分数")]
    assert "未知的列" in errors[0].reason
    assert "缺少必需列：得分（或 score）" in errors[1].reason
    errors = errors_of(write_csv(tmp_path, ["网站标识码,得分,得分", "3101150001,90,80"]))
    assert (errors[0].column, errors[0].reason) == ("C", "与前面的列重复")


def test_empty_and_missing_files(tmp_path: Path) -> None:
    (empty := tmp_path / "empty.csv").write_bytes(b"")
    assert "文件为空" in errors_of(empty)[0].reason
    assert errors_of(tmp_path / "none.csv")[0].reason == "文件不存在"
