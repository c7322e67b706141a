"""Japanese place names written in Chinese characters: 轮岛市 → 輪島市, 广岛县吴市 → 広島県呉市.

Chinese-speaking residents write Japanese places in simplified or traditional
characters, which differ from Japanese kanji (轮/輪, 县/縣/県, 泽/澤/沢). OpenCC converts
simplified to traditional and traditional to the Japanese forms (`s2t`, then `t2jp`);
the finders then read the converted text. Only text with Chinese characters and no kana
is converted (kana means Japanese), and OpenCC is loaded on the first such message.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

_IDEOGRAPH = re.compile(r"[\u4e00-\u9fff]")
_KANA = re.compile(r"[\u3041-\u30ff\uff66-\uff9f]")
# Words OpenCC keeps Chinese that the Japanese finders look for as their Japanese form.
_WORDS = {"站": "駅", "机场": "空港", "機場": "空港", "区役所": "区役所", "市政府": "市役所"}


def looks_chinese(text: str) -> bool:
    return _IDEOGRAPH.search(text) is not None and _KANA.search(text) is None


@lru_cache(maxsize=1)
def _converters() -> tuple[Any, Any]:
    import opencc  # the C++ converter and its dictionaries: ~40 ms, only when needed

    return opencc.OpenCC("s2t"), opencc.OpenCC("t2jp")


def to_japanese_kanji(text: str) -> str:
    """`text` with its Chinese characters in their Japanese forms."""
    simplified_to_traditional, traditional_to_japanese = _converters()
    # OpenCC takes UTF-8: a lone surrogate (hostile or broken input) cannot be encoded.
    text = text.encode("utf-8", "replace").decode("utf-8")
    converted: str = traditional_to_japanese.convert(simplified_to_traditional.convert(text))
    for chinese, japanese in _WORDS.items():
        converted = converted.replace(chinese, japanese)
    return converted
