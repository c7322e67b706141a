"""py3langid's model, restricted to our Latin-script languages, kept uncompressed in the
user's cache so a process's first Latin-script message does not wait for it.

py3langid ships its model LZMA-compressed; decompressing it is most of the ~0.4 s a
first English or Vietnamese message paid in `triage assess`. The first process that
needs it decompresses it as before and writes the arrays our languages use (1/14 of the
language columns) as a plain .npz under `$XDG_CACHE_HOME/triage/` (default
`~/.cache/triage/`); later processes read that in ~0.05 s. The file holds the public
model only, no citizen text. Its name carries py3langid's version, the model file's
size and time and the languages, so an upgrade writes a new one. Any problem with the
cache (unwritable home, a damaged file) falls back to the package's own loading: the
cache may make start-up faster, never different.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import zipfile
from array import array
from collections.abc import Callable, Sequence
from importlib.metadata import version
from pathlib import Path

import numpy as np
import py3langid.langid as langid
from py3langid.modelio import load_model

logger = logging.getLogger(__name__)
# np.savez's stubs read named arrays as its own keyword arguments.
save_arrays: Callable[..., None] = np.savez

# The arrays LanguageIdentifier takes, by the names py3langid's own model file uses.
_ARRAYS = ("ptc", "pc", "classes", "nextmove", "nextmove_row", "out_feat")


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "triage"


def model_path() -> Path:
    return Path(str(langid.MODEL_DIR)) / str(langid.MODEL_FILE)


def cache_file(languages: Sequence[str]) -> Path:
    stat = model_path().stat()
    key = f"{version('py3langid')}|{stat.st_size}|{stat.st_mtime_ns}|{','.join(languages)}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return cache_dir() / f"langid-{digest}.npz"


def load_identifier(languages: Sequence[str]) -> langid.LanguageIdentifier:
    """An identifier restricted to `languages` (normalised probabilities), read from the
    cache when it is there, else built from the package's model and cached."""
    path = cache_file(languages)
    try:
        return _from_arrays(_read(path))
    except FileNotFoundError:
        pass
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as error:
        logger.warning("langid cache %s unreadable (%s); reading the package's", path, error)
    arrays = _restricted_arrays(languages)
    _write(path, arrays)
    return _from_arrays(arrays)


def _restricted_arrays(languages: Sequence[str]) -> dict[str, np.ndarray]:
    ptc, pc, classes, nextmove, row, output = load_model(model_path())
    wanted = set(languages)
    columns = [i for i, language in enumerate(classes) if language in wanted]
    return {
        "ptc": np.asarray(ptc)[:, columns],
        "pc": np.asarray(pc)[columns],
        "classes": np.array([classes[i] for i in columns]),
        "nextmove": np.frombuffer(nextmove, dtype=_dtype(nextmove)),
        "nextmove_row": np.frombuffer(row, dtype=_dtype(row)),
        "out_feat": np.asarray(output, dtype=np.int32),
    }


def _dtype(values: array[int]) -> np.dtype[np.unsignedinteger]:
    return np.dtype(f"u{values.itemsize}")


def _from_arrays(arrays: dict[str, np.ndarray]) -> langid.LanguageIdentifier:
    # The DFA tables as the stdlib arrays py3langid walks (it indexes them per byte).
    nextmove = array(arrays["nextmove"].dtype.char, arrays["nextmove"].tobytes())
    row = array(arrays["nextmove_row"].dtype.char, arrays["nextmove_row"].tobytes())
    return langid.LanguageIdentifier(
        arrays["ptc"],
        arrays["pc"],
        arrays["classes"].tolist(),
        nextmove,
        arrays["out_feat"].tolist(),
        norm_probs=True,
        tk_row=row,
    )


def _read(path: Path) -> dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as data:
        return {name: data[name] for name in _ARRAYS}


def _write(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Atomically (a reader never sees half a file); silently skipped where the cache
    cannot be written: a read-only home only costs the faster start."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as out:
            save_arrays(out, **arrays)
        os.replace(out.name, path)
    except OSError as error:
        logger.debug("language model cache not written to %s: %s", path, error)
