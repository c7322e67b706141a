"""Assessment throughput on one core (a benchmark, not a test).

    .venv/bin/python ops/bench/assess.py [--messages 10000] [--repeats 5]

Pins itself to one CPU, builds a file of N messages from the project's own training
examples (every language, every priority), then measures:
- baseline: json.loads + normalize() per message (the floor any assessment pays);
- engine: AssessmentEngine.assess_local (rules + local model) per message;
- cli: `triage assess` as a subprocess over the file (process start, model and gazetteer
  load, geotagging, playbook matching, JSON out), pinned to the same CPU. The file cycles
  through the ~1,650 training texts, so each text comes ~6 times and `triage assess`
  reuses its verdict for the repeats, as it does for duplicates in a real surge;
- cli_unique: the same with every text made distinct (its message number appended), so
  nothing is reused: the figure for a stream without duplicates;
- startup: `triage assess` over one message, process start to exit, for a Japanese and
  an English message (the first Latin-script message loads the language identifier).
Medians of the repeats; results printed and written to ops/bench/results/assess.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from triage.assessment.engine import AssessmentEngine  # noqa: E402
from triage.assessment.normalize import normalize  # noqa: E402
from triage.assessment.training_run import load_training_examples  # noqa: E402
from triage.core.settings import Settings  # noqa: E402


def build_messages(count: int, *, unique: bool = False) -> list[str]:
    texts = [e["text"] for e in load_training_examples()]
    return [
        json.dumps(
            {
                "id": str(i),
                "text": texts[i % len(texts)] + (f" {i}" if unique else ""),
                "channel": "sms",
            },
            ensure_ascii=False,
        )
        for i in range(count)
    ]


def time_cli(lines: list[str], cpu: int, repeats: int) -> list[float]:
    """Seconds of `triage assess` over `lines`, pinned to `cpu`, once per repeat."""
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
        path = f.name
    triage = str(Path(sys.executable).with_name("triage"))
    seconds = []
    for _ in range(repeats):
        with open(path, encoding="utf-8") as stdin:
            started = time.perf_counter()
            done = subprocess.run(
                ["taskset", "-c", str(cpu), triage, "assess"],
                stdin=stdin,
                stdout=subprocess.PIPE,
                check=True,
            )
            seconds.append(time.perf_counter() - started)
        assert done.stdout.count(b"\n") == len(lines)
    os.unlink(path)
    return seconds


STARTUP_MESSAGES = {
    "ja": "石巻の蛇田で父が倒れて動けません",
    "en": "Where is the shelter in Sendai? We are safe.",
}


def time_startup(cpu: int, repeats: int) -> dict[str, float]:
    """Median seconds of a one-message `triage assess`, per language of the message."""
    return {
        language: round(
            statistics.median(
                time_cli([json.dumps({"id": "1", "text": text}, ensure_ascii=False)], cpu, repeats)
            ),
            2,
        )
        for language, text in STARTUP_MESSAGES.items()
    }


def rate(count: int, seconds: float) -> float:
    return round(count / seconds, 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    cpu = min(os.sched_getaffinity(0))
    lines = build_messages(args.messages)
    engine = AssessmentEngine.load(Settings(llm_base_url=None, llm_model=None))
    engine.assess_local("warm up: 家に閉じ込められています")
    engine.assess_local("warm up: help")  # loads the Latin-script language model

    baseline, local = [], []
    for _ in range(args.repeats):
        started = time.perf_counter()
        for line in lines:
            normalize(json.loads(line)["text"])
        baseline.append(time.perf_counter() - started)
        started = time.perf_counter()
        for line in lines:
            engine.assess_local(json.loads(line)["text"])
        local.append(time.perf_counter() - started)

    cli_repeats = max(1, args.repeats // 2)
    cli = time_cli(lines, cpu, cli_repeats)
    cli_unique = time_cli(build_messages(args.messages, unique=True), cpu, cli_repeats)
    startup = time_startup(cpu, max(5, args.repeats))

    result = {
        "machine": f"{platform.machine()} {os.cpu_count()} CPUs, pinned to CPU {cpu}",
        "python": platform.python_version(),
        "messages": args.messages,
        "repeats": args.repeats,
        "baseline_normalize_per_s": rate(args.messages, statistics.median(baseline)),
        "assess_local_per_s": rate(args.messages, statistics.median(local)),
        "assess_local_us_per_message": round(statistics.median(local) / args.messages * 1e6, 1),
        "cli_triage_assess_per_s": rate(args.messages, statistics.median(cli)),
        "cli_seconds": round(statistics.median(cli), 2),
        "cli_unique_per_s": rate(args.messages, statistics.median(cli_unique)),
        "cli_unique_seconds": round(statistics.median(cli_unique), 2),
        "startup_seconds": startup,
    }
    print(json.dumps(result, indent=1))
    out = ROOT / "ops" / "bench" / "results" / "assess.json"
    out.parent.mkdir(parents=True, exist_ok=True)  # ignored by git: absent in a fresh clone
    out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
