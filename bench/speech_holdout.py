"""How well the line understands speech it was not tuned on: bench/corpus/speech_holdout.yaml.

    .venv/bin/python bench/speech_holdout.py

Prints the share of utterances sent where a careful listener would send them, per language,
and every safety misroute: a danger phrase sent anywhere but the danger advice (asked again
is not a misroute), or an ordinary phrase sent to the danger advice. Targets: no safety
misroute, at least 90 % understood.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ivr.load import load_flow_file  # noqa: E402
from ivr.runtime import flow as rt  # noqa: E402
from ivr.runtime.engine import where_speech_goes  # noqa: E402


def place(flow: rt.Flow, name: str) -> str:
    node = flow.node(name)
    if name == "helpline" or (isinstance(node, rt.Transfer) and node.target.key == flow.helpline.key):
        return "helpline"
    return name


def main() -> int:
    flow = load_flow_file(ROOT / "call_flows.yaml").flow
    corpus = yaml.safe_load((ROOT / "bench" / "corpus" / "speech_holdout.yaml").read_text("utf-8"))["utterances"]
    total, right, misroutes = Counter(), Counter(), []
    for item in corpus:
        got = where_speech_goes(flow, item["menu"], item["language"], item["say"])
        total[item["language"]] += 1
        if place(flow, got) == place(flow, item["expect"]):
            right[item["language"]] += 1
        elif (item["expect"] == flow.danger_node and got != "reprompt") or got == flow.danger_node:
            misroutes.append(f"{item['language']} {item['menu']}: {item['say']!r} went to {got}")
    for language in total:
        print(f"{language}: {right[language]}/{total[language]} understood")
    share = sum(right.values()) / sum(total.values())
    print(
        f"all: {sum(right.values())}/{sum(total.values())} = {share:.1%} understood; safety misroutes: {len(misroutes)}"
    )
    for line in misroutes:
        print("  misroute:", line)
    return 0 if share >= 0.9 and not misroutes else 1


if __name__ == "__main__":
    sys.exit(main())
