import pytest

from triage.assessment.language import SUPPORTED_LANGUAGES, detect_language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("家に閉じ込められています", "ja"),
        ("ﾀｽｹﾃ", "ja"),
        ("火事", "ja"),  # Han only, no Chinese function words: a terse Japanese message
        ("いえに みずが きました。 たすけて ください", "ja-easy"),
        ("Please help, we are trapped in the house", "en"),
        ("我们被困在房子里出不来", "zh"),
        ("집에 갇혀서 나갈 수 없어요", "ko"),
        ("Cứu tôi với, nước lên cao quá", "vi"),
        ("cuu toi voi nuoc len cao qua", "vi"),
        ("Estamos presos dentro de casa, não conseguimos sair", "pt"),
        ("Estamos atrapados en la casa, no podemos salir", "es"),
        ("Tulungan po ninyo kami, naipit kami sa bahay", "tl"),
        ("हामी घरभित्र फसेका छौं", "ne"),
        ("Tolong, rumah kami banjir dan kami terjebak", "id"),
        # Japanese in romaji: answered in easy Japanese (a writer without a Japanese
        # keyboard is often a learner), not in Indonesian, which py3langid guesses.
        ("ashita no kyuusui wa nanji kara desu ka? onegaishimasu", "ja-easy"),
        ("sumimasen, hinanjo wa doko desuka", "ja-easy"),
        # Nepali in Latin letters: answered in Nepali, not Tagalog.
        ("hami ghar ma chhau, bato bandha bhayo, khana chaina", "ne"),
        ("tapai lai kasari sampark garne?", "ne"),
        # Unaccented Vietnamese with everyday words.
        ("cho em hoi diem phat nuoc gan nhat o dau, may gio phat", "vi"),
        # The other Latin-script languages stay what they are.
        ("Donde esta el refugio? Mi casa se cayo", "es"),
        ("Saan po ang evacuation center? May bata po kami", "tl"),
        ("Di mana tempat pengungsian? Rumah saya rusak", "id"),
        ("Where is the nearest shelter, please?", "en"),
    ],
)
def test_detects_each_supported_language(text: str, expected: str) -> None:
    assert detect_language(text) == expected


def test_result_is_always_supported() -> None:
    for text in ["", "123", "🙏", "ok"]:
        assert detect_language(text) in SUPPORTED_LANGUAGES
