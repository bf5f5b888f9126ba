"""A keyring in memory for the tests (a test machine has no system keyring), and none at all.
Import the fixtures into a test module to use them."""

from __future__ import annotations

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail


class MemoryKeyring(KeyringBackend):
    priority = 1

    def __init__(self):
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.entries.get((service, username))

    def set_password(self, service, username, password):
        self.entries[(service, username)] = password

    def delete_password(self, service, username):
        self.entries.pop((service, username), None)


@pytest.fixture(name="memory_keyring")
def fixture_memory_keyring(monkeypatch):
    previous = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    monkeypatch.setattr("warranty_desk.passwords._session", {})
    yield ring
    keyring.set_keyring(previous)


@pytest.fixture(name="no_keyring")
def fixture_no_keyring(monkeypatch):
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    monkeypatch.setattr("warranty_desk.passwords._session", {})
    yield
    keyring.set_keyring(previous)
