"""Permission-matrix rows for labelling and dossiers (`labelling:*`, `dossiers:*`)."""

CASES: list = []
