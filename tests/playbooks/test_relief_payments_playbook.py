"""The relief payments playbook: the condolence payment to a bereaved family, the payment
for a serious disability, the disaster relief loan and the small emergency loan. It
answers those questions as people write them in every language, and leaves support money
for homes, donations and a mortgage to the playbooks (or the people) that answer them."""

from __future__ import annotations

import pytest

from playbooks.matcher import match
from playbooks.seed import default_playbooks
from tests.playbooks.factories import assessment
from triage.assessment.schemas import Category
from triage.routing.decision import AUTO_REPLY_MIN_MATCH_SCORE

LIBRARY = default_playbooks()
PLAYBOOK_ID = "relief_payments"
C = Category

# (the category a person would label the message with, its language, the message)
QUESTIONS: list[tuple[Category, str, str]] = [
    (C.CERTIFICATES_SUPPORT, "ja", "土砂崩れで祖父が亡くなりました。弔慰金はどこに申請しますか"),
    (C.CERTIFICATES_SUPPORT, "ja", "災害援護資金の貸付は自営業でも受けられますか"),
    (C.CERTIFICATES_SUPPORT, "ja", "当座の生活費がなくて、緊急小口資金を借りたい"),
    (C.CERTIFICATES_SUPPORT, "ja-easy", "いえが こわれました。おかねを かりる ことは できますか"),
    (C.CERTIFICATES_SUPPORT, "en", "My father died in the flood. Is there a condolence payment?"),
    (C.CERTIFICATES_SUPPORT, "en", "Can I get an emergency loan to pay for food this month?"),
    (C.CERTIFICATES_SUPPORT, "zh", "家人在地震中去世了，请问怎么申请吊慰金？"),
    (
        C.CERTIFICATES_SUPPORT,
        "ko",
        "어머니가 이번 지진으로 돌아가셨는데 조위금은 어디서 신청하나요?",
    ),
    (C.CERTIFICATES_SUPPORT, "vi", "Tôi muốn vay tiền để sửa nhà sau lũ, hỏi ở đâu?"),
    (
        C.CERTIFICATES_SUPPORT,
        "pt",
        "Existe empréstimo emergencial para quem perdeu tudo na enchente?",
    ),
    (C.CERTIFICATES_SUPPORT, "es", "¿Dan ayuda por fallecimiento a la familia del que murió?"),
    (C.CERTIFICATES_SUPPORT, "tl", "Pwede po bang makautang sa city hall para sa pagkain?"),
    (C.CERTIFICATES_SUPPORT, "ne", "बाढीमा बुबा बित्नुभयो, मृत्यु राहत रकम कहाँ पाइन्छ?"),
    (C.CERTIFICATES_SUPPORT, "id", "Apakah ada santunan kematian untuk keluarga korban banjir?"),
]

# Questions that share a word with it (money, support, a loan) and belong elsewhere.
OTHERS: list[tuple[Category, str, str, str]] = [
    (C.CERTIFICATES_SUPPORT, "ja", "被災者生活再建支援金はいつ振り込まれますか", "housing_support"),
    (C.VOLUNTEER_DONATION, "ja", "義援金を寄付したいので振込先を教えて", "donations"),
    (C.INFORMATION_OTHER, "ja", "今月の電気代が払えない", "fee_reductions"),
]


@pytest.mark.parametrize(("category", "language", "text"), QUESTIONS)
def test_relief_payment_questions_get_this_playbook(
    category: Category, language: str, text: str
) -> None:
    found = match(assessment(category, language=language, text=text), text, LIBRARY)
    assert found is not None
    assert found.playbook_id == PLAYBOOK_ID, found.reasons
    assert found.score >= AUTO_REPLY_MIN_MATCH_SCORE, found.reasons


@pytest.mark.parametrize(("category", "language", "text", "owner"), OTHERS)
def test_support_money_donations_and_fees_stay_with_their_playbooks(
    category: Category, language: str, text: str, owner: str
) -> None:
    found = match(assessment(category, language=language, text=text), text, LIBRARY)
    assert found is not None
    assert found.playbook_id == owner, found.reasons


def test_a_mortgage_is_not_a_relief_loan() -> None:
    text = "住宅ローンの返済を待ってもらえますか"
    found = match(assessment(C.CERTIFICATES_SUPPORT, language="ja", text=text), text, LIBRARY)
    assert found is None or found.playbook_id != PLAYBOOK_ID
