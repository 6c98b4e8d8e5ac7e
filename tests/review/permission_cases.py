"""Access cases for expert library, reviewers, expert opinions, decision, filing and acknowledgement."""
import io

from openpyxl import Workbook

from tests.permission_support import Case
from tests.review import builders

ANALYSE = frozenset({"organiser", "assessor"})


def _xlsx():
    wb = Workbook()
    wb.active.append(["姓名", "领域", "单位", "职称", "联系方式", "声明回避单位"])
    wb.active.append(["李专家", "法律", "某律所", "律师", "13800001111", ""])
    buf = io.BytesIO()
    wb.save(buf)
    return (io.BytesIO(buf.getvalue()), "experts.xlsx")


def _answer(w):
    a = builders.assignment(w, submitted=True)
    return f"/staff/review/points/{a.points[0].id}/answer"


CASES = [
    Case("review.expert_add", lambda w: "/staff/experts", frozenset({"admin"}),
         data=lambda w: {"name": "张专家", "field": "法律"}, status=302),
    Case("review.expert_import", lambda w: "/staff/experts/import", frozenset({"admin"}),
         data=lambda w: {"file": _xlsx()}, status=302),
    Case("review.expert_toggle", lambda w: f"/staff/experts/{w['expert_entry'].id}/toggle", frozenset({"admin"}), status=302),
    Case("review.reviewers_draw", lambda w: f"/staff/reports/{builders.version(w).id}/reviewers/draw", ANALYSE,
         data=lambda w: {"field": "环境", "count": "1", "seed": "s"}, status=302),
    Case("review.reviewers_pick", lambda w: f"/staff/reports/{builders.version(w).id}/reviewers/pick", ANALYSE,
         data=lambda w: {"expert_id": str(w["expert_entry"].id)}, status=302),
    Case("review.point_answer", _answer, ANALYSE, data=lambda w: {"answer": "已补充"}, status=302),
    Case("review.decision_save", lambda w: f"/staff/matters/{builders.final(w).matter_id}/decision",
         frozenset({"organiser"}), data=lambda w: {"adopted": "yes", "reason": "", "decided_on": "2026-01-05"}, status=302),
    Case("review.file_report", lambda w: f"/staff/matters/{builders.decided(w).matter_id}/file",
         frozenset({"organiser"}), status=302),
    Case("expert.assignment_confirm", lambda w: f"/review/a/{builders.assignment(w).id}/confirm",
         frozenset({"expert"}), data=lambda w: {"conflict": "no"}, status=302),
    Case("expert.assignment_opinion", lambda w: f"/review/a/{builders.assignment(w, confirmed=True).id}/opinion",
         frozenset({"expert"}), data=lambda w: {"d0": "合法", "d1": "合理", "d2": "可行", "d3": "可控",
                                                "agree_level": "yes", "agree_outcome": "yes", "signature": "王专家"}, status=302),
    Case("review.supervisor_save", lambda w: f"/staff/supervisors/{w['supervisor'].id}", frozenset({"admin"}),
         data=lambda w: {f"u{w['supervisor'].id}-organisations": [str(w["org"].id), str(w["other_org"].id)]}, status=302),
    Case("supervision.filing_acknowledge", lambda w: f"/supervision/{builders.filed(w).id}/acknowledge",
         frozenset({"supervisor"}), status=302),
]
