"""Demo data: shared platforms and access requests"""

import random
from datetime import datetime


def seed_platforms(rng: random.Random, *, now: datetime) -> dict[str, int]:
    """Create the demo shared platforms and access requests.

    Returns what was made, as label → count (printed by seed_demo).
    """
    return {}
