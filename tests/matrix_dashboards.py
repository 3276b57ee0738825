"""Permission-matrix rows for the dashboards pages (see tests/matrix.py for the vocabulary)."""

CASES: list = []
