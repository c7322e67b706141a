"""Fixed texts the LINE channel sends by itself."""

from __future__ import annotations

WELCOME = (
    "友だち追加ありがとうございます。こちらは災害時の問い合わせ窓口です。\n"
    "困っていること（けが、閉じ込め、水・食料、避難所など）と場所を送ってください。"
    "担当者が内容を確認し、必要に応じて連絡します。よくある質問には自動でお答えします。\n"
    "命に関わる緊急時は、すぐに119（消防・救急）または110（警察）へ電話してください。\n"
    "Thank you for adding us. This is the disaster inquiry desk: tell us what is wrong and "
    "where you are. A person will follow up if needed. "
    "In a life-threatening emergency call 119 or 110 now."
)

SEND_LOCATION_LABEL = "現在地を送る"
