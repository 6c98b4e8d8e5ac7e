"""Every POST endpoint of the voice pool, API tokens included, with the roles allowed to use it."""
from __future__ import annotations

from tests.permission_support import Case

WORKSPACE = frozenset({"organiser", "assessor"})  # "matter.analyse"
ANY_STAFF = frozenset({"organiser", "other_organiser", "assessor", "admin"})


def _voice_form(w):
    return {"key": "0123456789abcdef0123456789abcdef", "source": "visit", "occurred_at": "2026-01-05T10:00",
            "recorder": "王社工", "stance": "oppose", "text": "垃圾车太吵"}


def _intake_file(w):
    import io

    from tests.pool.helpers import xlsx

    row = ["入户走访", "2026-11-18 09:00", "王社工", "", "", "", "反对", "", "垃圾车太吵"]
    return {"file": (io.BytesIO(xlsx([row])), "intake.xlsx")}


def _letters_file(w):
    import io

    line = '{"channel": "12345热线", "time": "2026-11-01", "text": "垃圾站离学校太近"}\n'
    return {"file": (io.BytesIO(line.encode("utf-8")), "letters.jsonl")}


def _assessor_token(w):
    from consult.analysis.tokens import create_token
    from consult.jobs import commit
    from consult.models import utcnow

    token, _raw = create_token(actor=w["assessor"], name="脚本", now=utcnow())
    commit()
    return token.id


CASES: list[Case] = [
    Case("pool.voice_new", lambda w: f"/staff/matters/{w['matter'].id}/voices/new", WORKSPACE, _voice_form,
         status=302),
    Case("pool.intake_import", lambda w: f"/staff/matters/{w['matter'].id}/voices/import", WORKSPACE,
         _intake_file, status=302),
    Case("pool.letters", lambda w: f"/staff/matters/{w['matter'].id}/voices/letters", WORKSPACE,
         _letters_file, status=302),
    Case("pool.export_start", lambda w: f"/staff/matters/{w['matter'].id}/voices/export", WORKSPACE,
         lambda w: {"format": "csv"}, status=302),
    # the page shows the new token once (200); experts and supervisors have no API tokens
    Case("account.token_list", lambda w: "/staff/account/tokens", ANY_STAFF, lambda w: {"name": "统计脚本"},
         status=200),
    Case("account.token_revoke", lambda w: f"/staff/account/tokens/{_assessor_token(w)}/revoke",
         frozenset({"assessor"}), status=302),
]
