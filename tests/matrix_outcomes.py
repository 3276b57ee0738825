"""Permission-matrix rows for the outcomes pages (see tests/matrix.py for the vocabulary)."""

CASES: list = []
