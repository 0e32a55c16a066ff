"""One-time secrets for the dashboard: random tokens, stored only as their SHA-256."""

from __future__ import annotations

import hashlib
import hmac
import secrets


def new_token() -> str:
    """A URL-safe secret with 256 bits of randomness."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What the database keeps instead of the token: a leaked table logs nobody in."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def same_secret(given: str, expected: str) -> bool:
    """Compares secrets in constant time (CSRF tokens)."""
    return hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode("utf-8"))
