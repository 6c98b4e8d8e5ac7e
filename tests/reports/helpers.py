"""An assessed matter: register items with measures, voices, a questionnaire with answers."""
from __future__ import annotations

from datetime import date, timedelta

from consult.analysis.models import RiskPoint, Voice, VoiceSource, VoiceStance
from consult.extensions import db
from consult.models import utcnow
from consult.register.models import Measure, RiskItem, RiskLevel
from consult.surveys import responses
from consult.surveys.models import Channel
from consult.surveys.spec import load_spec
from tests import factories
from tests.surveys.helpers import answers, standard_survey


class Anon:
    is_authenticated = False


SURVEY_ROWS = [("know", "support"), ("know", "oppose"), ("heard", "mostly"), ("unaware", "against_mild"),
               ("know", "support"), ("know", "neutral"), ("unaware", "oppose"), ("know", "support")]


def voice(m, text, stance=VoiceStance.OTHER, *, point=None, flagged=False, author="", weight=1.0, n=[0]):
    n[0] += 1
    v = Voice(matter_id=m.id, source=VoiceSource.PAPER, source_ref=f"paper:{n[0]}", text=text,
              text_hash=f"h{n[0]}", stance=stance, author=author, weight=weight, is_flagged=flagged,
              point_id=point.id if point else None)
    db.session.add(v)
    return v


def item(m, number, title, lk, sv, level, residual=None, *, point=None):
    it = RiskItem(matter_id=m.id, number=number, title=title, area="环境", dimension="合理性",
                  likelihood=lk, severity=sv, level=level, residual_level=residual)
    if point is not None:
        it.points = [point]
    it.measures = [Measure(text=f"{title}的化解措施", responsible_unit="区住建局", deadline=date(2027, 3, 1))]
    db.session.add(it)
    return it


def survey_with_answers(w):
    s = standard_survey(w)
    spec = load_spec(s.id)
    now = utcnow()
    for i, (aware, sup) in enumerate(SURVEY_ROWS):
        vals = answers(spec, aware=aware, support=sup, aware_channel=None if aware == "unaware" else ["notice"])
        responses.submit_online(spec, vals, actor=Anon(), now=now + timedelta(seconds=i), device=f"d{i}",
                                client_hash=f"c{i}")
    db.session.commit()
    return s


def assessed_world(*, survey=True, residual=RiskLevel.LOW):
    w = factories.world()
    m = w["matter"]
    point = RiskPoint(matter_id=m.id, title="臭味影响", keywords=["臭味"])
    db.session.add(point)
    db.session.flush()
    for i in range(6):
        voice(m, f"垃圾站臭味太大{i}", VoiceStance.OPPOSE if i < 2 else VoiceStance.SUPPORT, point=point)
    voice(m, "我们要集体上访", VoiceStance.OPPOSE, flagged=True, author="甲")
    voice(m, "再不解决就去堵路", VoiceStance.OPPOSE, flagged=True, author="乙")
    item(m, 1, "垃圾站臭味扰民", 3, 3, RiskLevel.MEDIUM, residual, point=point)
    item(m, 2, "运输车辆噪声", 2, 2, RiskLevel.LOW)
    db.session.commit()
    if survey:
        w["survey"] = survey_with_answers(w)
    return w


def submitted(w, *, level=None, outcome=None):
    """A 送审稿 of the assessed world (medium, 完善后实施 by default)."""
    from consult.reports import services
    from consult.reports.models import Outcome, Stage

    a = services.ensure_assessment(w["matter"], actor=w["assessor"])
    services.set_level(a, actor=w["assessor"], now=utcnow(), level=level or RiskLevel.MEDIUM, reason="综合判断",
                       outcome=outcome or Outcome.IMPROVE, conditions="安装除臭设施\n调整运输路线")
    v = services.save_version(a, actor=w["assessor"], now=utcnow(), stage=Stage.SUBMITTED)
    db.session.commit()
    return a, v
