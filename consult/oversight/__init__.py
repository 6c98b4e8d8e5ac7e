"""Oversight for supervisors (政法委 / 维稳办) and admins: the ledger (台账) of assessed matters."""
