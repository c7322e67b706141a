"""Which town names and readings are everyday words, for the gazetteer build.

A town alone is read as a place only when it is not an everyday word: 水道 (a town of
Shinjuku and of Kumamoto) or 近所 must never make "水道の水が出ない" a place, nor
すいどう (水道's reading), ところの (所野: ところ + の) or きんし (錦糸: 禁止) a kana message.
The build asks a dictionary: janome (PyPI, Apache-2.0) and the IPADIC it ships.

- A name in kanji is an everyday word when the dictionary reads it as one word that is
  not a proper noun (名詞,一般 水道, サ変接続 停電, 動詞…); a name it knows as a place or a
  surname (杷木, 山古志), or does not know at all, is not.
- A reading is one when it is written, or read, like a word that is not a proper noun
  (すいどう, きたく 帰宅, ください), or is such a word after or before a particle
  (ところの, したに; のため 野多目, がまた 蒲田).

Installed with the `build-data` extra only; the service reads the list from the gazetteer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

_KANA = re.compile(r"[\u3041-\u3096ー]+")
_PARTICLE_END = re.compile(r"(?:の|に|で|へ|と|や|が|を|は|も|って|から|まで)$")
_PARTICLE_START = re.compile(r"^(?:の|に|で|へ|と|や|が|を|は|も)")
_KATAKANA_TO_HIRAGANA = {code: code - 0x60 for code in range(0x30A1, 0x30F7)}


def _janome() -> tuple[Any, Any]:
    try:
        from janome import sysdic
        from janome.tokenizer import Tokenizer
    except ImportError as error:
        raise SystemExit(
            "janome is not installed: .venv/bin/pip install -e '.[build-data]'"
        ) from error
    return Tokenizer(), sysdic


def _everyday_kana(sysdic: Any) -> set[str]:
    """Every way a word that is not a proper noun is written in kana or read, in hiragana."""
    kana: set[str] = set()
    for entry in sysdic.entries().values():
        surface, part_of_speech, reading = entry[0], entry[4], entry[8]
        if "固有名詞" in part_of_speech:
            continue
        kana.add(reading.translate(_KATAKANA_TO_HIRAGANA))
        if _KANA.fullmatch(surface):
            kana.add(surface)
    return kana


def ordinary_words(names: Iterable[str]) -> list[str]:
    """The names, among `names`, that are everyday words (see the module's docstring)."""
    tokenizer, sysdic = _janome()
    everyday = _everyday_kana(sysdic)
    found: list[str] = []
    for name in sorted(set(names)):
        if _KANA.fullmatch(name):
            parts = {_PARTICLE_END.sub("", name), _PARTICLE_START.sub("", name)}
            if name in everyday or any(len(p) >= 2 and p in everyday for p in parts - {name}):
                found.append(name)
            continue
        tokens = list(tokenizer.tokenize(name))
        if len(tokens) != 1 or tokens[0].node_type != "SYS_DICT":
            continue
        if "固有名詞" not in tokens[0].part_of_speech:
            found.append(name)
    return found
