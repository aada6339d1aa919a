"""Judged queries on the bundled corpus, for nDCG@10 (ours vs the naive baseline).

Judged by reading the three bundled reports: each query lists the paragraphs that should come first,
grade 2 (about exactly this) or 1 (relevant, mentions it in passing). A paragraph is named by a
distinctive piece of its text (whitespace-free), not by its id, so the judgments survive a parser
change that renumbers paragraphs; the test checks that each piece names exactly one paragraph.
Paragraphs not listed count as irrelevant (grade 0).

MEANING (issue 11) holds queries typed the way people ask rather than the way reports word things:
abbreviations, concepts, traditional characters, multi-word topics. They were judged by hand from the
103 bundled paragraphs BEFORE the engine learned synonyms, script folding or partial matches, so the
judgments say what a reader wants, not what the engine happened to find.
"""

from __future__ import annotations

import math

JUDGED: dict[str, list[tuple[int, str]]] = {
    "诉源治理": [
        (2, "持续深化诉源治理改革"),
        (2, "“息事罢讼”诉源治理获评全国社会治理创新典范"),
        (1, "“息事无讼”解纷工作法被省委政法委员会命名"),
        (1, "全省法院诉源治理成绩突出集体"),
    ],
    "执行难": [
        (2, "“有财产可供执行案件法定期限内实际执结率”"),
        (2, "执结案件4.5万件"),
        (2, "破解执行难长效机制"),
        (2, "破解执行难工作新局面"),
    ],
    "扫黑除恶": [
        (2, "坚决打赢扫黑除恶专项斗争收官战"),
        (2, "积极开展扫黑除恶专项斗争"),
        (2, "在法治轨道上常态化开展扫黑除恶斗争"),
        (1, "对扫黑除恶专项斗争中发现的虚假诉讼线索"),
        (1, "五年来，先后获得全国维护"),
        (1, "院集体被省委、省政府授予"),
    ],
    "认罪认罚": [(2, "认罪认罚适用率76.8%")],
    "服判息诉率": [(2, "服判息诉率59.62%"), (2, "一审服判息诉率91.48%")],
    "共享法庭": [
        (2, "大力推进“共享法庭”建设"),
        (2, "知产等特设共享法庭"),
        (2, "人大代表联络站共享法庭作用"),
    ],
    "枫桥经验": [(2, "创新发展新时代“枫桥经验”"), (1, "全省新时代“枫桥式工作法”")],
    "电信网络诈骗": [
        (2, "审结电信网络诈骗犯罪案件38件193人"),
        (2, "审结电信网络诈骗案件104件418人"),
        (2, "依法起诉电信网络诈骗案件373人"),
        (1, "危害食品药品安全、电信网络诈骗等犯罪"),
        (1, "36人电信诈骗案"),
    ],
    "环境资源": [
        (2, "审结环境资源案件18件"),
        (2, "审结涉环境资源案件1084件"),
        (2, "涉环境资源民事、行政、刑事案件审理实现"),
    ],
    "营商环境": [
        (2, "优化法治化营商环境"),
        (2, "服务保障营商环境最优市建设"),
        (2, "服务保障营商环境优化"),
        (1, "合力共为打造营商环境最优市"),
    ],
    "一件事": [
        (2, "创新实施执行“一件事”改革"),
        (2, "“当事人一件事”司法评估体系"),
        (2, "全周期“一件事”项目"),
        (1, "“执行一件事”改革经验获省法院推广"),
        (1, "在机动车查控领域的应用"),
        (1, "执行“一件事”改革工作获省高院领导批示肯定"),
    ],
    "公益诉讼": [
        (2, "公益诉讼检察稳中拓面"),
        (2, "生态环境损害赔偿与检察公益诉讼衔接协作机制"),
        (1, "非法捕捞水产品公益诉讼系列案"),
        (1, "跨区域生态环境检察公益诉讼协作机制"),
    ],
    "农民工工资": [(2, "为1034名农民工追回薪资"), (2, "拖欠25名农民工"), (1, "追回欠薪")],
    "司法救助": [
        (2, "发放司法救助金56.25万元"),
        (2, "司法救助因案致困被害人108名"),
        (2, "减免案件受理费、发放司法救助金"),
        (1, "《关于完善司法救助工作机制的调研》"),
    ],
    "家事审判": [(2, "积极构建家事审判新模式"), (2, "率先打造家事审判法庭")],
    "数字卷宗": [(2, "刑事案件数字卷宗一次生成"), (2, "数字卷宗单轨制协同办案模式")],
    "破产": [(2, "建立常态化破产处置府院联动机制"), (2, "完善破产审判府院联动机制")],
    "出庭应诉": [(2, "行政机关负责人出庭应诉率97.8%"), (2, "推进行政负责人出庭应诉工作")],
    "知识产权": [(2, "知识产权案件平均审理天数仅为")],
    "长三角": [
        (2, "加强长三角区域和大运河流域司法协作"),
        (2, "深化长三角执行一体化"),
        (2, "与上海金山、江苏吴江等长三角地区法院深化跨域联动"),
        (1, "创新长三角未检一体化异地协作长效机制"),
    ],
    "疫情防控": [(2, "闻令而动保障疫情防控"), (2, "主动融入疫情防控大局"), (1, "妨害疫情防控")],
    "息事": [(2, "“息事罢讼”诉源治理获评"), (2, "持续深化诉源治理改革"), (2, "“息事无讼”解纷工作法"),
             (2, "“息事无讼”体现平湖辨识度")],
    "清廉": [(2, "深化清廉法院建设"), (1, "合力建设“清廉平湖”"), (1, "“模范机关、清廉机关”先进党组织")],
    "43.3亿元": [(2, "执行到位43.3亿元")],
    "律师 互评": [(2, "完善律师与法官互评机制"), (2, "健全律师与法官互评机制")],
    "旁听庭审": [(2, "“点单式”旁听庭审等活动37场"), (1, "组织行政机关负责人旁听庭审，向行政机关"),
                 (1, "邀请旁听庭审、见证执行等")],
}

# Abbreviations and short forms: the report spells the full form (or a related term) out.
ABBREVIATIONS: dict[str, list[tuple[int, str]]] = {
    "电诈": JUDGED["电信网络诈骗"],
    "扫黑": JUDGED["扫黑除恶"],
    "欠薪": [(2, "为2138名劳动者兑付劳动报酬"), (2, "拖欠25名农民工工资"), (2, "为1034名农民工追回薪资"),
             (2, "追回欠薪3581万元")],
    "民企": [(2, "实施全过程“法助民企”改革"), (2, "设立童车行业协会等“法助民企”联络站"),
             (2, "依法保障和促进我市民营经济高质量发展"), (1, "涉企民商事纠纷化解成功率"),
             (1, "从快审结涉企纠纷案件2.3万件"), (1, "涉企案件“四联”办案机制")],
    "知产": [(2, "知识产权案件平均审理天数仅为"), (1, "知产等特设共享法庭")],
    "认罪认罚从宽制度": [(2, "认罪认罚适用率76.8%")],
    "未检": [(2, "创新长三角未检一体化异地协作长效机制"), (2, "“涓涓护苗”未成年人检察工作室")],
}

# Concepts: the reports describe the thing in other words.
CONCEPTS: dict[str, list[tuple[int, str]]] = {
    "智慧法院": [(2, "率先推进无纸化办案办公改革"), (2, "全域数字法院改革初见成效"),
                 (1, "全面推行“零接触”线上办案模式"), (1, "提供全流程智能司法服务"), (1, "推行“司法公正在线”应用")],
    "生态环境保护": [(2, "设立全市首个生态修复基地"), (2, "审结环境资源案件18件"), (2, "深化生态环境保护司法协作机制"),
                     (2, "跨区域生态环境检察公益诉讼协作机制"), (1, "生态环境损害赔偿与检察公益诉讼衔接协作机制"),
                     (1, "天更蓝、水更清"), (1, "非法捕捞水产品公益诉讼系列案")],
    "多元解纷": [(2, "聚焦多元化解纠纷"), (2, "涉企矛盾纠纷多元化解"), (2, "“息事无讼”解纷工作法"),
                 (1, "诉前化解纠纷2.2万件"), (1, "靠前指导矛盾纠纷化解")],
    "反腐败": [(2, "保持惩治腐败高压态势。审结贪污贿赂"), (1, "全面保障人民群众食药安全"), (1, "完成反贪、反渎、预防三项职能"),
               (1, "容易滋生司法腐败"), (1, "不敢腐、不能腐、不想腐"), (1, "加强党风廉政建设"),
               (1, "侦查办理司法人员职务犯罪职能")],
    "未成年人保护": [(2, "“涓涓护苗”未成年人检察工作室"), (2, "合力救助事实无人抚养儿童"),
                     (1, "打造“天平护苗”特色志愿服务名片"), (1, "对初犯、偶犯、未成年犯等3481名")],
    "劳动争议": [(2, "妥善化解因疫情引发的合同纠纷、劳动纠纷"), (1, "为2138名劳动者兑付劳动报酬"),
                 (1, "拖欠25名农民工工资"), (1, "为1034名农民工追回薪资"), (1, "追回欠薪3581万元")],
}

# Traditional characters (as typed in Hong Kong / Taiwan or on a traditional keyboard), and the other way
# round: the Jiaxing report itself has one traditional character (县級矛调中心).
TRADITIONAL: dict[str, list[tuple[int, str]]] = {
    "訴源治理": JUDGED["诉源治理"],
    "掃黑除惡": JUDGED["扫黑除恶"],
    "電信網絡詐騙": JUDGED["电信网络诈骗"],
    "營商環境": JUDGED["营商环境"],
    "執行難": JUDGED["执行难"],
    "县级矛调中心": [(2, "积极助推县級矛调中心建设")],
}

# Multi-word topics: several words, not all of them in the report's own wording.
MULTIWORD: dict[str, list[tuple[int, str]]] = {
    "疫情 企业": [(2, "出台战疫情稳企业促发展18条司法意见"), (2, "助力391家企业复工复产"), (1, "对防疫物资生产企业开展预警提示")],
    "执行 一件事 改革": [(2, "创新实施执行“一件事”改革"), (2, "执行“一件事”改革工作获省高院领导批示肯定"),
                         (2, "“执行一件事”改革经验获省法院推广"), (1, "在机动车查控领域的应用"), (1, "全周期“一件事”项目")],
    "环境 公益诉讼": [(2, "跨区域生态环境检察公益诉讼协作机制"), (2, "生态环境损害赔偿与检察公益诉讼衔接协作机制"),
                      (2, "非法捕捞水产品公益诉讼系列案"), (1, "天更蓝、水更清")],
    "民营企业 法治保障": [(2, "依法保障和促进我市民营经济高质量发展"), (2, "实施全过程“法助民企”改革"),
                          (2, "设立童车行业协会等“法助民企”联络站"), (1, "出台战疫情稳企业促发展18条司法意见"),
                          (1, "从快审结涉企纠纷案件2.3万件")],
    "扫黑 虚假诉讼": [(2, "对扫黑除恶专项斗争中发现的虚假诉讼线索")],
    "未成年人 检察": [(2, "“涓涓护苗”未成年人检察工作室"), (2, "创新长三角未检一体化异地协作长效机制")],
}

MEANING_KINDS: dict[str, dict[str, list[tuple[int, str]]]] = {
    "abbreviation": ABBREVIATIONS,
    "concept": CONCEPTS,
    "traditional": TRADITIONAL,
    "multi-word": MULTIWORD,
}
MEANING: dict[str, list[tuple[int, str]]] = {q: g for kind in MEANING_KINDS.values() for q, g in kind.items()}


def dcg(grades: list[int]) -> float:
    """Discounted cumulative gain of grades in ranked order (gain 2^g - 1)."""
    return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(grades))


def ndcg_at(ranked_ids: list[str], judged: dict[str, int], k: int = 10) -> float:
    """nDCG@k of a ranked list of paragraph ids against graded judgments (repeats count as 0)."""
    seen: set[str] = set()
    grades = []
    for pid in ranked_ids[:k]:
        grades.append(judged.get(pid, 0) if pid not in seen else 0)
        seen.add(pid)
    ideal = dcg(sorted(judged.values(), reverse=True)[:k])
    return dcg(grades) / ideal if ideal else 0.0


def recall_at(ranked_ids: list[str], judged: dict[str, int], k: int = 10) -> float:
    """Share of the judged-relevant paragraphs (grade >= 1) found in the first k."""
    relevant = {pid for pid, g in judged.items() if g > 0}
    return len(relevant & set(ranked_ids[:k])) / len(relevant) if relevant else 0.0
