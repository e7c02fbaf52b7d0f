"""Near-duplicate texts (one article reposted by several portals): MinHash over word shingles."""

import hashlib
import json
import zlib

import numpy as np
import regex

SHINGLE = 5  # words per shingle
PERMUTATIONS = 128
THRESHOLD = 0.8  # estimated Jaccard similarity from which two texts are one article
# Locality-sensitive hashing: two texts whose signatures agree on every row of any one band
# are compared. 32 bands of 4 rows find a pair at similarity 0.8 with probability > 0.9999
# and rarely pair texts below 0.3, so a new text is compared with a few, not all.
BANDS, ROWS = 32, 4
_PRIME = (1 << 61) - 1
_RANDOM = np.random.default_rng(20240601)  # fixed: signatures must compare across runs
_A = _RANDOM.integers(1, 1 << 31, PERMUTATIONS, dtype=np.uint64)
_B = _RANDOM.integers(0, 1 << 31, PERMUTATIONS, dtype=np.uint64)


def shingles(text: str) -> set[int]:
    """Hashes of the text's overlapping runs of SHINGLE words (lower case, punctuation dropped)."""
    words = regex.findall(r"[\p{L}\d]+", text.lower())
    if len(words) < SHINGLE:
        return {zlib.crc32(" ".join(words).encode())} if words else set()
    return {zlib.crc32(" ".join(words[i:i + SHINGLE]).encode()) for i in range(len(words) - SHINGLE + 1)}


def signature(text: str) -> list[int] | None:
    """The MinHash signature of a text; None for a text with no words."""
    hashes = np.fromiter(shingles(text), dtype=np.uint64)
    if not hashes.size:
        return None
    # (a * h + b) mod p stays below 2**63: a, b < 2**31 and h < 2**32.
    values = (np.outer(_A, hashes) + _B[:, None]) % np.uint64(_PRIME)
    return values.min(axis=1).tolist()


def similarity(first: list[int], second: list[int]) -> float:
    """Estimated Jaccard similarity of the shingle sets behind two signatures."""
    return float(np.mean(np.asarray(first) == np.asarray(second)))


def band_keys(sig: list[int]) -> list[str]:
    """One key per band: texts that share a key are candidates for comparison."""
    return [f"{band}:" + hashlib.blake2b(json.dumps(sig[band * ROWS:(band + 1) * ROWS]).encode(), digest_size=8).hexdigest()
            for band in range(BANDS)]


def encode(sig: list[int] | None) -> str | None:
    return json.dumps(sig) if sig is not None else None


def decode(stored: str) -> list[int]:
    return json.loads(stored)
