from triage.assessment.normalize import normalize


def test_half_width_katakana_and_katakana_fold_to_hiragana() -> None:
    assert normalize("ﾀｽｹﾃ") == normalize("タスケテ") == normalize("たすけて") == "たすけて"


def test_full_width_latin_is_lowered() -> None:
    assert normalize("ＨＥＬＰ  Me") == "help me"


def test_latin_accents_drop_but_dakuten_stay() -> None:
    assert normalize("Cứu tôi với") == "cuu toi voi"
    assert normalize("Não consigo sair") == "nao consigo sair"
    assert normalize("ガス") == "がす"  # not "かす"


def test_repeated_marks_collapse() -> None:
    assert normalize("たすけてーーー！！！") == "たすけてー!"
