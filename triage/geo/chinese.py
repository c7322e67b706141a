"""Japanese place names written in Chinese characters: 轮岛市 → 輪島市, 广岛县吴市 → 広島県呉市.

Chinese-speaking residents write Japanese places in simplified or traditional
characters, which differ from Japanese kanji (轮/輪, 县/縣/県, 泽/澤/沢). OpenCC converts
simplified to traditional and traditional to the Japanese forms (`s2t`, then `t2jp`);
the finders then read the converted text. Only text that reads as Chinese is converted:
no kana, and a Chinese function word (的, 吗, 们, 这, 请 …) that Japanese does not use.
Conversion is not safe on Japanese (s2t turns 岩見沢 into 巌見沢, 里 into 裏), so the
converted text is read only when the message as written named no municipality. OpenCC
is loaded on the first such message.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

_KANA = re.compile(r"[\u3041-\u30ff\uff66-\uff9f]")
# Chinese function words Japanese does not use (了 and 在 it does: 了解, 在宅), and common
# simplified characters no Japanese text holds (说 説, 发 発, 马 馬, 离 離, 开 開): "据说
# 富士山马上要喷发了" has no function word of the list but is Chinese all the same.
_CHINESE_WORDS = re.compile(
    r"[的吗嗎们們这這哪您呢吧么麼没沒谢謝请請还還啊呀我你]|可以|什么|怎么|怎麼"
    r"|[说发马开离转紧门东车时过对从给让进边头样实现经见间问长]"
)
# Words OpenCC keeps Chinese that the Japanese finders look for as their Japanese form.
_WORDS = {"站": "駅", "机场": "空港", "機場": "空港", "市政府": "市役所"}


def looks_chinese(text: str) -> bool:
    return _KANA.search(text) is None and _CHINESE_WORDS.search(text) is not None


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
