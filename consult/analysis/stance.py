"""One stance scale across channels: 支持 / 有条件支持 / 中立或其他 / 反对.

Every channel has its own scale; this is the one documented mapping onto the unified
scale, shown to assessors on the voice pool page (MAPPING_TABLE).

| channel                       | channel's value                    | unified       |
|-------------------------------|------------------------------------|---------------|
| online / paper comment        | 支持 / 有条件支持 / 反对 / 其他       | same / 中立或其他 |
| questionnaire support question| 支持                               | 支持           |
|                               | 基本支持                            | 有条件支持      |
|                               | 无所谓 / 说不清                      | 中立或其他      |
|                               | 不太支持 / 反对                      | 反对           |
| hearing (registration, points)| 支持 / 有条件支持 / 中立 / 反对        | same / 中立或其他 |
| visits, symposiums, letters   | typed by staff on the unified scale, or mapped by words below |
| imported letters, free labels | 支持/赞成/同意 → 支持; 有条件/建议/希望 → 有条件支持;                  |
|                               | 反对/不同意/不支持/投诉/抗议 → 反对; anything else → 中立或其他          |
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from consult.analysis.models import VoiceStance

# values used by comments, the pipeline and resident_texts() of surveys and hearings
_BY_VALUE = {"support": VoiceStance.SUPPORT, "conditional": VoiceStance.CONDITIONAL,
             "other": VoiceStance.OTHER, "neutral": VoiceStance.OTHER, "oppose": VoiceStance.OPPOSE}
# free labels (imports, staff-typed channel scales), checked in this order
_WORDS = (
    (("不支持", "不太支持", "不同意", "不太同意", "不赞成", "反对", "投诉", "抗议", "坚决不"), VoiceStance.OPPOSE),
    (("有条件", "基本支持", "建议", "希望", "前提"), VoiceStance.CONDITIONAL),
    (("支持", "赞成", "同意", "拥护"), VoiceStance.SUPPORT),
)

MAPPING_TABLE = (
    (_l("网上意见、纸质意见"), _l("支持 / 有条件支持 / 反对 / 其他"), _l("支持 / 有条件支持 / 反对 / 中立或其他")),
    (_l("问卷支持度题"), _l("支持；基本支持；无所谓、说不清；不太支持、反对"),
     _l("支持；有条件支持；中立或其他；反对")),
    (_l("听证会报名与发言"), _l("支持 / 有条件支持 / 中立 / 反对"), _l("支持 / 有条件支持 / 中立或其他 / 反对")),
    (_l("入户走访、座谈会、其他渠道来信"), _l("录入时按统一口径选择；导入的文字标签按关键词归类"),
     _l("反对、不同意、投诉→反对；有条件、建议、希望→有条件支持；支持、赞成→支持；其余→中立或其他")),
)


def unify(value: str | None) -> VoiceStance:
    """Map a channel's stance value or label onto the unified scale."""
    if not value:
        return VoiceStance.OTHER
    value = value.strip()
    if value in _BY_VALUE:
        return _BY_VALUE[value]
    for words, stance in _WORDS:
        if any(w in value for w in words):
            return stance
    return VoiceStance.OTHER
