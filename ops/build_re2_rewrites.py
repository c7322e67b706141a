"""Write triage/core/re2_rewrites.json: the RE2 rewrite of every expression the
assessment's screens read (`triage.core.pattern_screen`), so that a process does not
parse and rewrite them before its first message.

    .venv/bin/python ops/build_re2_rewrites.py

Run it after editing a lexicon (rules, context, symptoms, injection);
tests/core/test_re2_rewrites.py fails while the file is out of date. A stale file is
slower, never wrong: an expression it does not hold is rewritten when its screen is built.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from triage.assessment import context, injection, rules, symptoms  # noqa: E402
from triage.core.pattern_screen import REWRITES_FILE, to_re2  # noqa: E402

OUTPUT = ROOT / "triage" / "core" / REWRITES_FILE


def screened_expressions() -> list[str]:
    """Every expression a screen of the assessment reads, each once, in a stable order."""
    languages = sorted(rules.load_lexicons())
    found = [
        *(source for language in languages for source in rules.screen_sources(language)),
        *context.screen_sources(),
        *symptoms.screen_sources(),
        *injection.screen_sources(),
    ]
    return list(dict.fromkeys(found))


def rewrites() -> dict[str, str | None]:
    return {source: to_re2(source) for source in screened_expressions()}


def main() -> None:
    table = rewrites()
    OUTPUT.write_text(json.dumps(table, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    size = OUTPUT.stat().st_size // 1024
    print(f"{len(table)} expressions -> {OUTPUT.relative_to(ROOT)} ({size} KiB)")


if __name__ == "__main__":
    main()
