"""The app's master secret and the purpose-bound keys derived from it.

One secret (SECRET_KEY, or a random one generated on first use and kept in DATA_DIR/secret_key with
owner-only permissions) feeds HKDF; every use (signing API tokens, encrypting provider tokens, ...)
gets its own key, so one purpose's key never works for another.
"""

from __future__ import annotations

import functools
import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from scheduler_app.settings import get_settings

SECRET_FILE_NAME = "secret_key"  # noqa: S105 (a file name, not a secret)
MIN_SECRET_LENGTH = 32


def _generated_secret(path: Path) -> str:
    """Read the generated secret, creating it atomically (owner-only) the first time."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(descriptor, "w") as handle:
        handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


@functools.cache
def master_secret() -> bytes:
    """SECRET_KEY when set, otherwise the generated one under DATA_DIR."""
    settings = get_settings()
    secret = settings.secret_key or _generated_secret(settings.data_dir / SECRET_FILE_NAME)
    if len(secret) < MIN_SECRET_LENGTH:
        raise RuntimeError(f"SECRET_KEY must be at least {MIN_SECRET_LENGTH} characters long.")
    return secret.encode()


@functools.cache
def derive_key(purpose: str, length: int = 32) -> bytes:
    """A key for one purpose (e.g. "api-token-signing"), derived from the master secret."""
    return HKDF(
        algorithm=hashes.SHA256(), length=length, salt=b"scheduler-app", info=purpose.encode()
    ).derive(master_secret())
