"""Purpose-bound keys derive from one master secret; a generated secret is kept owner-only."""

from __future__ import annotations

import stat

import pytest

from scheduler_app.backend.auth import keys
from scheduler_app.settings import get_settings

pytestmark = pytest.mark.unit


def test_each_purpose_gets_its_own_stable_key() -> None:
    signing = keys.derive_key("api-token-signing")
    assert signing == keys.derive_key("api-token-signing")
    assert signing != keys.derive_key("provider-token-encryption")
    assert len(signing) == 32


def test_a_generated_secret_is_created_once_with_owner_only_permissions(tmp_path) -> None:
    path = tmp_path / "nested" / "secret_key"
    first = keys._generated_secret(path)
    assert keys._generated_secret(path) == first
    assert len(first) >= keys.MIN_SECRET_LENGTH
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_short_secret_key_is_refused(monkeypatch) -> None:
    monkeypatch.setattr(get_settings(), "secret_key", "too-short")
    keys.master_secret.cache_clear()
    try:
        with pytest.raises(RuntimeError, match="at least 32"):
            keys.master_secret()
    finally:
        monkeypatch.undo()
        keys.master_secret.cache_clear()
