"""LLM-path throughput and routing latency against a fake OpenAI server that sleeps 2 s.

    .venv/bin/python ops/bench/llm_throughput.py [--delay 2] [--messages 200]

The fake server (tests/fakes/openai_server.py) runs as its own process. Measures:
- baseline: one call at a time (what RQ's one-job-at-a-time model gives): assessments/s;
- concurrent: AssessmentEngine.refine_many over N messages in one worker process;
- routing latency: receipt -> local verdict (assess_local), measured while N LLM calls
  are in flight: the urgent queue never waits for the LLM;
- down: the same with the LLM refusing connections (LLMUnavailable, local verdict kept);
- surge: with a latency threshold below the fake's delay, the share of LLM calls skipped.
Results printed and written to ops/bench/results/llm_throughput.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import openai  # noqa: E402

from triage.assessment.engine import FLAG_SURGE_LOCAL_ONLY, AssessmentEngine  # noqa: E402
from triage.assessment.llm import LLMAssessor  # noqa: E402
from triage.assessment.local_model import LocalModel  # noqa: E402
from triage.assessment.surge import SurgeMonitor  # noqa: E402
from triage.assessment.training_run import load_training_examples  # noqa: E402


def start_fake(delay: float) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.openai_server", "--delay", str(delay)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    return process, process.stdout.readline().strip()


def engine_for(
    base_url: str, model: LocalModel, surge: SurgeMonitor | None = None
) -> AssessmentEngine:
    client = openai.AsyncOpenAI(base_url=base_url, api_key="bench", timeout=10, max_retries=0)
    # A budget far above the run: the benchmark measures concurrency, not cost control.
    llm = LLMAssessor(client, "fake", budget_per_minute=100_000, max_concurrency=256)
    return AssessmentEngine(
        model, llm, surge or SurgeMonitor(max_backlog=10_000, max_latency_seconds=60)
    )


async def sequential(engine: AssessmentEngine, texts: list[str]) -> float:
    started = time.perf_counter()
    for text in texts:
        await engine.refine(text, engine.assess_local(text), None)
    return len(texts) / (time.perf_counter() - started)


async def concurrent(engine: AssessmentEngine, texts: list[str]) -> tuple[float, list[float]]:
    """Receipt -> local verdict for every message, then all refinements concurrently."""
    started = time.perf_counter()
    routing_ms = []
    items = []
    for text in texts:
        received = time.perf_counter()
        local = engine.assess_local(text)
        routing_ms.append((time.perf_counter() - received) * 1000)
        items.append((text, local, None))
        await asyncio.sleep(0)  # let in-flight calls progress, as a live worker would
    await engine.refine_many(items)
    return len(texts) / (time.perf_counter() - started), routing_ms


async def routing_under_load(engine: AssessmentEngine, texts: list[str]) -> list[float]:
    """Routing latency of new messages while the LLM calls of earlier ones are in flight."""
    background = asyncio.gather(*(engine.refine(t, engine.assess_local(t), None) for t in texts))
    await asyncio.sleep(0.2)
    latencies = []
    for text in texts[:100]:
        received = time.perf_counter()
        engine.assess_local(text)
        latencies.append((time.perf_counter() - received) * 1000)
        await asyncio.sleep(0.005)
    await background
    return latencies


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 3)


async def run(delay: float, count: int) -> dict[str, object]:
    model = LocalModel.load()
    texts = [e["text"] for e in load_training_examples()][:count]
    fake, base_url = start_fake(delay)
    try:
        engine = engine_for(base_url, model)
        baseline = await sequential(engine, texts[:3])
        throughput, routing_ms = await concurrent(engine, texts)
        loaded_ms = await routing_under_load(engine_for(base_url, model), texts)
        surge_engine = engine_for(
            base_url, model, SurgeMonitor(max_backlog=10_000, max_latency_seconds=delay / 2)
        )
        await surge_engine.refine(texts[0], surge_engine.assess_local(texts[0]), None)
        surged = await surge_engine.refine_many(
            [(t, surge_engine.assess_local(t), None) for t in texts]
        )
        skipped = sum(FLAG_SURGE_LOCAL_ONLY in a.flags for a in surged)
    finally:
        fake.terminate()
        fake.wait()
    down = engine_for("http://127.0.0.1:9/v1", model)
    started = time.perf_counter()
    refined = await down.refine_many([(t, down.assess_local(t), None) for t in texts[:50]])
    down_seconds = time.perf_counter() - started
    return {
        "machine": f"{platform.machine()} {os.cpu_count()} CPUs",
        "llm_delay_seconds": delay,
        "messages": len(texts),
        "baseline_one_at_a_time_per_s": round(baseline, 2),
        "concurrent_refine_per_s": round(throughput, 1),
        "routing_ms_p50": pct(routing_ms, 0.5),
        "routing_ms_p99": pct(routing_ms, 0.99),
        "routing_ms_p99_with_llm_calls_in_flight": pct(loaded_ms, 0.99),
        "llm_down_50_messages_seconds": round(down_seconds, 3),
        "llm_down_all_kept_local": all("llm_unavailable" in a.flags for a in refined),
        "surge_share_of_llm_calls_skipped": round(skipped / len(texts), 3),
    }


def main() -> None:
    # One warning per refused call would drown the figures when the LLM is "down".
    logging.getLogger("triage.assessment.engine").setLevel(logging.ERROR)
    parser = argparse.ArgumentParser()
    parser.add_argument("--delay", type=float, default=2.0)
    parser.add_argument("--messages", type=int, default=200)
    args = parser.parse_args()
    result = asyncio.run(run(args.delay, args.messages))
    print(json.dumps(result, indent=1))
    out = ROOT / "ops" / "bench" / "results" / "llm_throughput.json"
    out.parent.mkdir(parents=True, exist_ok=True)  # ignored by git: absent in a fresh clone
    out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
