"""Digests without OpenSSL. `import hashlib` loads the OpenSSL library first, a few
milliseconds at every start, though Python builds the same algorithms in as modules of their
own. Cache keys are BLAKE2b; fingerprints stay SHA-256, as the baselines and SARIF files
written before hold them."""

from __future__ import annotations

try:
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - a Python built without it
    from hashlib import blake2b

try:  # Python 3.12 and later name it _sha2
    from _sha2 import sha256
except ImportError:
    try:
        from _sha256 import sha256
    except ImportError:  # pragma: no cover - a Python built without it
        from hashlib import sha256

__all__ = ["blake2b", "cache_key", "sha256"]


def cache_key(data: bytes) -> str:
    """A digest of `data` for a cache key."""
    return blake2b(data, digest_size=32).hexdigest()
