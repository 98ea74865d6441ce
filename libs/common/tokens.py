"""JWTs with Zou's claims, signed by auth with Ed25519; every service verifies them itself."""

import datetime as dt
import time
import uuid
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

ALGORITHM = "EdDSA"


def ensure_key_pair(private_path: Path, public_path: Path) -> None:
    """Create the signing key pair on first start; later starts keep it."""
    if private_path.exists() and public_path.exists():
        return
    private_path.parent.mkdir(parents=True, exist_ok=True)
    public_path.parent.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    private_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    private_path.chmod(0o600)
    public_path.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )


def issue(
    private_key: bytes,
    subject: str,
    token_type: str,
    lifetime: dt.timedelta | None,
    identity_type: str = "person",
    **extra: Any,
) -> tuple[str, dict[str, Any]]:
    """A signed token and its claims. `lifetime=None` never expires (bots' API keys)."""
    now = dt.datetime.now(dt.UTC)
    claims: dict[str, Any] = {
        "fresh": False,
        "iat": now,
        "nbf": now,
        "jti": str(uuid.uuid4()),
        "type": token_type,
        "sub": str(subject),
        "identity_type": identity_type,
        **extra,
    }
    if lifetime is not None:
        claims["exp"] = now + lifetime
    return jwt.encode(claims, private_key, algorithm=ALGORITHM), claims


# Tokens whose signature this process has checked, with their claims. A client sends the
# same token with every request; its signature cannot change, so it is checked once (the
# check was a tenth of a kept answer's CPU). Expiry is still checked on every use.
_verified: dict[tuple[bytes, str], dict[str, Any]] = {}
VERIFIED_KEPT = 4096


def decode(public_key: bytes, token: str) -> dict[str, Any]:
    """Claims of a valid token; raises jwt.InvalidTokenError otherwise."""
    key = (public_key, token)
    claims = _verified.get(key)
    if claims is None:
        claims = jwt.decode(
            token, public_key, algorithms=[ALGORITHM], options={"require": ["sub", "jti", "type"]}
        )
        if len(_verified) >= VERIFIED_KEPT:
            _verified.pop(next(iter(_verified)))
        _verified[key] = claims
    elif "exp" in claims and claims["exp"] <= time.time():
        raise jwt.ExpiredSignatureError("Signature has expired")
    return dict(claims)
