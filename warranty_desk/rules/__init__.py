"""Pure rules: dates in, dates out. No database, no Qt (RULES.md §2, §6)."""
