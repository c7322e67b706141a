"""Fixed texts the SMS channel sends by itself (keyword acknowledgements, reply footer).

They are bilingual and short: an acknowledgement must fit one or two segments.
"""

from __future__ import annotations

from channels.sms.inbound import Keyword

KEYWORD_REPLIES: dict[Keyword, str] = {
    Keyword.STOP: (
        "配信を停止しました。再開は START と返信。命の危険は119/110へ。"
        " / You are unsubscribed. Reply START to resume."
    ),
    Keyword.START: "配信を再開しました。停止は STOP と返信。 / You are subscribed again.",
    Keyword.HELP: (
        "災害時問い合わせ窓口です。内容を返信すると担当者が確認します。"
        "命の危険は119/110へ。停止は STOP。"
    ),
}

EMERGENCY_LINE = {"ja": "命の危険は119/110へ", "en": "Life in danger: call 119/110"}
STATUS_LINE = {"ja": "詳細:", "en": "More:"}


def reply_footer(status_url: str | None, language: str | None, answer_was_cut: bool) -> str:
    """The tail of an SMS answer: the status link, and the 119/110 line when the answer
    had to be shortened (a full playbook answer already carries it)."""
    lang = "en" if language and not language.startswith("ja") else "ja"
    lines = []
    if answer_was_cut:
        lines.append(EMERGENCY_LINE[lang])
    if status_url:
        lines.append(f"{STATUS_LINE[lang]} {status_url}")
    return "".join("\n" + line for line in lines)
