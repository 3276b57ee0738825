"""Permission-matrix rows for the events pages (see tests/matrix.py for the vocabulary)."""

CASES: list = []
