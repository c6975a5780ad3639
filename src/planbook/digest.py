"""Digests without OpenSSL. `import hashlib` loads the OpenSSL library first, a few
milliseconds at every start, though Python builds the same algorithms in as modules of their
own. Cache keys are BLAKE2b; fingerprints stay SHA-256, as the baselines and SARIF files
written before hold them; a file is matched to a blob of git's by the name git gives it."""

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

try:
    from _sha1 import sha1
except ImportError:  # pragma: no cover - a Python built without it
    from hashlib import sha1

__all__ = ["blake2b", "blob_name", "cache_key", "sha1", "sha256"]


def cache_key(data: bytes) -> str:
    """A digest of `data` for a cache key."""
    return blake2b(data, digest_size=32).hexdigest()


def blob_name(data: bytes, like: str) -> str:
    """The name git gives a blob holding `data`, in the object format of the name `like`
    (SHA-1, or SHA-256 in a repository made with --object-format=sha256): equal to `like`
    exactly when the blob `like` names holds these bytes."""
    digest = sha256 if len(like) == 64 else sha1
    return digest(b"blob %d\0" % len(data) + data).hexdigest()
