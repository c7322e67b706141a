"""The work, wages and money playbook: pay when the workplace is closed, losing work,
withdrawing savings without a card or passbook, sending money home. It answers those
questions as people write them, and leaves donations, support money for homes, fee
reductions and a new card to the playbooks that answer them."""

from __future__ import annotations

import pytest

from playbooks.matcher import match
from playbooks.seed import default_playbooks
from tests.playbooks.factories import assessment
from triage.assessment.schemas import Category
from triage.routing.decision import AUTO_REPLY_MIN_MATCH_SCORE

LIBRARY = default_playbooks()
PLAYBOOK_ID = "work_wages_and_money"
C = Category

# (the category a person would label the message with, its language, the message)
QUESTIONS: list[tuple[Category, str, str]] = [
    (C.INFORMATION_OTHER, "ja", "地震で工場が休みになりました。給料はもらえますか"),
    (C.INFORMATION_OTHER, "ja", "会社が休業になったけど休業手当って出るの？"),
    (C.CERTIFICATES_SUPPORT, "ja", "被災して会社をクビになった。失業手当の手続きは？"),
    (C.INFORMATION_OTHER, "ja", "通帳もキャッシュカードも流されてお金がおろせません"),
    (C.INFORMATION_OTHER, "ja", "国の家族に送金したいのですが、銀行はいつ開きますか"),
    (C.INFORMATION_OTHER, "ja-easy", "しごとが やすみ です。きゅうりょうは もらえますか"),
    (C.INFORMATION_OTHER, "en", "My factory is closed after the quake. Will I still get paid?"),
    (C.INFORMATION_OTHER, "en", "I lost my bank card and can't withdraw money. What can I do?"),
    (C.INFORMATION_OTHER, "zh", "工厂停工了，这个月的工资还能拿到吗？"),
    (C.INFORMATION_OTHER, "ko", "회사가 쉬는데 월급은 나오나요?"),
    (C.INFORMATION_OTHER, "vi", "Công ty nghỉ vì động đất, tôi có được trả lương không?"),
    (C.INFORMATION_OTHER, "vi", "Tôi muốn gửi tiền về Việt Nam, ngân hàng có mở cửa không?"),
    (C.INFORMATION_OTHER, "pt", "A fábrica parou por causa do terremoto. Vou receber o salário?"),
    (C.INFORMATION_OTHER, "es", "La empresa cerró por el terremoto, ¿me van a pagar el sueldo?"),
    (C.INFORMATION_OTHER, "tl", "Paano magpadala ng pera sa pamilya ko sa Pilipinas?"),
    (C.INFORMATION_OTHER, "ne", "कम्पनी बन्द भयो, तलब पाइन्छ कि पाइँदैन?"),
    (C.INFORMATION_OTHER, "id", "Pabrik tutup karena gempa, apakah gaji tetap dibayar?"),
]

# Questions that share a word with it (money, a bank account, sending, a card) and belong
# to another playbook.
OTHERS: list[tuple[Category, str, str, str]] = [
    (C.VOLUNTEER_DONATION, "ja", "義援金を寄付したいので振込先の銀行口座を教えて", "donations"),
    (
        C.VOLUNTEER_DONATION,
        "en",
        "I want to send money to the victims. Where can I donate?",
        "donations",
    ),
    (C.CERTIFICATES_SUPPORT, "ja", "支援金は銀行口座に振り込まれますか", "housing_support"),
    (
        C.CERTIFICATES_SUPPORT,
        "en",
        "When will the support money be paid to my bank account?",
        "housing_support",
    ),
    (C.CERTIFICATES_SUPPORT, "ko", "지원금은 은행 계좌로 들어오나요?", "housing_support"),
    (C.INFORMATION_OTHER, "ja", "今月の電気代が払えない", "fee_reductions"),
    (C.CERTIFICATES_SUPPORT, "ja", "通帳をなくしました。再発行できますか", "documents_reissue"),
]


@pytest.mark.parametrize(("category", "language", "text"), QUESTIONS)
def test_work_and_money_questions_get_this_playbook(
    category: Category, language: str, text: str
) -> None:
    found = match(assessment(category, language=language, text=text), text, LIBRARY)
    assert found is not None
    assert found.playbook_id == PLAYBOOK_ID, found.reasons
    assert found.score >= AUTO_REPLY_MIN_MATCH_SCORE, found.reasons


@pytest.mark.parametrize(("category", "language", "text", "owner"), OTHERS)
def test_donations_support_money_and_fees_stay_with_their_playbooks(
    category: Category, language: str, text: str, owner: str
) -> None:
    found = match(assessment(category, language=language, text=text), text, LIBRARY)
    assert found is not None
    assert found.playbook_id == owner, found.reasons
