"""Access cases for every state-changing analysis-run and curation endpoint.

Workspace actions are for the matter's assessor and the organiser of its organisation
("matter.analyse"); admins read but do not curate.
"""
from consult.analysis.models import PointState, RiskPoint, VoiceSource
from consult.extensions import db
from tests.curation.helpers import add_letters
from tests.permission_support import Case

ANALYSE = frozenset({"organiser", "assessor"})
TEXTS = [{"text": f"垃圾中转站的臭味问题第{i}条，夏天很严重", "stance": "oppose"} for i in range(8)]


def _setup(w):
    if "point" not in w:
        mid = w["matter"].id
        voices = add_letters(mid, TEXTS, source=VoiceSource.VISIT)
        w["point"] = RiskPoint(matter_id=mid, title="臭味", state=PointState.CANDIDATE)
        w["other_point"] = RiskPoint(matter_id=mid, title="交通", state=PointState.CANDIDATE)
        db.session.add_all([w["point"], w["other_point"]])
        db.session.flush()
        for v in voices[:6]:
            v.point_id = w["point"].id
        for v in voices[6:]:
            v.point_id = w["other_point"].id
        w["voices"] = voices
        db.session.commit()
    return w


def _m(path):
    return lambda w: f"/staff/matters/{_setup(w)['matter'].id}{path}"


def _p(path):
    return lambda w: f"/staff/matters/{_setup(w)['matter'].id}/points/{w['point'].id}{path}"


def _v(path):
    return lambda w: f"/staff/matters/{_setup(w)['matter'].id}/points/voices/{w['voices'][0].id}{path}"


def _excluded(w):
    _setup(w)
    w["voices"][0].is_excluded, w["voices"][0].exclude_reason = True, "无关"
    db.session.commit()
    return f"/staff/matters/{w['matter'].id}/points/voices/{w['voices'][0].id}/include"


def _ids(w, *idx):
    return [str(w["voices"][i].id) for i in idx]


CASES = [
    Case("analysis.run_start", _m("/analysis/runs"), ANALYSE, status=302),
    Case("analysis_points.point_rename", _p("/rename"), ANALYSE, lambda w: {"title": "臭味扰民"}, status=302),
    Case("analysis_points.point_describe", _p("/describe"), ANALYSE, lambda w: {"description": "说明"}, status=302),
    Case("analysis_points.point_dismiss", _p("/dismiss"), ANALYSE, lambda w: {"dismiss-reason": "无关"}, status=302),
    Case("analysis_points.point_confirm", _p("/confirm"), ANALYSE, status=302),
    Case("analysis_points.point_review", _p("/review"), ANALYSE, lambda w: {"reviewed": "1"}, status=302),
    Case("analysis_points.point_split", _p("/split"), ANALYSE, lambda w: {"voice_ids": _ids(w, 0, 1),
                                                                          "new_title": "拆分"}, status=302),
    Case("analysis_points.point_move", _p("/move"), ANALYSE,
         lambda w: {"voice_ids": _ids(w, 2), "target_id": str(w["other_point"].id)}, status=302),
    Case("analysis_points.texts_review", _p("/review-texts"), ANALYSE, lambda w: {"voice_ids": _ids(w, 3)}, status=302),
    Case("analysis_points.point_recluster", _p("/recluster"), ANALYSE, status=302),
    Case("analysis_points.points_merge", _m("/points/merge"), ANALYSE,
         lambda w: {"point_ids": [str(w["other_point"].id)], "target_id": str(w["point"].id)}, status=302),
    Case("analysis_points.voice_exclude", _v("/exclude"), ANALYSE, lambda w: {"exclude-reason": "广告"}, status=302),
    Case("analysis_points.voice_include", _excluded, ANALYSE, status=302),
]
