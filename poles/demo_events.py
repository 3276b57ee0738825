"""Demo data: events and registrations"""

import random
from datetime import datetime


def seed_events(rng: random.Random, *, now: datetime) -> dict[str, int]:
    """Create the demo events and registrations.

    Returns what was made, as label → count (printed by seed_demo).
    """
    return {}
