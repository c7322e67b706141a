"""Columns as ops/build_gazetteer.py packs them: numbers as base64 of little-endian
arrays, strings joined by newlines (JSON parses one long string ~20x faster)."""

from __future__ import annotations

import base64

import numpy as np
import numpy.typing as npt


def unpack_numbers(packed: str, dtype: str) -> npt.NDArray[np.int64]:
    """The inverse of ops/build_gazetteer.py's pack_numbers."""
    return np.frombuffer(base64.b64decode(packed), dtype=dtype).astype(np.int64)


def unpack_degrees(packed: str) -> npt.NDArray[np.float64]:
    """Micro-degrees stored as int32, back to float degrees."""
    return unpack_numbers(packed, "<i4") / 1e6
