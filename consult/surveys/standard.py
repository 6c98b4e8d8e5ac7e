"""The standard 稳评 questionnaire, in one variant per kind of matter.

Every variant has the same four parts (profile, awareness, attitude and concerns, suggestions)
and the same codes for the questions the definitions refer to (relation, aware, support), so
知晓率 / 支持率 are computed the same way; what differs is who is affected and what they worry
about: a neighbour of a 邻避 facility is not asked about 征收、拆迁、安置房.
Option codes are stable keys the definitions of 知晓率 / 支持率 refer to.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

OTHER = "其他（请注明）"

VARIANT_LABELS = {
    "siting": _l("邻避设施选址（垃圾站、变电站、殡葬设施等）"),
    "expropriation": _l("征收拆迁"),
    "policy": _l("政策调整"),
    "reform": _l("改革改制"),
}
# the variant offered first for a kind of matter (the organiser may choose another)
VARIANT_FOR_KIND = {"project": "siting", "event": "siting", "policy": "policy", "reform": "reform"}

AGE = dict(code="age", kind="single", text="您的年龄",
           options=[("a18", "18—29 岁"), ("a30", "30—44 岁"), ("a45", "45—59 岁"), ("a60", "60 岁及以上")])
OCCUPATION = dict(code="occupation", kind="single", text="您的职业", allow_other=True,
                  options=[("farmer", "农民"), ("worker", "工人"), ("business", "个体经营者"),
                           ("employee", "企业职员"), ("official", "机关事业单位人员"), ("student", "学生"),
                           ("retired", "离退休人员"), ("unemployed", "无业或待业")])
DISTANCE = dict(code="distance", kind="single", text="您的住所（或工作地点）距项目选址大约",
                options=[("d500", "500 米以内"), ("d1k", "500 米至 1 公里"), ("d3k", "1 至 3 公里"),
                         ("dfar", "3 公里以上"), ("dunknown", "不清楚")])
EFFECT = dict(code="effect", kind="single", text="您预计这项调整对您本人或家庭的影响是",
              options=[("gain", "总体受益"), ("none", "基本没有影响"), ("loss", "利益会受到损失"),
                       ("unknown", "说不清")])
AWARENESS = ("知晓情况", "", [
    dict(code="aware", kind="single", text="在填写本问卷之前，您是否知道本事项？",
         options=[("know", "知道，并了解主要内容"), ("heard", "听说过，但不了解具体内容"), ("unaware", "不知道")]),
    dict(code="aware_channel", kind="multiple", text="您是通过哪些渠道知道的？（可多选）",
         allow_other=True, condition=("aware", ["know", "heard"]),
         options=[("notice", "政府公示公告"), ("cadre", "社区（村）干部告知"), ("meeting", "座谈会、听证会"),
                  ("media", "电视、报纸、广播"), ("internet", "网络、微信等"), ("neighbour", "亲友邻居")]),
])
SUPPORT = dict(code="support", kind="single", text="您对本事项的态度是",
               options=[("support", "支持"), ("mostly", "基本支持"), ("neutral", "无所谓"),
                        ("against_mild", "不太支持"), ("oppose", "反对")])
OPPOSE_REASON = dict(code="oppose_reason", kind="long_text", text="您不支持的主要原因是什么？", required=False,
                     condition=("support", ["against_mild", "oppose"]))
TOLERANCE = dict(code="tolerance", kind="single", text="对本事项可能带来的影响，您能接受的程度是",
                 options=[("full", "完全可以接受"), ("with_measures", "采取措施后可以接受"),
                          ("hard", "难以接受"), ("none", "完全不能接受")])
REACTION = dict(code="reaction", kind="single", text="如果您的诉求得不到满足，您可能会", allow_other=True,
                options=[("accept", "接受现状"), ("negotiate", "与有关方面协商"),
                         ("complain", "向有关部门反映或投诉"), ("petition", "向上级部门上访"),
                         ("collective", "与他人一起集体反映（集体行动）")])
PROCEDURE = ("procedure", "决策程序是否公开公正")


def _concerns(options: list[tuple[str, str]]) -> dict:
    return dict(code="concerns", kind="multiple", text="您最关心的问题是（最多选 5 项）",
                min_picks=1, max_picks=5, allow_other=True, options=options)


def _suggestions(hint: str) -> tuple:
    return ("意见建议", "", [dict(code="suggestions", kind="long_text", text="您对本事项还有哪些意见和建议？",
                                  required=False, help_text=hint)])


def _relation(direct: str, indirect: str) -> dict:
    return dict(code="relation", kind="single", text="您与本事项的关系",
                options=[("direct", direct), ("indirect", indirect), ("public", "一般公众")])


def _variant(relation: dict, place: list[dict], concerns: list[tuple[str, str]], hint: str) -> list:
    return [
        ("基本情况", "以下信息仅用于分类统计，不记录您的姓名。", [relation, *place, AGE, OCCUPATION]),
        AWARENESS,
        ("态度与关注", "", [SUPPORT, OPPOSE_REASON, _concerns(concerns), TOLERANCE, REACTION]),
        _suggestions(hint),
    ]


VARIANTS: dict[str, list[tuple[str, str, list[dict]]]] = {
    "siting": _variant(
        _relation("紧邻选址的住户、经营者或单位", "周边居民、经营者、学校等"),
        [DISTANCE, dict(code="in_scope", kind="single", text="您家是否在项目的卫生防护距离或环评公示范围内",
                        options=[("yes", "是"), ("no", "否"), ("unknown", "不清楚")])],
        [("site", "选址是否合理"), ("odour", "异味"), ("noise", "施工及运营噪声"), ("dust", "扬尘"),
         ("pollution", "环境污染（水、气、土壤）"), ("health", "对身体健康的影响"),
         ("traffic", "运输车辆与交通出行"), ("property", "房屋价值"), ("supervision", "运营期监督与信息公开"),
         PROCEDURE],
        "例如选址、除臭降噪、运输路线与时间、运营监督等方面的具体建议。"),
    "expropriation": _variant(
        _relation("直接受影响（征收、拆迁、安置对象或紧邻住户）", "间接受影响（周边居民、经营者等）"),
        [DISTANCE, dict(code="in_scope", kind="single", text="您家是否在本事项的征收、拆迁范围内",
                        options=[("yes", "是"), ("no", "否"), ("unknown", "不清楚")])],
        [("compensation", "征收补偿标准"), ("resettlement", "安置方式与安置房"),
         ("noise", "施工及运营噪声"), ("dust", "扬尘"), ("pollution", "环境污染（水、气、土壤）"),
         ("traffic", "交通出行"), ("safety", "公共安全"),
         ("jobs", "就业与收入"), ("services", "教育、医疗等公共服务"), ("heritage", "历史文化遗存保护"),
         PROCEDURE],
        "例如补偿、安置、施工时间、环境保护等方面的具体建议。"),
    "policy": _variant(
        _relation("政策直接适用的人员或单位", "相关行业、单位的人员"), [EFFECT],
        [("fairness", "政策是否公平"), ("income", "收入与待遇"), ("burden", "个人和家庭负担"),
         ("transition", "新旧政策衔接与过渡期"), ("access", "办理是否方便"), ("information", "宣传与解读"),
         ("implementation", "执行与监督"), PROCEDURE],
        "例如适用范围、过渡安排、配套措施、宣传解读等方面的具体建议。"),
    "reform": _variant(
        _relation("改革涉及单位的职工或利益相关人", "相关行业、单位的人员"), [EFFECT],
        [("jobs", "岗位与人员安置"), ("pay", "工资与社会保险待遇"), ("retired", "离退休人员待遇"),
         ("assets", "资产处置是否公开"), ("services", "公共服务不中断"), ("transition", "过渡期安排"),
         PROCEDURE],
        "例如人员安置、待遇衔接、资产处置、过渡安排等方面的具体建议。"),
}
STANDARD = VARIANTS["expropriation"]  # kept for callers that predate the variants

DEFINITIONS = {
    "awareness": ("aware", ["know", "heard"]),
    "support": ("support", ["support", "mostly"]),
    "group": "relation",
    "distance": "distance",
}


def default_variant(matter) -> str:
    return VARIANT_FOR_KIND.get(matter.kind.value, "siting")
