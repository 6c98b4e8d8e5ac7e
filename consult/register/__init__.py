"""Risk register (风险点清单): risk items, likelihood × severity, measures, residual level."""
