"""Near-duplicate texts (one article reposted by several portals): MinHash over word shingles."""

import hashlib
import json
import zlib
from functools import lru_cache

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
_WORD = regex.compile(r"[\p{L}\d]+")
_CHUNK = 256  # shingle hashes per step of the signature (128 x 256 values stay in cache)
_MAX_SPAN = 1024  # longest run of words (bytes) hashed with the tables; longer ones by zlib


def shingles(text: str) -> set[int]:
    """Hashes of the text's overlapping runs of SHINGLE words (lower case, punctuation
    dropped): the CRC-32 of the words joined by single spaces."""
    return set(_shingle_hashes(text).tolist())


def signature(text: str) -> list[int] | None:
    """The MinHash signature of a text; None for a text with no words."""
    hashes = _shingle_hashes(text)
    if not hashes.size:
        return None
    # (a * h + b) mod p stays below 2**63: a, b < 2**31 and h < 2**32. With p = 2**61 - 1,
    # x mod p is (x & p) + (x >> 61), less p if that reaches p: no division. In chunks of
    # hashes that keep the arrays in cache.
    hashes = hashes.astype(np.uint64)
    prime = np.uint64(_PRIME)
    found = np.full(PERMUTATIONS, np.iinfo(np.uint64).max, dtype=np.uint64)
    for start in range(0, hashes.size, _CHUNK):
        values = np.outer(_A, hashes[start:start + _CHUNK])
        values += _B[:, None]
        high = values >> np.uint64(61)
        values &= prime
        values += high
        if values.max() >= prime:  # rare: a value in 2**59 or so
            values %= prime
        np.minimum(found, values.min(axis=1), out=found)
    return found.tolist()


def _words(text: str) -> list[str]:
    """`_WORD.findall(text.lower())`: every character that is neither letter nor digit
    becomes a space and the text is split there (one table look-up per character)."""
    lowered = text.lower()
    codes = np.frombuffer(lowered.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    if codes.size and codes.max() > 0xFFFF:  # beyond the table
        return _WORD.findall(lowered)
    return _word_or_space()[codes].tobytes().decode("utf-32-le", "surrogatepass").split()


@lru_cache(maxsize=1)
def _word_or_space() -> np.ndarray:
    """For each code point of the Basic Multilingual Plane: itself if `_WORD` takes it
    (a letter or a digit, none of them white space to `str.split`), else a space."""
    table = np.full(0x10000, ord(" "), dtype=np.uint32)
    plane = np.arange(0x10000, dtype=np.uint32)
    plane = plane[(plane < 0xD800) | (plane >= 0xE000)].tobytes().decode("utf-32-le")
    kept = "".join(regex.findall(r"[\p{L}\d]", plane))
    assert kept.split() == [kept]  # no white space among them
    codes = np.frombuffer(kept.encode("utf-32-le"), dtype=np.uint32)
    table[codes] = codes
    return table


def _shingle_hashes(text: str) -> np.ndarray:
    """The CRC-32 of each run of SHINGLE words (repeats kept), as uint32."""
    words = _words(text)
    if len(words) < SHINGLE:
        return np.array([zlib.crc32(" ".join(words).encode())] if words else [], dtype=np.uint32)
    data = np.frombuffer(" ".join(words).encode(), dtype=np.uint8)
    spaces = np.flatnonzero(data == ord(" "))
    starts = np.concatenate(([0], spaces + 1))[:len(words) - SHINGLE + 1]
    ends = np.concatenate((spaces, [data.size]))[SHINGLE - 1:]
    return _crc32_of_slices(data, starts, ends)


def _crc32_of_slices(data: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """`zlib.crc32(data[s:e])` for each (s, e), all at once. CRC-32 without its initial and
    final inversion is linear: it is the XOR of one table entry per byte, chosen by the byte
    and by how many bytes follow it; the inversions add a term that depends on the length only."""
    lengths = ends - starts
    longest = int(lengths.max())
    if longest > _MAX_SPAN:
        view = data.tobytes()
        return np.array([zlib.crc32(view[s:e]) for s, e in zip(starts.tolist(), ends.tolist())], dtype=np.uint32)
    after, of_length = _crc_tables()
    offsets = np.zeros(lengths.size, dtype=np.int64)
    np.cumsum(lengths[:-1], out=offsets[1:])
    total = int(offsets[-1] + lengths[-1])
    # every byte of every slice: its position in `data` and the bytes after it in the slice
    position = np.arange(total, dtype=np.int64) + np.repeat(starts - offsets, lengths)
    following = np.repeat(ends - 1, lengths) - position
    terms = after[following * 256 + data[position]]
    return np.bitwise_xor.reduceat(terms, offsets) ^ of_length[lengths]


@lru_cache(maxsize=1)
def _crc_tables() -> tuple[np.ndarray, np.ndarray]:
    """`after[d * 256 + b]`: CRC-32 register, started at 0, after byte b and d zero bytes;
    `of_length[n]`: zlib.crc32 of n zero bytes (the inversions' share for n bytes)."""
    byte = np.arange(256, dtype=np.uint32)
    table = byte.copy()
    for _ in range(8):
        table = np.where(table & 1, (table >> 1) ^ np.uint32(0xEDB88320), table >> 1).astype(np.uint32)
    rows = [table]
    for _ in range(_MAX_SPAN):
        row = rows[-1]
        rows.append(table[row & 0xFF] ^ (row >> 8))
    of_length = np.array([zlib.crc32(bytes(n)) for n in range(_MAX_SPAN + 1)], dtype=np.uint32)
    return np.concatenate(rows), of_length


def similarity(first: list[int], second: list[int]) -> float:
    """Estimated Jaccard similarity of the shingle sets behind two signatures."""
    return float(np.mean(np.asarray(first) == np.asarray(second)))


def band_keys(sig: list[int]) -> list[str]:
    """One key per band: texts that share a key are candidates for comparison."""
    return list(_band_keys(tuple(sig)))


@lru_cache(maxsize=64)  # a document's keys are wanted twice: to find its original, to store them
def _band_keys(sig: tuple) -> tuple[str, ...]:
    return tuple(f"{band}:" + hashlib.blake2b(_json(sig[band * ROWS:(band + 1) * ROWS]).encode(),
                                              digest_size=8).hexdigest()
                 for band in range(BANDS))


def _json(values: tuple) -> str:
    """`json.dumps(list(values))`, written directly for plain ints."""
    if all(type(value) is int for value in values):
        return "[" + ", ".join(map(str, values)) + "]"
    return json.dumps(list(values))


def encode(sig: list[int] | None) -> str | None:
    return json.dumps(sig) if sig is not None else None


def decode(stored: str) -> list[int]:
    return json.loads(stored)
