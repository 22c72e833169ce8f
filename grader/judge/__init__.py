"""Deciding verdicts: cases from a seed, expected answers, comparison, diagnosis, and the pytest
session that runs the hidden checks. Never imports student code."""
