"""Unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters, the last a check character."""

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, Z, S, V
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(first_17: str) -> str:
    total = sum(ALPHABET.index(c) * w for c, w in zip(first_17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def credit_code_problem(code: str) -> str | None:
    """Why `code` is not a valid unified social credit code, or None when it is."""
    if len(code) != 18:
        return f"must be 18 characters, got {len(code)}"
    bad = sorted({c for c in code if c not in ALPHABET})
    if bad:
        return f"contains characters outside the code alphabet: {''.join(bad)}"
    if check_character(code[:17]) != code[17]:
        return f"check character should be {check_character(code[:17])!r}, got {code[17]!r}"
    return None
