"""Permission-matrix rows for the services pages (see tests/matrix.py for the vocabulary)."""

CASES: list = []
