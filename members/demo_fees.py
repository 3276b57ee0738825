"""Demo data: fee scales, fee calls and payments"""

import random
from datetime import datetime


def seed_fees(rng: random.Random, *, now: datetime) -> dict[str, int]:
    """Create the demo fee scales, fee calls and payments.

    Returns what was made, as label → count (printed by seed_demo).
    """
    return {}
