"""Demo data: business meetings"""

import random
from datetime import datetime


def seed_meetings(rng: random.Random, *, now: datetime) -> dict[str, int]:
    """Create the demo business meetings.

    Returns what was made, as label → count (printed by seed_demo).
    """
    return {}
