"""Permission-matrix rows for the meetings pages (see tests/matrix.py for the vocabulary)."""

CASES: list = []
