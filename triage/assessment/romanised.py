"""Japanese and Nepali typed in Latin letters (romaji, romanised Nepali): phones without a
Japanese or Devanagari keyboard. py3langid reads both as Indonesian or Tagalog, so a
reply would come in a language the writer does not read; marker words settle it."""

from __future__ import annotations

import re
from collections.abc import Sequence

# Japanese typed in Latin letters (romaji, no Japanese keyboard): polite verb endings and
# words a romaji writer uses that the other Latin-script languages do not. Answered in
# easy Japanese (やさしい日本語): a writer without a Japanese keyboard is often a learner.
_ROMAJI_ENDING = re.compile(r"(?:masu|masen|mashita|masuka|masenka|desu|deshita|desuka)$")
_ROMAJI_WORDS = frozenset(
    [
        "kudasai",
        "onegai",
        "onegaishimasu",
        "sumimasen",
        "arigatou",
        "arigato",
        "gozaimasu",
        "hinanjo",
        "doko",
        "daijoubu",
        "daijobu",
        "tasukete",
        "yokatta",
        "nandesuka",
        "dekimasu",
        "imasu",
        "arimasu",
        "kyou",
        "ashita",
        "kinou",
        "watashi",
        "boku",
        # Words and endings of plain (not polite) romaji, common in a hurried message.
        "kedo",
        "keredo",
        "shite",
        "shiteru",
        "shiteta",
        "kakunin",
        "renraku",
        "denwa",
        "jitaku",
        "tonari",
        "obaachan",
        "ojiichan",
        "minna",
        "sukunai",
        "okinai",
        "mienai",
        "tsukanai",
        "nanka",
        "chotto",
        # Everyday nouns and verb forms of a message about home and family. Not the
        # words foreign residents mix into their own language (hinanjo aside): kyusui,
        # risai shoumeisho or shiyakusho in a Nepali or Tagalog message are loanwords.
        "chikaku",
        "kiteru",
        "kite",
        "sofu",
        "sobo",
        "chichi",
        "hito",
        "ooi",
        "issho",
        "basho",
        "ookii",
        "itsu",
        "zenkai",
        "hankai",
        "fukkyuu",
        "ofuro",
        "denki",
        "suidou",
        "jishin",
        "taifuu",
        "gakkou",
        "byouin",
        "wakaranai",
        "dekiru",
        "shitai",
        "hairitai",
        "ikitai",
        "kudasai",
    ]
)
# Nepali typed in Latin letters (romanised, as on phones without Devanagari): verb
# endings and words the other Latin-script languages do not use.
_ROMAN_NEPALI_WORDS = frozenset(
    [
        "cha",
        "chha",
        "chhu",
        "chhau",
        "chhan",
        "chhaina",
        "chaina",
        "hunchha",
        "huncha",
        "bhayo",
        "bhaeko",
        "bhako",
        "sakiyo",
        "sakina",
        "lagyo",
        "garnus",
        "garnu",
        "garne",
        "dinus",
        "kaha",
        "kahaa",
        "hami",
        "mero",
        "timro",
        "tapai",
        "tapaai",
        "hajur",
        "kripaya",
        "najik",
        "ghar",
        "khana",
        "bato",
        "bandha",
        "kasari",
        "ramro",
        "lagi",
        "chahincha",
        "chahinchha",
        "chahiyo",
        "basxu",
        "basxa",
        "baschu",
        "baschhu",
        "kagaj",
        "garna",
        "garcha",
        "garchha",
        "pathaune",
    ]
)


def romanised_language(words: Sequence[str]) -> str | None:
    """Japanese ("ja-easy") or Nepali written in Latin letters, or None, from the message's
    lower-case words: two marker words at least and a sixth of the words (py3langid reads
    both as Indonesian or Tagalog)."""
    if len(words) < 2:
        return None
    romaji = sum(1 for w in words if w in _ROMAJI_WORDS or _ROMAJI_ENDING.search(w))
    nepali = sum(1 for w in words if w in _ROMAN_NEPALI_WORDS)
    best, language = max((romaji, "ja-easy"), (nepali, "ne"))
    if best >= 2 and best * 6 >= len(words) and romaji != nepali:
        return language
    return None
