"""Demo data: funded projects and their outcome reports"""

import random
from datetime import datetime


def seed_outcomes(rng: random.Random, *, now: datetime) -> dict[str, int]:
    """Create the demo funded projects and their outcome reports.

    Returns what was made, as label → count (printed by seed_demo).
    """
    return {}
