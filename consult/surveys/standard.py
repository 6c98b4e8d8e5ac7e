"""The standard 稳评 questionnaire: profile, awareness, attitude and concerns, suggestions.

Option codes are stable keys the definitions of 知晓率 / 支持率 refer to.
"""
from __future__ import annotations

OTHER = "其他（请注明）"

# (section title, description, [question spec]); a spec is a dict for builder.add_question
STANDARD: list[tuple[str, str, list[dict]]] = [
    ("基本情况", "以下信息仅用于分类统计，不记录您的姓名。", [
        dict(code="relation", kind="single", text="您与本事项的关系",
             options=[("direct", "直接受影响（征收、拆迁、安置对象或紧邻住户）"),
                      ("indirect", "间接受影响（周边居民、经营者等）"),
                      ("public", "一般公众")]),
        dict(code="distance", kind="single", text="您的住所（或工作地点）距项目选址大约",
             options=[("d500", "500 米以内"), ("d1k", "500 米至 1 公里"), ("d3k", "1 至 3 公里"),
                      ("dfar", "3 公里以上"), ("dunknown", "不清楚")]),
        dict(code="in_scope", kind="single", text="您家是否在本事项的影响（征收、拆迁）范围内",
             options=[("yes", "是"), ("no", "否"), ("unknown", "不清楚")]),
        dict(code="age", kind="single", text="您的年龄",
             options=[("a18", "18—29 岁"), ("a30", "30—44 岁"), ("a45", "45—59 岁"), ("a60", "60 岁及以上")]),
        dict(code="occupation", kind="single", text="您的职业", allow_other=True,
             options=[("farmer", "农民"), ("worker", "工人"), ("business", "个体经营者"),
                      ("employee", "企业职员"), ("official", "机关事业单位人员"), ("student", "学生"),
                      ("retired", "离退休人员"), ("unemployed", "无业或待业")]),
    ]),
    ("知晓情况", "", [
        dict(code="aware", kind="single", text="在填写本问卷之前，您是否知道本事项？",
             options=[("know", "知道，并了解主要内容"), ("heard", "听说过，但不了解具体内容"),
                      ("unaware", "不知道")]),
        dict(code="aware_channel", kind="multiple", text="您是通过哪些渠道知道的？（可多选）",
             allow_other=True, condition=("aware", ["know", "heard"]),
             options=[("notice", "政府公示公告"), ("cadre", "社区（村）干部告知"), ("meeting", "座谈会、听证会"),
                      ("media", "电视、报纸、广播"), ("internet", "网络、微信等"), ("neighbour", "亲友邻居")]),
    ]),
    ("态度与关注", "", [
        dict(code="support", kind="single", text="您对本事项的态度是",
             options=[("support", "支持"), ("mostly", "基本支持"), ("neutral", "无所谓"),
                      ("against_mild", "不太支持"), ("oppose", "反对")]),
        dict(code="concerns", kind="multiple", text="您最关心的问题是（最多选 5 项）",
             min_picks=1, max_picks=5, allow_other=True,
             options=[("compensation", "征收补偿标准"), ("resettlement", "安置方式与安置房"),
                      ("noise", "施工及运营噪声"), ("dust", "扬尘"), ("pollution", "环境污染（水、气、土壤）"),
                      ("traffic", "交通出行"), ("safety", "公共安全"), ("jobs", "就业与收入"),
                      ("services", "教育、医疗等公共服务"), ("heritage", "历史文化遗存保护"),
                      ("procedure", "决策程序是否公开公正")]),
        dict(code="tolerance", kind="single", text="对本事项可能带来的影响，您能接受的程度是",
             options=[("full", "完全可以接受"), ("with_measures", "采取措施后可以接受"),
                      ("hard", "难以接受"), ("none", "完全不能接受")]),
        dict(code="reaction", kind="single", text="如果您的诉求得不到满足，您可能会", allow_other=True,
             options=[("accept", "接受现状"), ("negotiate", "与有关方面协商"),
                      ("complain", "向有关部门反映或投诉"), ("petition", "向上级部门上访"),
                      ("collective", "与他人一起集体反映（集体行动）")]),
    ]),
    ("意见建议", "", [
        dict(code="oppose_reason", kind="long_text", text="您不支持的主要原因是什么？", required=False,
             help_text="仅在您选择“不太支持”或“反对”时显示。", condition=("support", ["against_mild", "oppose"])),
        dict(code="suggestions", kind="long_text", text="您对本事项还有哪些意见和建议？", required=False,
             help_text="例如补偿、安置、施工时间、环境保护等方面的具体建议。"),
    ]),
]

DEFINITIONS = {
    "awareness": ("aware", ["know", "heard"]),
    "support": ("support", ["support", "mostly"]),
    "group": "relation",
    "distance": "distance",
}
