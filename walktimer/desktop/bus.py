"""Connecting to the session bus through jeepney, with one sentence when there is none."""

from __future__ import annotations

from typing import Any

__all__ = ["BusError", "Client", "open_client", "open_threaded", "variant_value"]

CALL_TIMEOUT = 0.5  # seconds a player has to answer one call before it is left alone


class BusError(Exception):
    """No session bus, or it refused us; the message is a sentence for the walker."""


def _no_bus(error: BaseException) -> BusError:
    if isinstance(error, KeyError):
        detail = "DBUS_SESSION_BUS_ADDRESS is not set"
    else:
        detail = str(error) or type(error).__name__
    return BusError(
        f"Media keys and music ducking are off: there is no desktop session bus ({detail})."
    )


def open_threaded() -> Any:
    """A jeepney threading connection (thread-safe send), or BusError."""
    from jeepney.io.threading import open_dbus_connection

    try:
        return open_dbus_connection(bus="SESSION")
    except (OSError, KeyError, RuntimeError, ValueError) as error:
        raise _no_bus(error) from error


def variant_value(variant: Any) -> Any:
    """The value of a jeepney variant, which arrives as (signature, value)."""
    if isinstance(variant, tuple) and len(variant) == 2 and isinstance(variant[0], str):
        return variant[1]
    return variant


class Client:
    """Method calls on one blocking connection, each bounded by `CALL_TIMEOUT`. Use it from one
    thread only."""

    def __init__(self, connection: Any) -> None:
        self._conn = connection

    @property
    def unique_name(self) -> str:
        return str(self._conn.unique_name)

    def call(
        self,
        destination: str,
        path: str,
        interface: str,
        member: str,
        signature: str | None = None,
        body: tuple[Any, ...] = (),
    ) -> tuple[Any, ...]:
        """The reply's body; BusError when the call fails or times out."""
        from jeepney import DBusAddress, MessageType, new_method_call

        address = DBusAddress(path, bus_name=destination, interface=interface)
        message = new_method_call(address, member, signature, body)
        try:
            reply = self._conn.send_and_get_reply(message, timeout=CALL_TIMEOUT)
        except (OSError, TimeoutError, ValueError) as error:
            raise BusError(f"{destination} did not answer {member}: {error}") from error
        if reply.header.message_type is MessageType.error:
            raise BusError(f"{destination} refused {member}: {reply.body}")
        return tuple(reply.body)

    def names(self) -> list[str]:
        found = self.call(
            "org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus",
            "ListNames",
        )
        return [str(name) for name in found[0]]

    def get(self, destination: str, path: str, interface: str, name: str) -> Any:
        found = self.call(
            destination, path, "org.freedesktop.DBus.Properties", "Get", "ss", (interface, name)
        )
        return variant_value(found[0])

    def set(
        self, destination: str, path: str, interface: str, name: str, signature: str, value: Any
    ) -> None:
        self.call(
            destination,
            path,
            "org.freedesktop.DBus.Properties",
            "Set",
            "ssv",
            (interface, name, (signature, value)),
        )

    def close(self) -> None:
        self._conn.close()


def open_client() -> Client:
    """A blocking client connection, or BusError."""
    from jeepney.io.blocking import open_dbus_connection

    try:
        return Client(open_dbus_connection(bus="SESSION"))
    except (OSError, KeyError, RuntimeError, ValueError) as error:
        raise _no_bus(error) from error
