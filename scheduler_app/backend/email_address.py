"""E-mail addresses as the app stores them: trimmed, lower-cased, plausibly shaped."""

from __future__ import annotations

import re

from scheduler_app.backend.errors import FieldProblem, InvalidInputError

EMAIL_MAX = 254
_EMAIL = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")


def normalize_email(email: str, field: str = "email") -> str:
    """The canonical form of `email`, or a 422 naming `field`."""
    cleaned = (email or "").strip().lower()
    if len(cleaned) > EMAIL_MAX or not _EMAIL.match(cleaned):
        raise InvalidInputError(
            "Invalid e-mail address.",
            [FieldProblem(field, f"{email!r} is not an e-mail address like ada@example.com.")],
        )
    return cleaned
