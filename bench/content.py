"""Throughput of the content checks on generated official-style text (issue 4's bar).

    .venv/bin/python bench/content.py [--mb 50] [--pages-per-site 40]

Generates at least `--mb` megabytes (UTF-8) of 公文-style prose from phrase pools written for
this benchmark, wraps it in pages of generated sites (a shared nav and footer per site, as on
real portals), and measures:

- lexicon matching alone: the lexicon automaton (严重表述错误, 错别字词表, 违规内容 and the
  allow phrases) plus its context filters, over the already-normalized text blocks;
- the full content pipeline: the four content rules through the rule runner on each site's
  snapshot — HTML parsing, block extraction and de-duplication, normalisation, lexicon
  matching, the confusion-set typo detector and the hidden-link check.

Prints a table and writes bench/out/content.json. The one-off start-up (jieba's dictionary, the
typo automaton) is timed separately and not counted in the rates.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import time
from datetime import date
from pathlib import Path

from govsite.content.lexicon import package_lexicons
from govsite.content.matcher import matcher_for
from govsite.content.normalize import normalize
from govsite.content.text import page_blocks
from govsite.content.typo import confusion_index
from govsite.rules.base import RuleContext, all_rules, judge
from govsite.sites import Site
from govsite.snapshot import Page, SiteSnapshot

OUT = Path(__file__).parent / "out" / "content.json"

SUBJECTS = (
    "各地区各部门",
    "区政府各委办局",
    "全区各级党组织",
    "各街道办事处",
    "市委市政府",
    "区委区政府",
    "各有关单位",
    "各镇人民政府",
    "市发展和改革委员会",
    "区人力资源和社会保障局",
    "区住房和城乡建设委员会",
    "区市场监督管理局",
    "区生态环境局",
    "区卫生健康委员会",
    "区教育委员会",
    "区应急管理局",
)
VERBS = (
    "深入贯彻落实",
    "认真学习贯彻",
    "扎实推进",
    "加快推动",
    "全面落实",
    "持续深化",
    "统筹推进",
    "切实抓好",
    "不断完善",
    "大力实施",
    "进一步加强",
    "稳步推进",
    "着力提升",
    "严格落实",
    "认真组织实施",
)
OBJECTS = (
    "党中央、国务院决策部署",
    "乡村振兴战略",
    "营商环境优化提升行动",
    "民生实事项目",
    "安全生产责任制",
    "生态环境保护督察整改任务",
    "政务服务“一网通办”改革",
    "基层治理体系建设",
    "城市更新行动",
    "就业优先政策",
    "养老服务体系建设",
    "义务教育优质均衡发展",
    "重大项目建设",
    "疫情防控各项措施",
    "河长制湖长制工作",
    "政府信息公开工作",
    "法治政府建设",
    "党风廉政建设和反腐败工作",
    "防汛抗旱各项准备工作",
    "减税降费政策",
)
TAILS = (
    "确保各项任务落到实处",
    "推动工作取得新成效",
    "不断增强人民群众获得感、幸福感、安全感",
    "为全面建设社会主义现代化国家贡献力量",
    "切实维护人民群众生命财产安全",
    "形成工作合力",
    "确保按期完成年度目标任务",
    "以实际行动推动高质量发展",
    "持续优化服务水平",
)
MEETINGS = (
    "区政府常务会议",
    "专题工作会议",
    "全区安全生产工作会议",
    "党组理论学习中心组学习会",
    "工作推进会",
)
PLANTED = (
    "会议要求，要认真落实工作布署，",
    "截止目前，",
    "要深入学习贯彻习近乎新时代中国特色社会主义思想，",
    "严厉打击网络赌博违法犯罪活动，",
    "加强统愁协调，",
)


def sentence(rng: random.Random, year: int) -> str:
    kind = rng.random()
    if kind < 0.25:
        return (
            f"{year}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日，{rng.choice(SUBJECTS)}召开"
            f"{rng.choice(MEETINGS)}，研究部署{rng.choice(OBJECTS)}。"
        )
    if kind < 0.35:
        return (
            f"截至{year}年{rng.randint(1, 12)}月底，全区累计完成投资"
            f"{rng.randint(10, 900)}.{rng.randint(0, 9)}"
            f"亿元，同比增长{rng.randint(1, 30)}.{rng.randint(0, 9)}%，{rng.choice(TAILS)}。"
        )
    lead = rng.choice(PLANTED) if rng.random() < 0.002 else ""
    return f"{lead}{rng.choice(SUBJECTS)}要{rng.choice(VERBS)}{rng.choice(OBJECTS)}，{rng.choice(TAILS)}。"


def article(rng: random.Random, chars: int) -> list[str]:
    paragraphs, size = [], 0
    while size < chars:
        para = "".join(sentence(rng, rng.randint(2019, 2026)) for _ in range(rng.randint(2, 6)))
        paragraphs.append(para)
        size += len(para)
    return paragraphs


def site_pages(rng: random.Random, n: int, pages: int, chars: int) -> tuple[Site, list[Page]]:
    host = f"www.bench{n}.gov.cn"
    site = Site(
        name=f"测试区{n}人民政府",
        site_code=f"{1101000000 + n}",
        url=f"http://{host}/",
        kind="portal",
        category="区政府",
    )
    nav = "".join(
        f'<li><a href="/{c}/">{t}</a></li>'
        for c, t in (
            ("xwzx", "新闻中心"),
            ("zwgk", "政务公开"),
            ("zwfw", "政务服务"),
            ("hdjl", "互动交流"),
            ("ztzl", "专题专栏"),
        )
    )
    menu = (
        '<div class="sub" style="display:none"><a href="/zwgk/zcwj/">政策文件</a>'
        '<a href="/zwgk/tzgg/">通知公告</a></div>'
    )
    foot = (
        f'<div class="footer"><p>主办单位：{site.name}办公室 网站标识码：{site.site_code}</p>'
        "<p>京ICP备05060933号 地址：北京市某区某路1号 电话：010-12345678</p></div>"
    )
    out = []
    for i in range(pages):
        body = "".join(f"<p>{p}</p>" for p in article(rng, chars))
        html = (
            f'<html><head><meta charset="utf-8"><title>{rng.choice(MEETINGS)}召开 - {site.name}'
            f'</title></head><body><ul class="nav">{nav}</ul>{menu}<div class="article">'
            f"<h1>关于{rng.choice(OBJECTS)}的通知</h1>"
            f"{body}</div>{foot}</body></html>"
        )
        url = site.url if i == 0 else f"{site.url}xwzx/{i}.html"
        out.append(
            Page(
                url=url,
                final_url=url,
                status=200,
                fetched_at="2026-11-23T10:00:00+08:00",
                content_type="text/html",
                html=html,
            )
        )
    return site, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=50.0)
    parser.add_argument("--pages-per-site", type=int, default=40)
    parser.add_argument("--chars-per-page", type=int, default=6000)
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()

    started = time.perf_counter()
    confusion_index()
    matcher = matcher_for(package_lexicons())
    startup = time.perf_counter() - started
    rules = [r for r in all_rules() if r.meta.family == "content"]
    ctx = RuleContext(as_of=date(2026, 11, 23))
    rng = random.Random(args.seed)

    target = int(args.mb * 1_000_000)
    text_bytes = text_chars = 0
    pipeline_s = lexicon_s = lexicon_chars = 0.0
    findings: dict[str, int] = {}
    n = 0
    while text_bytes < target:
        site, pages = site_pages(rng, n, args.pages_per_site, args.chars_per_page)
        n += 1
        snap = SiteSnapshot(site=site, fetched_at="2026-11-23T10:00:00+08:00", home=pages[0], pages=pages)
        t0 = time.perf_counter()
        judgement = judge(snap, ctx, rules)
        pipeline_s += time.perf_counter() - t0
        for f in judgement.findings:
            findings[f.rule] = findings.get(f.rule, 0) + 1
        texts = [text for page in pages for text, _ in page_blocks(page)]
        text_chars += sum(len(t) for t in texts)
        text_bytes += sum(len(t.encode("utf-8")) for t in texts)
        normalized = [normalize(t).text for t in texts]
        t0 = time.perf_counter()
        for t in normalized:
            matcher.scan(t)
        lexicon_s += time.perf_counter() - t0
        lexicon_chars += sum(len(t) for t in normalized)

    result = {
        "generated_text_mb": round(text_bytes / 1e6, 1),
        "generated_text_chars": text_chars,
        "sites": n,
        "pages": n * args.pages_per_site,
        "startup_s": round(startup, 2),
        "lexicon_chars_per_s": round(lexicon_chars / lexicon_s),
        "pipeline_chars_per_s": round(text_chars / pipeline_s),
        "pipeline_s": round(pipeline_s, 1),
        "lexicon_s": round(lexicon_s, 2),
        "findings": findings,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    print(f"{'measure':32} {'value':>14}")
    print(f"{'generated text (MB UTF-8)':32} {result['generated_text_mb']:>14}")
    print(f"{'characters':32} {text_chars:>14,}")
    print(f"{'start-up (s, not counted)':32} {result['startup_s']:>14}")
    print(f"{'lexicon matching (chars/s)':32} {result['lexicon_chars_per_s']:>14,}")
    print(f"{'full content pipeline (chars/s)':32} {result['pipeline_chars_per_s']:>14,}")
    print(f"{'peak RSS (MB)':32} {result['peak_rss_mb']:>14}")
    print(f"findings: {findings}")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
