# ruff: noqa: E501  (data tables: one row of places per line reads better than wrapping)
"""Write ops/eval/geo/messages.jsonl: the labelled message set for place extraction.

Hand-written templates (what citizens write to a municipal line in an earthquake or a
flood) are filled with hand-picked places, each labelled with the prefecture and
municipality it names; messages that name no place are labelled null. The places come
from past disasters (Noto 2024, Kumamoto 2016, western Japan floods 2018, Tohoku 2011,
…) and ordinary cities; none were chosen by looking at what the geotagger gets right.
Regenerate with `.venv/bin/python ops/eval/geo/make_messages.py` (deterministic).
"""

from __future__ import annotations

import json
from pathlib import Path

OUT = Path(__file__).with_name("messages.jsonl")

# (place as written, prefecture, municipality)
PLACES_JA: list[tuple[str, str, str]] = [
    ("輪島市河井町", "石川県", "輪島市"), ("石川県輪島市門前町", "石川県", "輪島市"),
    ("珠洲市正院町", "石川県", "珠洲市"), ("珠洲市", "石川県", "珠洲市"),
    ("七尾市藤橋町", "石川県", "七尾市"), ("七尾市の七尾中学校", "石川県", "七尾市"),
    ("能登町", "石川県", "能登町"), ("穴水町", "石川県", "穴水町"), ("志賀町", "石川県", "志賀町"),
    ("金沢市", "石川県", "金沢市"), ("真備町", "岡山県", "倉敷市"), ("倉敷市真備町箭田", "岡山県", "倉敷市"),
    ("岡山市北区", "岡山県", "岡山市北区"), ("人吉市", "熊本県", "人吉市"), ("球磨村", "熊本県", "球磨村"),
    ("熊本県益城町", "熊本県", "益城町"), ("熊本市東区", "熊本県", "熊本市東区"), ("南阿蘇村", "熊本県", "南阿蘇村"),
    ("長野市", "長野県", "長野市"), ("宮城県丸森町", "宮城県", "丸森町"), ("常総市", "茨城県", "常総市"),
    ("厚真町", "北海道", "厚真町"), ("札幌市清田区", "北海道", "札幌市清田区"),
    ("神戸市長田区", "兵庫県", "神戸市長田区"), ("仙台市若林区", "宮城県", "仙台市若林区"),
    ("石巻市", "宮城県", "石巻市"), ("南三陸町", "宮城県", "南三陸町"), ("気仙沼市", "宮城県", "気仙沼市"),
    ("陸前高田市", "岩手県", "陸前高田市"), ("釜石市", "岩手県", "釜石市"), ("宮古市", "岩手県", "宮古市"),
    ("広島市安佐南区", "広島県", "広島市安佐南区"), ("熱海市", "静岡県", "熱海市"), ("呉市", "広島県", "呉市"),
    ("朝倉市", "福岡県", "朝倉市"), ("日田市", "大分県", "日田市"), ("東京都世田谷区", "東京都", "世田谷区"),
    ("横浜市鶴見区", "神奈川県", "横浜市鶴見区"), ("大阪市北区", "大阪府", "大阪市北区"),
    ("名古屋市港区", "愛知県", "名古屋市港区"), ("長岡市", "新潟県", "長岡市"), ("小千谷市", "新潟県", "小千谷市"),
    ("鹿児島市", "鹿児島県", "鹿児島市"), ("那覇市", "沖縄県", "那覇市"), ("静岡市清水区", "静岡県", "静岡市清水区"),
    ("高知市", "高知県", "高知市"), ("徳島市", "徳島県", "徳島市"), ("新宮市", "和歌山県", "新宮市"),
    ("福岡市博多区", "福岡県", "福岡市博多区"), ("北九州市小倉南区", "福岡県", "北九州市小倉南区"),
    ("富山市", "富山県", "富山市"), ("福井市", "福井県", "福井市"), ("酒田市", "山形県", "酒田市"),
    ("秋田市", "秋田県", "秋田市"), ("青森市", "青森県", "青森市"), ("盛岡市", "岩手県", "盛岡市"),
    ("いわき市", "福島県", "いわき市"), ("郡山市", "福島県", "郡山市"), ("水戸市", "茨城県", "水戸市"),
    ("宇都宮市", "栃木県", "宇都宮市"), ("前橋市", "群馬県", "前橋市"),
    ("さいたま市大宮区", "埼玉県", "さいたま市大宮区"), ("千葉市美浜区", "千葉県", "千葉市美浜区"),
    ("八王子市", "東京都", "八王子市"), ("町田市", "東京都", "町田市"), ("甲府市", "山梨県", "甲府市"),
    ("松本市", "長野県", "松本市"), ("岐阜市", "岐阜県", "岐阜市"), ("三重県津市", "三重県", "津市"),
    ("大津市", "滋賀県", "大津市"), ("京都市伏見区", "京都府", "京都市伏見区"), ("奈良市", "奈良県", "奈良市"),
    ("姫路市", "兵庫県", "姫路市"), ("松江市", "島根県", "松江市"), ("鳥取市", "鳥取県", "鳥取市"),
    ("山口市", "山口県", "山口市"), ("松山市", "愛媛県", "松山市"), ("佐賀市", "佐賀県", "佐賀市"),
    ("長崎市", "長崎県", "長崎市"), ("宮崎市", "宮崎県", "宮崎市"),
    ("石川県輪島市河井町２－１", "石川県", "輪島市"), ("熊本県上益城郡益城町宮園", "熊本県", "益城町"),
    ("東京都大田区蒲田５丁目", "東京都", "大田区"), ("大阪府堺市堺区", "大阪府", "堺市堺区"),
    ("広島県呉市天応", "広島県", "呉市"), ("静岡県熱海市伊豆山", "静岡県", "熱海市"),
    ("七尾駅", "石川県", "七尾市"), ("輪島市役所", "石川県", "輪島市"), ("珠洲市の正院小学校", "石川県", "珠洲市"),
]  # fmt: skip

TEMPLATES_JA = [
    "{p}で家が倒壊して祖母が下敷きになっています。助けてください",
    "{p}の自宅周辺が冠水しています。避難所はどこですか",
    "{p}に住んでいます。断水が続いていて水がほしいです",
    "いま{p}にいます。川の水があふれそうで、足の悪い母が逃げられません",
    "{p}付近で土砂崩れがありました。道路が通れません",
    "{p}の避難所に毛布と食料が足りません",
    "【至急】{p}、2階まで浸水。家族4人が屋根の上にいます",
    "{p}で停電しています。いつ復旧しますか？",
    "{p}に住む父と連絡が取れません。安否を確認してもらえますか",
    "{p}でガスの臭いがします",
    "罹災証明書の申請をしたいです。住所は{p}です",
    "{p}のあたりで火事です。煙が見えます",
    "{p}でボランティアを募集していますか",
    "ペットと一緒に{p}の避難所に入れますか",
    "{p}、電柱が倒れて電線が垂れ下がっています",
]

PLACES_EN: list[tuple[str, str, str]] = [
    ("Wajima city", "石川県", "輪島市"), ("Suzu City", "石川県", "珠洲市"), ("Nanao", "石川県", "七尾市"),
    ("Kumamoto City", "熊本県", "熊本市"), ("Mashiki town", "熊本県", "益城町"),
    ("Kurashiki", "岡山県", "倉敷市"), ("Ishinomaki", "宮城県", "石巻市"), ("Kesennuma", "宮城県", "気仙沼市"),
    ("Kobe", "兵庫県", "神戸市"), ("Sendai", "宮城県", "仙台市"), ("Hiroshima City", "広島県", "広島市"),
    ("Atami", "静岡県", "熱海市"), ("Hitoyoshi", "熊本県", "人吉市"), ("Kanazawa", "石川県", "金沢市"),
]  # fmt: skip

TEMPLATES_EN = [
    "I am in {p} and my house collapsed, please send help",
    "We are staying near {p}. Where is the nearest evacuation shelter?",
    "Estou em {p}, precisamos de água e comida",
    "Tôi đang ở {p}, nhà bị ngập, cần giúp đỡ",
]

NO_PLACE = [
    "水がほしい", "停電しています", "避難所はどこですか", "薬がなくなりました。どこでもらえますか",
    "ありがとうございました", "罹災証明書の申請方法を教えてください", "ボランティアに参加したいです",
    "犬を連れて避難できますか", "助けてください、家が流されそう", "祖父が息をしていません",
    "子どもがいなくなりました", "ガスの臭いがします", "お風呂に入れるところはありますか",
    "給水車はいつ来ますか", "大島さんと連絡が取れません", "北側の窓ガラスが割れました",
    "中央の道路が陥没しています", "本当に助かりました", "テストです", "余震が怖くて眠れません",
    "高齢の母が一人暮らしで心配です", "トイレが使えません", "携帯の充電ができる場所はありますか",
    "家の裏山から水が出ています", "屋根が飛ばされました", "川の水位が上がっています",
    "救急車が来ません", "赤ちゃんのミルクがありません", "仮設住宅の申し込みはいつからですか",
    "ゴミの回収はいつ再開しますか", "車中泊をしています。エコノミークラス症候群が心配です",
    "支援物資を送りたいです", "義援金の振込先を教えてください", "学校はいつ再開しますか",
    "田中さんの家が傾いています", "近くの公民館に避難しています", "小学校の体育館にいます",
    "駅の近くで火事です", "橋が落ちています", "Where is the nearest shelter?",
    "We need water and food", "Thank you for your help", "My grandmother is trapped under the house",
    "Is there a shelter that accepts pets?", "No electricity since yesterday",
    "Please help us", "Test message", "Obrigado pela ajuda", "Cần nước uống",
    "请问避难所在哪里", "대피소가 어디예요?", "Saan po ang evacuation center?",
    "Necesitamos medicinas", "Kami butuh air bersih", "山田さんが行方不明です",
    "松本さんに連絡してください", "新井さんの家が燃えています", "上野さんの安否を知りたい",
    "今から避難します", "明日の朝、給水はありますか",
]  # fmt: skip


def main() -> None:
    records: list[dict[str, object]] = []
    for i, (place, prefecture, municipality) in enumerate(PLACES_JA):
        for k in range(3):
            template = TEMPLATES_JA[(i * 3 + k) % len(TEMPLATES_JA)]
            records.append(
                {"text": template.format(p=place), "place": place,
                 "prefecture": prefecture, "municipality": municipality, "language": "ja"}
            )  # fmt: skip
    for i, (place, prefecture, municipality) in enumerate(PLACES_EN):
        for k in range(2):
            template = TEMPLATES_EN[(i * 2 + k) % len(TEMPLATES_EN)]
            records.append(
                {"text": template.format(p=place), "place": place,
                 "prefecture": prefecture, "municipality": municipality, "language": "latin"}
            )  # fmt: skip
    for text in NO_PLACE:
        records.append(
            {
                "text": text,
                "place": None,
                "prefecture": None,
                "municipality": None,
                "language": "any",
            }
        )
    with OUT.open("w", encoding="utf-8") as handle:
        for index, record in enumerate(records):
            handle.write(json.dumps({"id": index, **record}, ensure_ascii=False) + "\n")
    print(f"{OUT}: {len(records)} messages")


if __name__ == "__main__":
    main()
