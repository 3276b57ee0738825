"""Demo data: services of the pôles and requests"""

import random
from datetime import datetime


def seed_services(rng: random.Random, *, now: datetime) -> dict[str, int]:
    """Create the demo services of the pôles and requests.

    Returns what was made, as label → count (printed by seed_demo).
    """
    return {}
