"""The words around place names: what follows a place (particles, facility words), what
makes a name a person (honorifics), which stems and readings are everyday words, and
the characters that separate words in Chinese. Shared by the finders of places written
as people write them (`short_names`, `towns_alone`, `landmarks`, `wards`)."""

from __future__ import annotations

import re

SUFFIXES = ("市", "町", "村")
KANA_SUFFIXES = ("ちょう", "まち", "むら", "そん", "し")
MIN_READING = 3
KANJI = "\u4e00-\u9fff\u3005"
KANJI_CHAR = re.compile(f"[{KANJI}]")
KANJI_RUN = re.compile(f"[{KANJI}]+")
# A reading in kana stands as a word only when no kana, kanji or digit is right before
# it: 2かい is the second floor, 3じ a time, not 甲斐市. The class a scan tests the
# character before a name with, and the same as look-behinds for a pattern, which also
# keep out a digit and a space ("2 かい").
BEFORE_A_READING = re.compile(f"[\u3041-\u309f{KANJI}0-9]")
NOT_AFTER_A_READING_JOIN = rf"(?<![\u3041-\u309f{KANJI}0-9])(?<![0-9]\s)"
# After a stem, these keep it a place although a kanji follows (輪島中学校, 上田駅前).
FACILITY = re.compile(
    r"(?:駅|站|港|中学|小学|高校|高等|中央|市内|町内|村内|地区|地方|方面|周辺|役所|役場|病院|"
    r"城|空港|大橋|警察|消防|公民館|体育館|支所|市街|インター|温泉|漁港|大学|東|西|南|北)"
)
# In Chinese a place name stands between function characters with no space or kana:
# "請問函館的避難所", "從高山到名古屋", "住在大分日田", "离开富士宫" (開 of 離開, "leave").
# In text that reads as Chinese these count as word boundaries; in Japanese a kanji beside
# a stem still joins it to a longer name (高山植物, 府中京区).
# (従 is OpenCC's Japanese form of 從: 從金澤到富山 converts to 従金沢到富山.)
CHINESE_BOUNDARIES = (
    "在到從从従去回住來来于於和與与問问的那这這附边邊辺車车站駅县縣区區或往至近里裡下海開开被把給给"
)
# In Chinese a verb of being or going right before a name says it is the place: 住在高山,
# 在冈崎工作, 去博多 (the finders read the text once converted to Japanese kanji).
CHINESE_PLACE_BEFORE = "在到去回從从従來来往住"
HONORIFIC = re.compile(r"(?:さん|様|さま|くん|君|ちゃん|氏|先生|家|選手|商店|屋|社長)")
# Kana that may stand next to a reading: particles and copulas ("かなざわ に", "すず です").
PARTICLE = r"(?:の|に|で|から|は|です|まで|へ|より|を|が|って|や|と|ね|よ|[\s。、,.!?！？]|$)"
PARTICLE_AFTER = re.compile(PARTICLE)
# Readings that look like inflected words (設楽 したら, 宍粟 しそう, 長井 ながい).
INFLECTED = re.compile(r"(?:たら|だら|そう|ない|たい|いた|きい|った|れば|ます)$")
# Town names that are also everyday words for a side or a spot (北側, 駅前, 川沿い).
GENERIC_SPOT = re.compile(r"(?:側|前|裏|沿い|付近|周辺|近く|辺り|あたり)$")
# Stems and readings that are everyday words more often than places.
COMMON_STEMS = frozenset(
    {"中央", "朝日", "大和", "平和", "昭和", "大正", "明和", "本町", "新町", "美里", "清水",
     "日の出", "緑", "港", "東", "西", "南", "北", "中", "旭", "栄", "光", "和光", "長生",
     "行方", "東北", "北海", "大木", "大島", "中島", "高山", "白石", "本宮", "能登"}
)  # fmt: skip
COMMON_READINGS = frozenset(
    {"あさひ", "みどり", "みなみ", "ひがし", "にし", "きた", "ちゅうおう", "やまと", "さくら",
     "みずほ", "さかえ", "ひかり", "ほんまち", "しんまち", "みさと", "しみず", "わこう",
     "なか", "みなと", "あおば", "いずみ", "はなみずき", "たから", "しらかわ", "すいた",
     "おおき", "ながい", "たかい", "ひろい", "あつい", "さむい", "いわない", "たいない",
     # Words a message in kana writes, each the reading of a municipality too: 痛み 伊丹,
     # 調子 銚子, 機械 喜界, 限界 玄海, 瓦 香春, 倒壊 東海, 泊まり 泊, 流す 長洲, 向こう 向日,
     # 安堵, 女 恩納, 氷 桑折, 仲間 中間, 火災 加西, 多い おおい, 白い 白井, 鋏 波佐見, 箒 伯耆,
     # 効果 甲賀, 交付 甲府, 牛蒡 御坊, 待機 大樹, 厚着 厚木, 勇気 結城, 捜査 匝瑳, そうか 草加,
     # なんと 南砺, ながら 長柄, 川辺, 日の出, 五千 五泉. Read with their own し/まち/むら only
     # ("いたみ し", `short_names`).
     "いたみ", "ちょうし", "きかい", "げんかい", "かわら", "とうかい", "とまり", "ながす",
     "むこう", "あんど", "おんな", "こおり", "なかま", "かさい", "おおい", "しろい", "はさみ",
     "ほうき", "こうか", "こうふ", "ごぼう", "たいき", "あつぎ", "ゆうき", "そうさ", "そうか",
     "なんと", "ながら", "かわべ", "ひので", "ごせん"}
)  # fmt: skip
# One-kanji municipalities whose kanji is rarely anything else: read where it stands
# alone (呉から, 堺の, 柏駅). 津, 森, 坂, 関, 光, 東 and the others are everyday words.
ONE_KANJI_NAMES = frozenset("呉堺柏蕨燕萩塙")
# Stems that name a region more often than their municipality: 石川の能登 is the peninsula.
REGIONS = frozenset({"能登", "東北", "中央"})
# After any stem, 地方 makes it the region (気象庁's 魚沼地方 is six municipalities).
REGION_AFTER = ("地方",)
# Words of time written in kanji right before a name, with no particle between: "来週箱根に
# 行く". Any other kanji before a stem joins it to a longer word (鹿児島, 高山植物).
TIME_WORDS = (
    "今日", "明日", "昨日", "今週", "来週", "先週", "今月", "来月", "先月", "今年", "来年",
    "去年", "昨年", "毎年", "毎日", "今朝", "今夜", "今晩", "週末", "連休", "年末",
)  # fmt: skip
KATAKANA_TO_HIRAGANA = {code: code - 0x60 for code in range(0x30A1, 0x30F7)}
