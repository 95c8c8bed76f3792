"""Password hashing with argon2id."""

from __future__ import annotations

import pytest

from scheduler_app.backend.auth.passwords import hash_password, needs_rehash, verify_password

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def stored_hash() -> str:
    return hash_password("correct horse battery")


def test_hash_is_argon2id_and_not_the_password(stored_hash):
    assert stored_hash.startswith("$argon2id$")
    assert "correct horse battery" not in stored_hash


def test_hashes_are_salted(stored_hash):
    assert hash_password("correct horse battery") != stored_hash


def test_verify_accepts_the_right_password(stored_hash):
    assert verify_password(stored_hash, "correct horse battery") is True


def test_verify_rejects_a_wrong_password(stored_hash):
    assert verify_password(stored_hash, "correct horse batterY") is False


def test_verify_rejects_an_empty_password(stored_hash):
    assert verify_password(stored_hash, "") is False


def test_verify_without_a_hash_is_false_even_for_the_dummy_password():
    assert verify_password(None, "not a real password") is False


def test_verify_against_a_garbage_hash_is_false():
    assert verify_password("not-a-hash", "correct horse battery") is False


def test_fresh_hashes_do_not_need_rehash(stored_hash):
    assert needs_rehash(stored_hash) is False


def test_an_account_without_a_password_never_matches() -> None:
    assert not verify_password("", "not a real password")
    assert not verify_password("", "")
