"""Access cases for the assessment endpoints (level, re-assessment, narrative, versions)."""
from consult.extensions import db
from consult.models import utcnow
from consult.register.models import RiskLevel
from consult.reports import services
from consult.reports.models import Outcome
from tests.permission_support import Case

ANALYSE = frozenset({"organiser", "assessor"})


def _assessed(w):
    a = services.ensure_assessment(w["matter"], actor=w["assessor"])
    services.set_level(a, actor=w["assessor"], now=utcnow(), level=RiskLevel.LOW, reason="", outcome=Outcome.IMPLEMENT,
                       conditions="")
    db.session.commit()
    return f"/staff/matters/{w['matter'].id}/assessment/reassess"


def _version(w):
    from consult.reports.models import Stage

    a = services.ensure_assessment(w["matter"], actor=w["assessor"])
    v = services.save_version(a, actor=w["assessor"], now=utcnow(), stage=Stage.DRAFT)
    db.session.commit()
    return f"/staff/reports/{v.id}/render"


CASES = [
    Case("reports.version_render", _version, frozenset({"organiser", "assessor", "admin"}),
         data=lambda w: {"format": "docx"}, status=302),
    Case("reports.assessment_level", lambda w: f"/staff/matters/{w['matter'].id}/assessment/level", ANALYSE,
         data=lambda w: {"level": "low", "outcome": "implement", "reason": "", "conditions": ""}, status=302),
    Case("reports.assessment_reassess", _assessed, ANALYSE, data=lambda w: {"reason": "措施已落实"}, status=302),
    Case("reports.report_edit", lambda w: f"/staff/matters/{w['matter'].id}/report/edit", ANALYSE,
         data=lambda w: {"s_overview": "概况"}, status=302),
    Case("reports.version_save", lambda w: f"/staff/matters/{w['matter'].id}/report/versions", ANALYSE,
         data=lambda w: {"stage": "draft", "note": ""}, status=302),
]
