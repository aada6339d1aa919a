"""One test per extraction rule: normalisation, Chinese numerals, changes, 分别/各/均, approximations, non-figures,
years, metric phrases, and the canonical table."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.figures.metrics import MetricsError, load_metrics
from indexer.figures.numbers import chinese_value


def triples(found) -> list[tuple]:
    return [(f.metric, f.value, f.unit) for f in found]


def only(found):
    assert len(found) == 1, found
    return found[0]


# --- normalisation: value in base units, the unit's base name --------------------------------------------
@pytest.mark.parametrize(("text", "value", "unit", "span"), [
    ("盘活不良资产6.1亿元。", 610_000_000, "元", "6.1亿元"),
    ("诉前化解纠纷2.2万件。", 22_000, "件", "2.2万件"),
    ("一审服判息诉率97.21%。", 97.21, "%", "97.21%"),
    ("一审服判息诉率９７．２１％。", 97.21, "%", "９７．２１％"),  # full-width digits, point and percent
    ("出清厂房面积52.1万平方米。", 521_000, "平方米", "52.1万平方米"),
    ("对3481名被告人适用非监禁刑。", 3481, "人", "3481名"),  # 名 counts people
    ("审结涉黑案件3起。", 3, "件", "3起"),  # 起 counts cases
    ("审结各类案件1,234件。", 1234, "件", "1,234件"),  # a thousands separator before a unit
    ("用于储备的部分为2，340亿元。", 234_000_000_000, "元", "2，340亿元"),  # the older reports' full-width one
    ("城镇居民人均可支配收入为4·3%。", 4.3, "%", "4·3%"),  # and their middle-dot decimal point
    ("城镇化率达到百分之四十六。", 46, "%", "百分之四十六"),  # a percentage in words
    ("发出律师调查令1700余份。", 1700, "份", "1700余份"),
    ("涉民生案件执行到位金额1060万余元。", 10_600_000, "元", "1060万余元"),
    ("盘活资金800余万元。", 8_000_000, "元", "800余万元"),
    ("全年吸收境外投资718亿美元。", 71_800_000_000, "美元", "718亿美元"),
    ("知识产权案件平均审理天数仅为全省平均用时的1/2。", 0.5, "倍", "1/2"),
])
def test_values_are_normalised_to_base_units(extract, text, value, unit, span):
    f = only(extract(text))
    assert (f.value, f.unit, text[f.start:f.end]) == (value, unit, span)
    assert type(f.value) is type(value)  # 109000 stays an int, 1332.2 a float


def test_a_rate_without_a_unit_takes_the_tables_unit_or_percent(extract):
    assert triples(extract("行政争议万人成讼率1.5,全省最优。")) == [("行政争议万人成讼率", 1.5, "件/万人")]
    assert triples(extract("一审判决案件改判发回瑕疵率为0。")) == [("一审判决案件改判发回瑕疵率", 0, "%")]
    assert triples(extract("程序比持续下降至1.42。")) == [("程序比", 1.42, "")]


# --- Chinese numerals ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(("numeral", "value"), [
    ("十", 10), ("二十三", 23), ("一百零五", 105), ("千", 1000), ("千万", 10_000_000), ("两万", 20_000),
    ("三千万", 30_000_000), ("二十六亿六千万", 2_660_000_000), ("一千四百三十", 1430),
    ("一九八二", None), ("十一五", None),  # digit by digit: a year or a plan's name, not a count
])
def test_chinese_numerals(numeral, value):
    assert chinese_value(numeral) == value


def test_chinese_numerals_count_where_they_count_things(extract):
    assert triples(extract("实行专调、慎保、快审、优执、精访、助谋六项举措。"))[0][1:] == (6, "项")
    assert triples(extract("解决实际困难近千个。")) == [("解决实际困难", 1000, "个")]
    assert only(extract("解决实际困难近千个。")).approx == "近"
    assert triples(extract("审结索取千万元“茶水费”案件。"))[0][1:] == (10_000_000, "元")
    assert triples(extract("完善审判流程、裁判文书、执行信息、庭审直播四大公开平台建设。"))[0][1:] == (4, "个")
    assert triples(extract("平湖法院一起案件入选十大典型案例。"))[0][1:] == (1, "件")
    assert triples(extract("预算外资金达到一千四百三十亿元。"))[0][1:] == (143_000_000_000, "元")


@pytest.mark.parametrize("text", [
    "坚持一审为主，推进长三角一体化发展。",  # 一审, 长三角: numerals inside words
    "入选全国法院十大典型案例。",  # 十大 without the list of ten before it
    "行政争议万人成讼率持续下降。",  # a bare 万
    "让人民群众在每一个司法案件中感受到公平正义。",  # 每一个
    "推进执行一件事改革。",
    "成功化解一起拖欠工资的行政非诉执行案件。",  # 一起 = a (not 一起案件)
    "三年来，扫黑除恶取得成效。",
    "第五检察部被授予先进集体，获评第十一批机关服务品牌。",  # ordinals in names
    "在和平共处五项原则基础上发展合作。",  # a set phrase of metrics.toml's [not_figures]
    "坚决做到两个维护。",
    "获评全省法院一等奖、集体二等功。",
    "这一百二十个项目建成后，这两个部门得到加强。",  # 这/那/该: numbers stated before
    "列入第六个五年计划的主要产品，依照第五条规定。",  # an ordinal with a unit is not a rank
    "“互相尊重主权和领土完整、和平共处”五项原则早已载入宪法。",
    "惠及近千万家庭。",  # 家 begins 家庭: no unit is written
    "在巩固、增强、提升、畅通八个字上下功夫。",
])
def test_chinese_numerals_in_names_and_words_are_not_figures(extract, text):
    assert extract(text) == []


# --- changes are never values --------------------------------------------------------------------------------
def test_a_year_over_year_change(extract):
    f = only(extract("诉前化解纠纷，一审民商事收案同比下降15.9%。"))
    assert (f.metric, f.value, f.unit, f.kind, f.direction, f.baseline) == ("一审民商事收案", 15.9, "%", "change", "down", "同比")
    assert f.baseline_years == (2019,)  # the report's year before
    five = only(extract("办理民事诉讼监督案件，同比上升130.56%。", years=(2017, 2018, 2019, 2020, 2021)))
    assert five.baseline_years == (2012, 2013, 2014, 2015, 2016)  # 同比 of a five-year review: the five years before


def test_changes_against_other_baselines_and_in_other_units(extract):
    f = only(extract("一线办案力量比改革前增加38.46%。"))
    assert (f.metric, f.kind, f.direction, f.baseline) == ("一线办案力量", "change", "up", "比改革前")
    g = only(extract("2021年的民商事案件收案数较2017年已总计下降29.46%。", years=(2017, 2018, 2019, 2020, 2021)))
    assert (g.metric, g.kind, g.baseline, g.baseline_years, g.years) == ("民商事案件收案数", "change", "较2017年", (2017,), (2021,))
    h = extract("服判息诉率59.62%,同比上升15.18个百分点。")
    assert [(x.metric, x.value, x.unit, x.kind) for x in h] == [
        ("服判息诉率", 59.62, "%", "value"), ("服判息诉率", 15.18, "百分点", "change")]
    days = only(extract("涉企纠纷案件平均审理天数同比减少18.69天。"))
    assert (days.value, days.unit, days.kind, days.direction) == (18.69, "天", "change", "down")


def test_a_count_after_a_direction_verb_is_a_value(extract):
    assert [(f.metric, f.value, f.kind) for f in extract("增加500万沼气用户。")] == [("增加沼气用户", 5_000_000, "value")]
    assert [f.kind for f in extract("省级财政拟安排资金140亿元，比上年增加70亿元。")] == ["value", "change"]


def test_a_value_reached_is_not_a_change(extract):
    assert [f.kind for f in extract("程序比持续下降至1.42。")] == ["value"]
    found = extract("民间借贷纠纷案件收案量从2017年的2422件下降到2021年的736件。", years=(2017, 2018, 2019, 2020, 2021))
    assert [(f.metric, f.value, f.kind, f.years) for f in found] == [
        ("民间借贷纠纷案件收案量", 2422, "value", (2017,)), ("民间借贷纠纷案件收案量", 736, "value", (2021,))]


# --- 分别 / 各 / 均 and pairs ----------------------------------------------------------------------------------
def test_changes_after_a_pair_of_figures_are_split_onto_them(extract):
    found = extract("五年来共受理提请批准逮捕案件2491件3743人，同比下降28.99%和29.89%。", years=(2017, 2018, 2019, 2020, 2021))
    assert [(f.metric, f.value, f.unit, f.kind, f.respectively) for f in found] == [
        ("受理提请批准逮捕案件", 2491, "件", "value", False),
        ("受理提请批准逮捕案件", 3743, "人", "value", False),
        ("受理提请批准逮捕案件件数", 28.99, "%", "change", True),
        ("受理提请批准逮捕案件人数", 29.89, "%", "change", True),
    ]
    assert {f.direction for f in found[2:]} == {"down"}


def test_fen_bie_distributes_changes_over_the_figures_before(extract):
    found = extract("全年共受理各类案件8830件，审结8058件，同比分别上升96.6%和20.0%。")
    assert [(f.metric, f.value, f.kind) for f in found] == [
        ("受理各类案件", 8830, "value"), ("审结", 8058, "value"), ("受理各类案件", 96.6, "change"), ("审结", 20, "change")]


def test_ge_gives_each_item_the_number(extract):
    found = extract("涌现全国法院办案标兵、全国法院先进个人各1人。")
    assert [(f.metric, f.value, f.unit, f.respectively) for f in found] == [
        ("涌现全国法院办案标兵", 1, "人", True), ("全国法院先进个人", 1, "人", True)]
    assert found[0].start == found[1].start  # one span, two figures


def test_jun_gives_each_quoted_item_the_rank(extract):
    found = extract("嘉兴“法院公正高效办案满意度”“法院队伍建设满意度”均位居全省第一。")
    assert [(f.metric, f.value, f.unit, f.respectively) for f in found] == [
        ("嘉兴“法院公正高效办案满意度”全省排名", 1, "名次", True), ("“法院队伍建设满意度”全省排名", 1, "名次", True)]


def test_fen_bie_splits_a_list_of_numbers_over_the_items_named(extract):
    changes = extract("单位地区生产总值能耗下降13.6%，氨氮、氮氧化物排放总量分别下降11.2%和12.9%。")
    assert [(f.metric, f.value, f.kind, f.respectively) for f in changes] == [
        ("单位地区生产总值能耗", 13.6, "change", False), ("氨氮", 11.2, "change", True),
        ("氮氧化物排放总量", 12.9, "change", True)]
    listed = extract("职工平均工资和离退休人员养老金年均分别增长7.6%、6.4%。")  # 、 between the numbers
    assert [(f.metric, f.value, f.kind) for f in listed] == [
        ("职工平均工资", 7.6, "change"), ("离退休人员养老金", 6.4, "change")]
    values = extract("审结民事、刑事案件分别为300件和200件。")
    assert [(f.value, f.respectively) for f in values] == [(300, True), (200, True)]
    assert values[0].metric != values[1].metric


def test_a_cases_and_people_pair_shares_its_metric(extract):
    assert triples(extract("审结涉黑恶案件143件864人,审结率100%。")) == [
        ("审结涉黑恶案件", 143, "件"), ("审结涉黑恶案件", 864, "人"), ("涉黑恶案件审结率", 100, "%")]


# --- approximations -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "approx", "value"), [
    ("组织法官走访企业800余家。", "余", 800),
    ("解决实际困难近千个。", "近", 1000),
    ("易地扶贫搬迁人口超过240万人。", "超过", 2_400_000),
    ("接待群众约300人次。", "约", 300),
    ("审结案件100件以上。", "以上", 100),
    ("开展活动60多次。", "多", 60),
    ("城镇登记失业率4.5%左右。", "左右", 4.5),
    ("人均基本医疗补助标准不低于25元。", "不低于", 25),
    ("我国人口要控制在13亿以内。", "以内", 1_300_000_000),
])
def test_approximations_are_kept_as_flags(extract, text, approx, value):
    f = only(extract(text))
    assert (f.approx, f.value) == (approx, value)


def test_an_exact_number_has_no_approximation(extract):
    assert only(extract("审结破产案件45件。")).approx is None


# --- what is not a figure ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "2020年,嘉兴法院各项工作取得新成效。",  # a year
    "2017 年以来，市法院坚持服务大局。",
    "2月6日,嘉兴市八届人大六次会议举行第二次全体会议。",  # a date, sessions, an ordinal
    "全国法院“3+1”执行核心指标稳中向好。",
    "形成7+2部门新格局。",  # unquoted: the + makes it a name
    "拨打12368热线咨询。",  # a number without a unit
    "入选全省数字化改革重大应用“一本账S1”清单。",
    "建立“361”执行工作体系。",
    "制定《关于依法保障和促进我市民营经济高质量发展的十条措施》。",
    "1.深化诉源治理。（2）推进执行攻坚。",  # list markers
    "判处有期徒刑3至5年，涉案10-20件。",  # ranges
    "贯彻“十四五”规划。",
    "在1950年到2002年53年的时间里。",  # a span of years, not a duration counted
    "近5年来持续推进。",
])
def test_non_figures(extract, text):
    assert extract(text) == []


def test_a_counted_duration_is_a_figure(extract):
    assert triples(extract("执结率自2019年起连续3年实现100%。", years=(2017, 2018, 2019, 2020, 2021)))[0][1:] == (3, "年")


# --- years ------------------------------------------------------------------------------------------------------
FIVE = (2017, 2018, 2019, 2020, 2021)


@pytest.mark.parametrize(("text", "years"), [
    ("审结破产案件45件。", FIVE),  # the report's years
    ("“有财产可供执行案件法定期限内实际执结率”自2019年起连续3年实现100%。", (2019, 2020, 2021)),
    ("对2018年以来容易滋生司法腐败的1865件重点案件开展专项评查。", (2018, 2019, 2020, 2021)),
    ("三年来,全市法院审结涉黑恶案件143件。", (2019, 2020, 2021)),
    ("现有员额检察官25名。", (2021,)),
    ("2019年,审结各类案件1200件。", (2019,)),
])
def test_years_narrowed_by_the_sentence(extract, text, years):
    assert extract(text, years=FIVE)[0].years == years


# --- metric phrases -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "metric"), [
    ("全院共新收各类案件8598件。", "新收各类案件"),  # leading 全院共 dropped
    ("出台战疫情稳企业促发展18条司法意见。", "出台战疫情稳企业促发展司法意见"),  # the noun after the unit
    ("35篇裁判文书、案例分析、学术论文荣获全国全省奖项。", "裁判文书、案例分析、学术论文荣获全国全省奖项"),  # number first
    ("为1034名农民工追回薪资。", "农民工追回薪资"),  # a preposition before
    ("对2018年以来容易滋生司法腐败的1865件重点案件开展专项评查。", "重点案件开展专项评查"),  # 的: the noun follows
    ("审结一审民事案件4.3万件,其中涉民生领域案件8957件。", "审结一审民事案件中涉民生领域案件"),  # 其中: a subset
    ("审结电信网络诈骗案件104件418人，涉案金额1.09亿元。", "审结电信网络诈骗案件涉案金额"),  # an attribute of it
    ("行政机关负责人出庭应诉率97.8%,居全省第一。", "行政机关负责人出庭应诉率全省排名"),  # a rank of the rate before
    ("从严批捕涉黑恶犯罪150人，从快起诉154人。", "从快起诉涉黑恶犯罪"),  # a parallel activity shares the object
])
def test_metric_phrases(extract, text, metric):
    assert extract(text)[-1].metric == metric


def test_a_qi_zhong_list_names_parts_of_the_figure_before(extract):
    found = extract("新增发电装机容量3.72亿千瓦，其中水电8420万千瓦、核电416万千瓦，追回欠薪3581万元、减免费用260万元。")
    assert [f.metric for f in found] == ["新增发电装机容量", "新增发电装机容量中水电", "新增发电装机容量中核电", "追回欠薪", "减免费用"]


@pytest.mark.parametrize(("text", "metrics"), [
    ("国民收入达到8461亿元，按可比价格计算平均每年增长9.4%。", ["国民收入", "国民收入"]),  # 可比 is no baseline
    ("社会商品零售额今年预计将比去年增长9%。", ["社会商品零售额"]),
    ("年初剩余的318万农村贫困人口全部脱贫、27个贫困县全部摘帽。", ["农村贫困人口全部脱贫", "贫困县全部摘帽"]),
    ("平均关税水平由11.3%降至8.2%。", ["平均关税水平", "平均关税水平"]),
    ("全省县办小煤窑由三百八十二个减少到现在的一百五十四个。", ["全省县办小煤窑", "全省县办小煤窑"]),
    ("我国人口到2000年要控制在13亿以内。", ["我国人口"]),
    ("实际使用境外资金1038亿美元。", ["使用境外资金"]),  # 使 of 使用 is no preposition
    ("企业存款余额新增4200多亿元。", ["企业存款余额新增"]),  # 新增: a value, not a change
    ("五年内国务院制定行政法规255项，三年内参保率提高到90%以上。", ["国务院制定行政法规", "参保率"]),
    ("职工实际工资，考虑价格上涨因素，比上年实际增长3·6%。", ["职工实际工资"]),  # past a qualifying clause
    ("发电装机增长百分之三十八，达到14200万千瓦。", ["发电装机", "发电装机"]),
])
def test_metric_phrases_of_government_prose(extract, text, metrics):
    assert [f.metric for f in extract(text)] == metrics


def test_a_bare_activity_takes_the_clause_before_as_context(extract):
    f = extract("着力发挥检察机关侦查办理司法人员职务犯罪职能，依法起诉4件7人。")
    assert [x.metric for x in f] == ["依法起诉（着力发挥检察机关侦查办理司法人员职务犯罪职能）"] * 2


# --- canonical metrics (metrics.toml) -------------------------------------------------------------------------------
@pytest.mark.parametrize(("metric", "unit", "kind", "canonical"), [
    ("新收各类案件", "件", "value", "cases_received"),
    ("受理提请批准逮捕案件", "人", "value", "cases_received"),  # listed before arrests_approved
    ("一审民商事收案", "%", "change", "cases_received"),  # a change carries the canonical of what it changes
    ("审结一审刑事案件", "件", "value", "cases_concluded"),
    ("办结", "件", "value", "cases_concluded"),
    ("涉黑恶案件审结率", "%", "value", "clearance_rate"),
    ("执行案件结案", "件", "value", "enforcement_concluded"),  # not cases_concluded
    ("执行到位金额", "元", "value", "enforcement_amount"),
    ("判处罪犯", "人", "value", "criminals_sentenced"),
    ("批准逮捕各类刑事犯罪", "人", "value", "arrests_approved"),
    ("从快起诉涉黑恶犯罪", "人", "value", "prosecuted"),
    ("立案公益诉讼案件", "件", "value", "public_interest_cases"),
    ("一审刑事案件认罪认罚适用率", "%", "value", "plea_leniency_rate"),
    ("一审服判息诉率", "%", "value", "acceptance_rate"),
    ("行政诉讼案件调撤率", "%", "value", "mediation_rate"),
    ("“有财产可供执行案件法定期限内实际执结率”", "%", "value", None),  # a % is not a count of 执结 cases
    ("提起民事公益诉讼", "件", "value", None),  # not prosecuted, not a 立案
    ("减免案件受理费、发放司法救助金", "元", "value", None),
    ("诉前化解纠纷", "件", "value", None),
    ("出庭支持公诉陈某等电信诈骗案", "人", "value", None),
])
def test_canonical_metrics(table, metric, unit, kind, canonical):
    assert table.canonical(metric, unit, kind) == canonical


def test_scope_says_which_part_of_the_caseload(table):
    assert table.scope("新收各类案件", "cases_received") == ""
    assert table.scope("审结", "cases_concluded") == ""
    assert table.scope("审结一审刑事案件", "cases_concluded") == "一审刑事"
    assert table.scope("涉民生案件执行到位金额", "enforcement_amount") == "涉民生"
    assert table.scope("追回欠薪", None) == "追回欠薪"


def test_a_metric_added_to_the_file_is_used(tmp_path: Path):
    path = tmp_path / "metrics.toml"
    path.write_text(
        (Path(load_metrics.__code__.co_filename).parent / "metrics.toml").read_text(encoding="utf-8")
        + '\n[[metric]]\nid = "judicial_aid"\nlabel = "司法救助金"\nunits = ["元"]\npatterns = ["司法救助金"]\n',
        encoding="utf-8")
    table = load_metrics(path)
    assert table.canonical("为困难当事人发放司法救助金", "元", "value") == "judicial_aid"
    assert table.fingerprint != load_metrics().fingerprint


@pytest.mark.parametrize(("text", "message"), [
    ("x = 1", "needs at least one [[metric]]"),
    ('[[metric]]\nid = "Bad Id"\nlabel = "x"\nunits = ["件"]\npatterns = ["x"]\n', "needs id"),
    ('[[metric]]\nid = "a"\nlabel = "x"\nunits = ["件"]\npatterns = ["(unclosed"]\n', "bad pattern"),
    ('[[metric]]\nid = "a"\nlabel = "x"\nunits = []\npatterns = ["x"]\n', "units must be a non-empty list"),
    ('[[metric]]\nid = "a"\nlabel = "x"\nunits = ["件"]\npatterns = ["x"]\n' * 2, "must be unique"),
    ("[[metric]\n", "metrics.toml"),  # not TOML: the file is named
])
def test_a_bad_metrics_file_is_refused_with_what_is_wrong(tmp_path: Path, text, message):
    path = tmp_path / "metrics.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MetricsError, match=message.replace("[", r"\[")):
        load_metrics(path)
