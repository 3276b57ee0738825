"""Permission-matrix rows for projects (`consortium:*`)."""

CASES: list = []
