"""A chore that meets a database restarting waits for a later sweep; a bug still fails loudly."""

from __future__ import annotations

from sqlalchemy import exc

from gatekeeper.storage.errors import unreachable


def test_a_refused_or_dropped_connection_is_the_database_being_away() -> None:
    assert unreachable(ConnectionRefusedError(111, "Connect call failed"))
    assert unreachable(exc.OperationalError("SELECT 1", {}, OSError("server closed")))
    assert unreachable(exc.InterfaceError("SELECT 1", {}, Exception("connection is closed")))


def test_a_bug_is_not_mistaken_for_an_outage() -> None:
    assert not unreachable(ValueError("bad value"))
    assert not unreachable(exc.IntegrityError("INSERT", {}, Exception("duplicate key")))
    assert not unreachable(KeyError("group"))
