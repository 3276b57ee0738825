"""Permission-matrix rows for the fees pages (see tests/matrix.py for the vocabulary)."""

CASES: list = []
