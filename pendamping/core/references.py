"""Random references handed to the public (a complaint's, an application's): they count nothing, so they tell
nothing, and their alphabet leaves out the characters people misread (0/O, 1/I/L)."""

import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def random_reference(prefix: str, length: int = 8) -> str:
    """E.g. random_reference("ADU-") -> "ADU-7K3Q9P2M" (31^8, about 850 billion, references per prefix)."""
    return prefix + "".join(secrets.choice(ALPHABET) for _ in range(length))
