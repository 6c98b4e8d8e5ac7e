"""Access cases for oversight: the ledger, monthly statistics and the index are read-only (GET) pages,
so there is no state-changing endpoint to list here. Their access by role (admin and supervisor
allowed, everyone else refused, supervisors scoped to their organisations) is tested in
tests/oversight/test_ledger.py and test_monthly_index.py."""
CASES: list = []
