"""Demo data: ``shouwang demo`` builds a sub-district shaped like seed 001's.

Each app may have a ``demo.py`` with ``build(ctx: DemoContext) -> None``; the command
calls them in INSTALLED_APPS order, so later apps add residents, checkpoints and key
persons to the same sub-district. Builders are idempotent: a second run adds nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

# Named sizes; each app reads the figures it needs (missing keys: its own default).
SIZES: dict[str, dict[str, int]] = {
    "tiny": {"communities": 2, "compounds": 2, "buildings": 2, "households": 2},
    "small": {"communities": 4, "compounds": 4, "buildings": 4, "households": 6},
    "default": {"communities": 10, "compounds": 8, "buildings": 6, "households": 8},
    # Seed 001: 56,149 households and 161,771 residents. 480 buildings of ~117 households;
    # the ledger spreads the exact totals over them.
    "seed001": {
        "communities": 10,
        "compounds": 8,
        "buildings": 6,
        "households": 117,
        "ledger_households": 56_149,
        "ledger_persons": 161_771,
    },
}


@dataclass
class DemoContext:
    size_name: str
    rng: random.Random
    out: Any
    subdistrict: Any = None
    users: dict[str, Any] = field(default_factory=dict)
    passwords: dict[str, str] = field(default_factory=dict)

    @property
    def size(self) -> dict[str, int]:
        return SIZES[self.size_name]

    def log(self, message: str) -> None:
        self.out.write(message)
