"""Password hashing (Argon2id, the OWASP-recommended default) and secret tokens."""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_HASHER = PasswordHasher()
# A hash of a random password: verifying against it when a name is unknown
# takes as long as for a real account, so timing does not tell names apart.
_DUMMY = _HASHER.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    """An Argon2id hash of the password, with its own salt and parameters."""
    return _HASHER.hash(password)


def check_password(stored: str | None, password: str) -> bool:
    """Whether the password matches the stored hash (constant work for unknown users)."""
    try:
        return _HASHER.verify(stored or _DUMMY, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def new_secret(prefix: str = "") -> str:
    """A fresh random secret (256 bits), URL-safe."""
    return prefix + secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """What is stored for a session id or token: its SHA-256, never the secret itself."""
    return hashlib.sha256(secret.encode()).hexdigest()
