"""Content-addressed archive of raw bytes, written before anything parses them."""

import hashlib
import os
from pathlib import Path


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def archive(data: bytes, raw_dir: Path) -> Path:
    """Store `data` under raw_dir/ab/abcdef...; idempotent, atomic."""
    digest = sha256(data)
    target = raw_dir / digest[:2] / digest
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_suffix(".tmp")
        temporary.write_bytes(data)
        os.replace(temporary, target)
    return target
