"""The cached language model reads exactly like py3langid's own, and a cache that
cannot be used only costs time."""

from pathlib import Path

import py3langid.langid as langid
import pytest

from triage.assessment import langid_cache
from triage.assessment.language import LATIN_LANGUAGES

TEXTS = [
    "Where is the nearest shelter? We are near the station",
    "Onde fica o abrigo mais perto? Estamos em Hamamatsu",
    "¿Dónde está el refugio? Mi abuela no puede caminar",
    "Nasaan po ang evacuation center sa Wajima?",
    "Di mana tempat pengungsian terdekat? Kami di Oarai",
    "Nha toi bi ngap nuoc, cuu voi",
    "Xin hỏi nơi sơ tán gần nhất ở đâu",
    "help",
]


def package_identifier() -> langid.LanguageIdentifier:
    identifier = langid.LanguageIdentifier.from_modelpath(
        Path(langid.MODEL_DIR) / langid.MODEL_FILE, norm_probs=True
    )
    identifier.set_languages(LATIN_LANGUAGES)
    return identifier


@pytest.fixture()
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return tmp_path / "triage"


def test_the_cached_model_ranks_every_text_as_the_package_does(cache_home: Path) -> None:
    expected = package_identifier()
    first = langid_cache.load_identifier(LATIN_LANGUAGES)  # builds and writes the cache
    assert [p.name for p in cache_home.iterdir()] == [langid_cache.cache_file(LATIN_LANGUAGES).name]
    second = langid_cache.load_identifier(LATIN_LANGUAGES)  # reads it
    for text in TEXTS:
        assert first.rank(text) == expected.rank(text)
        assert second.rank(text) == expected.rank(text)


def test_a_written_cache_is_read_without_the_package_model(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    langid_cache.load_identifier(LATIN_LANGUAGES)

    def no_decompression(path: Path) -> None:
        raise AssertionError("the compressed model was read although the cache is there")

    monkeypatch.setattr(langid_cache, "load_model", no_decompression)
    identifier = langid_cache.load_identifier(LATIN_LANGUAGES)
    assert identifier.classify(TEXTS[0])[0] == "en"


def test_a_damaged_cache_falls_back_and_is_rewritten(
    cache_home: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = langid_cache.cache_file(LATIN_LANGUAGES)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a model")
    identifier = langid_cache.load_identifier(LATIN_LANGUAGES)
    assert identifier.rank(TEXTS[1]) == package_identifier().rank(TEXTS[1])
    assert "unreadable" in caplog.text
    assert path.stat().st_size > 1_000_000  # the good one replaced it


def test_an_unwritable_cache_only_costs_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))  # its "triage" folder cannot exist
    identifier = langid_cache.load_identifier(LATIN_LANGUAGES)
    assert identifier.classify(TEXTS[2])[0] == "es"
