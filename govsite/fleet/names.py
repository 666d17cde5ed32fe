"""Chinese names, units and regions the demo fleet is built from.

All of it is invented: a fictional 北京市海德区 with real-looking 行政区划代码, departments
named the way district departments usually are, and the 栏目 set a district site carries
(standards.md G-16). Pure data, so the generator's code stays free of long literals.
"""

from __future__ import annotations

from dataclasses import dataclass

DISTRICT = "海德区"
DISTRICT_DOMAIN = "hdq.gov.cn"
DISTRICT_REGION = "110105"
DISTRICT_POSTCODE = "100021"

# ICP / 公安备案 province prefixes by the first two digits of the region code; `bm` sites are
# national departments, registered in Beijing.
PROVINCE_ABBR = {"11": "京", "44": "粤", "32": "苏", "bm": "京"}


@dataclass(frozen=True)
class Unit:
    """A government unit: its name, the pinyin abbreviation its host uses, its topics."""

    name: str
    abbr: str
    topics: tuple[str, ...]


# Department units of 海德区; `abbr` becomes `<abbr>.hdq.gov.cn`. Topics feed headline templates.
DEPARTMENTS: tuple[Unit, ...] = (
    Unit("发展和改革委员会", "fgw", ("重点项目建设", "营商环境优化", "价格监测", "节能降碳")),
    Unit("教育委员会", "jw", ("义务教育招生", "校园安全", "教师队伍建设", "课后服务")),
    Unit("人力资源和社会保障局", "rsj", ("稳就业", "社会保险", "职业技能培训", "劳动保障监察")),
    Unit("卫生健康委员会", "wjw", ("基层医疗服务", "爱国卫生运动", "疾病预防控制", "家庭医生签约")),
    Unit("市场监督管理局", "scjgj", ("食品安全", "特种设备安全", "知识产权保护", "计量检定")),
    Unit("住房和城乡建设委员会", "zjw", ("老旧小区改造", "建筑施工安全", "保障性住房", "物业管理")),
    Unit("应急管理局", "yjglj", ("安全生产", "防汛抗旱", "应急演练", "森林防火")),
    Unit("科学技术委员会", "kw", ("科技创新", "高新技术企业认定", "科普活动", "成果转化")),
    Unit("园林绿化局", "lyj", ("公园建设", "植树造林", "林长制", "古树名木保护")),
    Unit("档案局", "daj", ("档案开放", "档案数字化", "方志编纂", "档案安全")),
    Unit("规划和自然资源分局", "ghfj", ("国土空间规划", "土地供应", "不动产登记", "耕地保护")),
    Unit("财政局", "czj", ("预算管理", "政府采购", "国库集中支付", "绩效评价")),
    Unit("民政局", "mzj", ("养老服务", "社会救助", "社区治理", "婚姻登记")),
    Unit("司法局", "sfj", ("法治宣传", "人民调解", "公共法律服务", "行政复议")),
    Unit("统计局", "tjj", ("经济普查", "统计数据发布", "统计执法", "人口抽样调查")),
    Unit("商务局", "swj", ("消费促进", "外贸稳增长", "商业网点规划", "老字号保护")),
    Unit("文化和旅游局", "whlyj", ("公共文化服务", "文物保护", "旅游市场整治", "非遗传承")),
    Unit("体育局", "tyj", ("全民健身", "体育赛事", "青少年体育", "体育场馆开放")),
    Unit("交通委员会", "jtw", ("道路养护", "公交线网优化", "停车管理", "交通综合治理")),
    Unit("水务局", "swuj", ("河长制", "节约用水", "排水管网", "水环境治理")),
    Unit("农业农村局", "nyncj", ("乡村振兴", "农产品质量安全", "高标准农田", "农村人居环境")),
    Unit("退役军人事务局", "tyjrj", ("优抚安置", "退役军人就业", "双拥共建", "烈士纪念")),
    Unit("医疗保障局", "ybj", ("医保报销", "异地就医", "药品集中采购", "医保基金监管")),
    Unit("政务服务管理局", "zwfwj", ("一网通办", "政务服务大厅", "接诉即办", "告知承诺制")),
    Unit("国有资产监督管理委员会", "gzw", ("国企改革", "国有资产监管", "企业考核", "资产评估")),
    Unit("审计局", "sjj", ("预算执行审计", "经济责任审计", "审计整改", "专项审计调查")),
    Unit("城市管理委员会", "cgw", ("垃圾分类", "环境卫生", "背街小巷整治", "市容秩序")),
    Unit("生态环境局", "sthjj", ("大气污染防治", "环境执法", "碧水保卫战", "生态文明宣传")),
    Unit("民族宗教事务办公室", "mzb", ("民族团结进步", "宗教场所管理", "民族政策宣传", "民族服务")),
    Unit("信访办公室", "xfb", ("信访接待", "领导接访", "矛盾化解", "信访法治化")),
    Unit("人民防空办公室", "rfb", ("人防工程", "防空警报试鸣", "人防宣传", "疏散演练")),
    Unit("金融服务办公室", "jrb", ("普惠金融", "防范非法集资", "企业上市", "金融风险防控")),
    Unit("气象局", "qxj", ("气象预警", "人工影响天气", "防雷安全", "气象科普")),
    Unit("地震局", "dzj", ("防震减灾", "地震应急演练", "活断层探测", "地震科普")),
    Unit("机关事务管理局", "jgswj", ("公共机构节能", "公务用车管理", "办公用房管理", "机关食堂")),
    Unit("残疾人联合会", "cl", ("残疾人就业", "康复服务", "无障碍环境建设", "助残活动")),
    Unit("妇女联合会", "fl", ("家庭教育", "妇女维权", "巾帼建功", "儿童关爱")),
    Unit("共青团委员会", "tw", ("青年志愿服务", "青少年思想引领", "青年创业", "希望工程")),
)

# 街道 of 海德区 (the 街镇 site and extra street sites for large fleets).
STREETS: tuple[Unit, ...] = (
    Unit("中关园街道办事处", "zgy", ("社区治理", "老旧小区改造", "垃圾分类", "为民办实事")),
    Unit("东升街道办事处", "dsjd", ("接诉即办", "环境整治", "便民服务", "社区养老")),
    Unit("西苑街道办事处", "xyjd", ("平安建设", "文明创建", "背街小巷", "社区文化")),
    Unit("北湖街道办事处", "bhjd", ("物业管理", "疫苗接种", "就业帮扶", "党建引领")),
)

PORTAL_TOPICS = ("高质量发展", "民生实事", "优化营商环境", "城市更新", "安全生产", "生态环境")

STREET_NAMES = ("府前街", "长安路", "海德大街", "光明路", "园林东路", "学院南路", "新华里")


@dataclass(frozen=True)
class ColumnKind:
    """One kind of 栏目: display name, directory, and the ColumnType meta value.

    `type` is always one of `COLUMN_TYPES`, so the meta and the name keywords never disagree.
    """

    name: str
    path: str
    type: str


# Column paths follow TRS conventions (`/xwzx/zwyw/`), so list pages are `index.html`,
# `index_1.html` … and articles `<yyyymm>/t<yyyymmdd>_<id>.html` under them.
NEWS_PORTAL = ColumnKind("政务要闻", "/xwzx/zwyw/", "动态要闻")
NEWS_DEPT = ColumnKind("部门动态", "/xwzx/bmdt/", "动态要闻")
NEWS_STREET = ColumnKind("工作动态", "/xwzx/gzdt/", "动态要闻")
NOTICES = ColumnKind("通知公告", "/xxgk/tzgg/", "通知公告")
POLICIES = ColumnKind("政策文件", "/zwgk/zcwj/", "政策文件")
OPTIONAL_COLUMNS: tuple[ColumnKind, ...] = (
    ColumnKind("政策解读", "/zwgk/zcjd/", "政策解读"),
    ColumnKind("人事信息", "/zwgk/rsxx/", "人事"),
    ColumnKind("办事服务", "/bsfw/bszn/", "办事"),
    ColumnKind("规划计划", "/zwgk/ghjh/", "规划计划"),
)

# The column types of the update rules (contract semantics), in keyword-match order: a column
# whose ColumnType meta is not one of these is typed by the first keyword its name contains.
COLUMN_TYPES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("历史专题", ("历史", "往期", "回顾", "存档", "归档", "专题")),
    ("政策解读", ("解读",)),
    ("在线访谈", ("访谈",)),
    ("调查征集", ("调查", "征集")),
    ("互动", ("咨询", "信箱", "留言", "建言", "互动", "问政", "诉求")),
    ("办事", ("办事", "服务", "指南")),
    ("人事", ("人事", "任免", "招考", "招聘", "录用")),
    ("规划计划", ("规划", "计划", "总结")),
    ("通知公告", ("通知", "公告", "公示")),
    ("政策文件", ("政策", "文件", "法规", "规范性文件")),
    ("动态要闻", ("要闻", "动态", "新闻", "资讯", "工作进展", "头条")),
)
OTHER_TYPE = "其他"

# Hosts outside the sites that their service and 信箱 entries point to (served by externals.py).
ZWFW_HOST = "zwfw.hdq.gov.cn"
ZWFW_GZ_HOST = "zwfw.gz.gov.cn"
GJZWFW_HOST = "gjzwfw.www.gov.cn"
HDJL_HOST = "hdjl.hdq.gov.cn"

# The 互动交流 entry is one "other" page (a message list), not a column list, on purpose:
# the meta rule treats it as a page that needs only the Site* tags.
MESSAGES_PATH = "/hdjl/zxly.html"
MESSAGES_NAME = "互动交流"
SITEMAP_PATH = "/wzdt.html"

SURNAMES = ("王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱")
