"""Sign-in throttling: guessing is slowed per client address and per account, and a
stranger's failed guesses never lock an account's own user out of their browser.

A failed sign-in is counted under these keys, each with its limit per window:
- from a browser that has signed in with this name before (it holds a signed
  device cookie naming it): `device:ID:NAME` only, so only that browser is slowed;
- from any other client: `address:ADDRESS` (every failure from one client
  address, whatever the name) and `name:NAME` (shared by every stranger trying
  the name). Strangers together can hold back only other strangers (and the user
  on a browser they never signed in from), never the user's own browser, even
  from behind the same address.
A key at its limit refuses sign-ins until its window ends. Refused attempts
check no password and are not counted, so retrying does not extend the window.
The scheme is OWASP's "device cookies" defence against online guessing.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeSerializer

DEVICE_COOKIE = "cm_device"
DEVICE_DAYS = 365
_NAMES_KEPT = 20


@dataclass(frozen=True, slots=True)
class Device:
    """A browser that signed in before: its random id and the names it signed in with."""

    device_id: str
    names: tuple[str, ...]

    def knows(self, name: str) -> bool:
        """Whether this browser has signed in with the name before."""
        return name in self.names

    def signed_in(self, name: str) -> Device:
        """This browser after a sign-in with the name (the latest names are kept)."""
        names = (*[n for n in self.names if n != name], name)[-_NAMES_KEPT:]
        return Device(self.device_id, names)


def new_device() -> Device:
    """A browser seen for the first time."""
    return Device(secrets.token_urlsafe(16), ())


def read_device(cookie: str | None, signer: URLSafeSerializer) -> Device | None:
    """The device a signed cookie describes (None when absent or forged)."""
    if not cookie:
        return None
    try:
        value = signer.loads(cookie, salt="device")
    except BadSignature:
        return None
    if not (isinstance(value, dict) and isinstance(value.get("id"), str)):
        return None
    names = value.get("names")
    if not (isinstance(names, list) and all(isinstance(n, str) for n in names)):
        return None
    return Device(value["id"], tuple(names))


def device_cookie(device: Device, signer: URLSafeSerializer) -> str:
    """The signed cookie value for a device."""
    return signer.dumps({"id": device.device_id, "names": list(device.names)}, salt="device")


def throttle_limits(
    name: str, address: str, device: Device | None, *, per_account: int, per_address: int
) -> dict[str, int]:
    """The keys an attempt is counted under, each with its limit per window."""
    if device is not None and device.knows(name):
        return {f"device:{device.device_id}:{name}": per_account}
    return {f"address:{address}": per_address, f"name:{name}": per_account}


def throttled(limits: dict[str, int], failures: dict[str, int]) -> bool:
    """Whether any key has reached its limit."""
    return any(failures.get(key, 0) >= limit for key, limit in limits.items())
