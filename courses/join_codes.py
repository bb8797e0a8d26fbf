"""Join codes: short, random, and easy to read aloud or copy from a slide."""

import secrets

# No 0/O, 1/I/L.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 8


def join_code_random() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def join_code_normalise(code: str) -> str:
    """What a person types (lower case, spaces, a dash) to the stored form."""
    return "".join(code.split()).replace("-", "").upper()
