"""Access cases for oversight. The ledger, monthly statistics and the index are GET pages (their
access by role and the supervisor's scope are tested in test_ledger.py and test_monthly_index.py);
closing a month is the one state-changing endpoint: admins only."""
from tests.permission_support import Case

CASES = [
    Case("oversight_reports.monthly_close", lambda w: "/oversight/monthly/close", frozenset({"admin"}),
         data=lambda w: {"month": "2026-01", "reason": ""}, status=303),
]
