"""Registry loading: encodings, formats, headers, and every row error located exactly."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from govsite.registry import RegistryError, RowError, is_valid_site_code, load_registry
from govsite.sites import Site

ZH_HEADER = "网站名称,网站标识码,首页地址,主办单位,单位类别,网站类型,状态,上级网站"
GOOD_ROWS = [
    "北京市朝阳区人民政府,1101050001,http://www.bjchy.gov.cn/,朝阳区人民政府,区政府,门户,运行,",
    "朝阳区教育委员会,1101050002,https://jw.bjchy.gov.cn/,朝阳区教委,区政府部门,部门,关停,1101050001",
    "工业和信息化部,bm07000001,www.miit.gov.cn,工业和信息化部,国务院部门,部门,整合迁移,",
]


def write_csv(tmp_path: Path, lines: list[str], *, encoding: str = "utf-8") -> Path:
    path = tmp_path / "sites.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def only_error(path: Path) -> RowError:
    load = load_registry(path)
    assert len(load.errors) == 1, [str(e) for e in load.errors]
    return load.errors[0]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_every_encoding_gives_the_same_sites(tmp_path: Path, encoding: str) -> None:
    load = load_registry(write_csv(tmp_path, [ZH_HEADER, *GOOD_ROWS], encoding=encoding))
    assert load.errors == []
    assert load.sites == [
        Site(
            name="北京市朝阳区人民政府",
            site_code="1101050001",
            url="http://www.bjchy.gov.cn/",
            owner="朝阳区人民政府",
            category="区政府",
            kind="portal",
            status="running",
            source_line=2,
        ),
        Site(
            name="朝阳区教育委员会",
            site_code="1101050002",
            url="https://jw.bjchy.gov.cn/",
            owner="朝阳区教委",
            category="区政府部门",
            kind="department",
            status="closed",
            parent="1101050001",
            source_line=3,
        ),
        Site(
            name="工业和信息化部",
            site_code="bm07000001",
            url="http://www.miit.gov.cn",
            owner="工业和信息化部",
            category="国务院部门",
            kind="department",
            status="merged",
            source_line=4,
        ),
    ]


def test_english_headers_any_case_and_unknown_columns_ignored(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        [
            "Name,SITE_CODE,url,remark,kind,status",
            "Chaoyang,1101050001,http://www.bjchy.gov.cn/,anything,Portal,RUNNING",
            "MIIT,BM07000001,https://www.miit.gov.cn/,,department,",
        ],
    )
    load = load_registry(path)
    assert load.errors == []
    assert [(s.site_code, s.kind, s.status, s.owner) for s in load.sites] == [
        ("1101050001", "portal", "running", ""),
        ("bm07000001", "department", "running", ""),
    ]


def test_xlsx_rows_are_spreadsheet_rows_and_numbers_become_codes(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["网站名称", "网站标识码", "首页地址", "网站类型"])
    sheet.append(["北京市朝阳区人民政府", 1101050001, "http://www.bjchy.gov.cn/", "门户"])
    sheet.append([])  # row 3 blank: skipped, but row numbers stay the spreadsheet's
    sheet.append(["坏标识码", "12345", "http://bad.gov.cn/", "部门"])
    sheet.append(["\u3000海淀区人民政府 ", 1101080001.0, " www.bjhd.gov.cn ", None])
    book.create_sheet("第二页").append(["ignored"])
    path = tmp_path / "sites.xlsx"
    book.save(path)

    load = load_registry(path)
    assert [(s.name, s.site_code, s.url, s.source_line) for s in load.sites] == [
        ("北京市朝阳区人民政府", "1101050001", "http://www.bjchy.gov.cn/", 2),
        ("海淀区人民政府", "1101080001", "http://www.bjhd.gov.cn", 5),
    ]
    assert [str(e) for e in load.errors] == [
        f'{path}:4: 网站标识码 (column B): "12345" 不是有效的网站标识码（应为10位数字或bm+8位数字）'
    ]


def test_bad_code_error_names_file_line_and_column(tmp_path: Path) -> None:
    lines = [ZH_HEADER, *GOOD_ROWS, "", "", "某单位,12345,http://x.gov.cn/,,,,,"]
    err = only_error(write_csv(tmp_path, lines))
    assert (err.line, err.column, err.header) == (7, "B", "网站标识码")
    assert str(err).endswith(
        'sites.csv:7: 网站标识码 (column B): "12345" '
        "不是有效的网站标识码（应为10位数字或bm+8位数字）"
    )


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        (",1101050009,http://a.gov.cn/", "A", "不能为空"),
        ("某站,,http://a.gov.cn/", "B", "不能为空"),
        ("某站,1101050009,", "C", "不能为空"),
        (
            "某站,9901050009,http://a.gov.cn/",
            "B",
            '"9901050009" 的前6位 990105 不是有效的行政区划代码（GB/T 2260）',
        ),
        (
            "某站,0000000000,http://a.gov.cn/",
            "B",
            '"0000000000" 的前6位 000000 不是有效的行政区划代码（GB/T 2260）',
        ),
        (
            "某站,bm0700001,http://a.gov.cn/",
            "B",
            '"bm0700001" 不是有效的网站标识码（应为10位数字或bm+8位数字）',
        ),
        (
            "某站,1101050009,ftp://a.gov.cn/",
            "C",
            '"ftp://a.gov.cn/" 不是有效的首页地址（应为 http:// 或 https:// 网址）',
        ),
        (
            "某站,1101050009,http://a.gov.cn/x y",
            "C",
            '"http://a.gov.cn/x y" 不是有效的首页地址（应为 http:// 或 https:// 网址）',
        ),
        (
            "某站,1101050009,http://a.gov.cn:99999/",
            "C",
            '"http://a.gov.cn:99999/" 不是有效的首页地址（应为 http:// 或 https:// 网址）',
        ),
        (
            "某站,1101050009,http://a.gov.cn/,,,门户网站x,",
            "F",
            '"门户网站x" 不是有效的网站类型（可选：门户/portal、部门/department、其他/other）',
        ),
        (
            "某站,1101050009,http://a.gov.cn/,,,,停运",
            "G",
            '"停运" 不是有效的状态（可选：运行/running、关停/closed、整合迁移/merged）',
        ),
        ("某站,1101050001,http://a.gov.cn/", "B", '网站标识码 "1101050001" 与第2行重复'),
        (
            "某站,1101050009,HTTPS://WWW.BJCHY.GOV.CN",
            "C",
            '首页地址 "HTTPS://WWW.BJCHY.GOV.CN" 与第2行重复',
        ),
    ],
)
def test_each_row_error_is_located(tmp_path: Path, row: str, column: str, reason: str) -> None:
    path = write_csv(
        tmp_path,
        ["网站名称,网站标识码,首页地址,主办单位,单位类别,网站类型,状态", GOOD_ROWS[0], row],
    )
    load = load_registry(path)
    assert [(e.line, e.column, e.reason) for e in load.errors] == [(3, column, reason)]
    assert [s.site_code for s in load.sites] == ["1101050001"]


def test_every_problem_in_a_row_is_reported_and_the_row_skipped(tmp_path: Path) -> None:
    load = load_registry(write_csv(tmp_path, [ZH_HEADER, "某站,123,mailto:x@y,,,未知,未知,"]))
    assert load.sites == []
    assert [e.column for e in load.errors] == ["B", "C", "F", "G"]


def test_duplicate_of_a_rejected_row_is_still_a_duplicate(tmp_path: Path) -> None:
    load = load_registry(
        write_csv(
            tmp_path,
            [
                "网站名称,网站标识码,首页地址",
                ",1101050001,http://a.gov.cn/",
                "乙,1101050001,http://b.gov.cn/",
            ],
        )
    )
    assert [(e.line, e.reason) for e in load.errors] == [
        (2, "不能为空"),
        (3, '网站标识码 "1101050001" 与第2行重复'),
    ]


def test_quoted_multiline_cell_reports_the_line_where_the_record_starts(tmp_path: Path) -> None:
    load = load_registry(
        write_csv(
            tmp_path,
            [
                "网站名称,网站标识码,首页地址,主办单位",
                '甲,1101050001,http://a.gov.cn/,"朝阳区',
                '人民政府"',
                "乙,bad,http://b.gov.cn/,",
            ],
        )
    )
    assert load.sites[0].owner == "朝阳区\r\n人民政府"
    assert [(e.line, e.column) for e in load.errors] == [(4, "B")]


def test_missing_required_column_is_a_file_error(tmp_path: Path) -> None:
    path = write_csv(tmp_path, ["网站名称,主办单位", "甲,朝阳区"])
    err = only_error(path)
    assert (err.line, err.column) == (1, "")
    assert str(err) == f"{path}:1: 缺少必需列：网站标识码（或 site_code）、首页地址（或 url）"
    assert load_registry(path).sites == []


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.csv", b"\r\n\r\n", "文件为空，没有表头"),
        ("old.xls", b"\xd0\xcf\x11\xe0", "不支持旧版 .xls 格式，请另存为 .xlsx 或 CSV"),
        ("bad.xlsx", b"not a zip", None),
    ],
)
def test_unreadable_files_are_file_errors(
    tmp_path: Path, name: str, content: bytes, reason: str | None
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    err = only_error(path)
    assert err.column == ""
    assert reason is None or err.reason == reason


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.csv"
    assert str(only_error(path)) == f"{path}: 文件不存在"


def test_strict_mode_raises_with_every_error(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [ZH_HEADER, *GOOD_ROWS, "甲,123,http://a.gov.cn/,,,,,", "乙,,,"])
    with pytest.raises(RegistryError) as info:
        load_registry(path, strict=True)
    assert [(e.line, e.column) for e in info.value.errors] == [(5, "B"), (6, "B"), (6, "C")]
    assert f"{path}:5: 网站标识码 (column B)" in str(info.value)


def test_strict_mode_returns_a_clean_file(tmp_path: Path) -> None:
    load = load_registry(write_csv(tmp_path, [ZH_HEADER, *GOOD_ROWS]), strict=True)
    assert len(load.sites) == 3 and load.errors == []


@pytest.mark.parametrize(
    ("code", "ok"),
    [
        ("1101050001", True),
        ("5107810033", True),
        ("8100000001", True),
        ("bm29000002", True),
        ("7100000001", True),
        ("6600000001", False),
        ("1001050001", False),
        ("BM29000002", False),
        ("110105000", False),
        ("11010500011", False),
    ],
)
def test_is_valid_site_code(code: str, ok: bool) -> None:
    assert is_valid_site_code(code) is ok
