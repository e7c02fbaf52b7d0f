"""Near-duplicate texts (one article reposted by several portals): MinHash over word shingles."""

import json
import zlib
from functools import lru_cache

import numpy as np
import regex

SHINGLE = 5  # words per shingle
PERMUTATIONS = 128
THRESHOLD = 0.8  # estimated Jaccard similarity from which two texts are one article
# Locality-sensitive hashing: a band agrees when two signatures agree on its 4 rows (chance
# s**4 at similarity s), and texts are compared when at least 3 of their 32 bands agree.
# That finds a pair at similarity 0.8 with probability 0.99999 and pairs texts at 0.3 with
# probability 0.003 (0.12: 1e-8), so a new text is compared with few, not with all the
# articles of its genre it shares phrases with.
BANDS, ROWS, SHARED_BANDS = 32, 4, 3
# One hash function per permutation: h -> (a * h + b) mod p with p prime and a, b drawn
# from [1, p): a universal family, so the chance that two texts have the same minimum under
# one of them is the Jaccard similarity of their shingle sets.
_PRIME = (1 << 31) - 1
_RANDOM = np.random.default_rng(20261127)  # fixed: signatures must compare across runs
_A = _RANDOM.integers(1, _PRIME, PERMUTATIONS, dtype=np.uint64)
_B = _RANDOM.integers(1, _PRIME, PERMUTATIONS, dtype=np.uint64)
_FOLD_MULTIPLIER, _MIX = np.uint64(0x9E3779B97F4A7C15), np.uint64(0xBF58476D1CE4E5B9)  # band keys
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
    # h < 2**32 is first brought below p; then a * h + b < 2**62 fits in 64 bits. x mod p
    # for p = 2**31 - 1 is (x & p) + (x >> 31), twice, with no division; the result may
    # still be p or p + 1 (0 or 1 mod p): the same for every text, so minima compare alike.
    # In chunks of hashes that keep the arrays in cache.
    prime, shift = np.uint64(_PRIME), np.uint64(31)
    hashes = hashes.astype(np.uint64)
    hashes = (hashes & prime) + (hashes >> shift)
    found = np.full(PERMUTATIONS, np.iinfo(np.uint64).max, dtype=np.uint64)
    for start in range(0, hashes.size, _CHUNK):
        values = np.outer(_A, hashes[start:start + _CHUNK])
        values += _B[:, None]
        for _ in range(2):
            high = values >> shift
            values &= prime
            values += high
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
    code_points = np.arange(0x10000, dtype=np.uint32)
    plane = code_points[(code_points < 0xD800) | (code_points >= 0xE000)].tobytes().decode("utf-32-le")
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


def band_keys(sig: list[int]) -> list[int]:
    """One key per band: texts that share a key are candidates for comparison. Each band's
    number and rows folded into 64 bits (a polynomial hash, then mixed), as SQLite's signed
    integers: keys of different bands differ, so one index holds them all."""
    rows = np.array(sig, dtype=np.uint64).reshape(BANDS, ROWS)
    folded = np.arange(BANDS, dtype=np.uint64)
    for row in range(ROWS):  # wraps around 2**64, as intended
        folded = folded * _FOLD_MULTIPLIER + rows[:, row]
    folded ^= folded >> np.uint64(29)
    folded *= _MIX
    folded ^= folded >> np.uint64(32)
    return folded.view(np.int64).tolist()


def encode(sig: list[int] | None) -> str | None:
    return json.dumps(sig) if sig is not None else None


def decode(stored: str) -> list[int]:
    return json.loads(stored)
