"""False alarms on social media: CrisisLexT26 tweets through the triage (evaluation only).

Reads ../shared/data/eval/crisislex_t26/*/*-tweets_labeled.csv at run time (never copied
here). The tweets carry no "request" label, so this measures the other side: how many
tweets *not related* to the crisis, or related but not informative, would be routed to
the urgent queue, and the urgent share per information type (affected individuals,
infrastructure, donations, caution and advice, ...).

Run: `.venv/bin/python ops/eval/crisislex.py [--json]`
"""

from __future__ import annotations

import argparse
import csv
import json
from collections import Counter
from pathlib import Path

from triage.cli.assess import load_pipeline, run_message

FOLDER = Path(__file__).resolve().parents[3] / "shared" / "data" / "eval" / "crisislex_t26"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--folder", type=Path, default=FOLDER)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    pipeline = load_pipeline()
    total: Counter[str] = Counter()
    urgent: Counter[str] = Counter()
    by_type: Counter[str] = Counter()
    urgent_by_type: Counter[str] = Counter()
    for path in sorted(args.folder.glob("*/*-tweets_labeled.csv")):
        with path.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f, skipinitialspace=True):
                route = run_message(pipeline, row["Tweet Text"]).route
                informativeness = row["Informativeness"]
                info_type = row["Information Type"]
                total[informativeness] += 1
                by_type[info_type] += 1
                if route.value == "urgent":
                    urgent[informativeness] += 1
                    urgent_by_type[info_type] += 1
    result = {
        "tweets": sum(total.values()),
        "urgent_share_by_informativeness": {
            k: round(urgent[k] / n, 4) for k, n in sorted(total.items())
        },
        "urgent_share_by_information_type": {
            k: round(urgent_by_type[k] / n, 4) for k, n in sorted(by_type.items())
        },
    }
    if args.json:
        print(json.dumps(result, indent=1))
    else:
        for key, value in result.items():
            print(f"{key}: {value}")


if __name__ == "__main__":
    main()
