"""Access cases for the annual assessment plan: its body's organisers and admins edit it; supervisors
read it (GET, tested in test_plan.py) and are refused here like every other role."""
from tests.oversight_plan.world import item
from tests.permission_support import Case

EDITORS = frozenset({"organiser", "admin"})


def _item_url(w, action):
    return f"/oversight/plan/items/{item(w['org'], '体育馆建设').id}/{action}"


CASES = [
    Case("oversight_plan.item_add", lambda w: f"/oversight/plan/{w['org'].id}/2026/items", EDITORS,
         data=lambda w: {"title": "体育馆建设", "kind": "project", "expected_month": "5"}, status=303),
    Case("oversight_plan.item_edit", lambda w: _item_url(w, "edit"), EDITORS,
         data=lambda w: {"title": "体育馆建设（调整）", "kind": "project", "matter_id": str(w["matter"].id)}, status=303),
    Case("oversight_plan.item_delete", lambda w: _item_url(w, "delete"), EDITORS, status=303),
    # a large ledger's printable PDF as a tracked job: the overseers (who may read the ledger)
    Case("oversight.ledger_pdf_job", lambda w: "/oversight/ledger.pdf", frozenset({"admin", "supervisor"}), status=303),
    Case("oversight.ledger_xlsx_job", lambda w: "/oversight/ledger.xlsx", frozenset({"admin", "supervisor"}), status=303),
]
