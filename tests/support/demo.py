"""Demo and test data: valid enterprise profiles and realistic small parks."""

import random

from leasing.domain.credit_code import ALPHABET, check_character


def credit_code(seed: int) -> str:
    """A valid unified social credit code, deterministic per seed."""
    rng = random.Random(seed)
    body = "91" + "320500" + "".join(rng.choice(ALPHABET) for _ in range(9))
    return body + check_character(body)


def enterprise(
    seed: int, industry_code: str = "C3973", unit_ids: list[str] | None = None
) -> dict[str, object]:
    return {
        "name": f"Enterprise {seed}",
        "credit_code": credit_code(seed),
        "industry_code": industry_code,
        "high_tech": seed % 2 == 0,
        "founded_on": "2024-03-01",
        "headcount": 20 + seed % 50,
        "unit_ids": unit_ids or [],
    }
