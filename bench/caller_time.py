"""Seconds until the helpline rings, for four callers, in every language of a flow.

    .venv/bin/python bench/caller_time.py [call_flows.yaml]

Each <Say> the line returns is spoken by espeak-ng (Debian's package) at a fixed 175 words a
minute, with its SSML (slow numbers, pauses), and timed from the audio it writes; <Pause>
and the time-outs of <Gather> count as written. The callers (see ivr/runtime/caller_time.py):

  a  picks their language as soon as it is offered, then presses 0 as soon as it is offered
  b  already knows the line: presses 0 at once
  c  stays silent from the start
  d  picks their language as soon as it is offered, then stays silent

Targets: (a) 30 s in English and 40 s in every language; (c) and (d) 60 s in every language.
Beside each figure it prints what `ivr check` estimates without a speech engine, and the
characters a second that espeak-ng spoke, to keep the checker's rates honest.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import sys
import tempfile
import wave
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ivr.load import load_flow_file  # noqa: E402
from ivr.runtime import caller_time  # noqa: E402
from ivr.runtime import flow as rt  # noqa: E402

WORDS_PER_MINUTE = 175
ESPEAK_VOICES = {"en": "en-gb", "pl": "pl", "ro": "ro", "vi": "vi", "ar": "ar"}


@functools.cache
def _espeak_seconds(ssml: str, voice: str) -> float:
    with tempfile.NamedTemporaryFile(suffix=".wav") as out:
        subprocess.run(
            ["espeak-ng", "-m", "-v", voice, "-s", str(WORDS_PER_MINUTE), "-w", out.name, ssml],
            check=True,
            capture_output=True,
        )
        with wave.open(out.name) as audio:
            return audio.getnframes() / audio.getframerate()


spoken: dict[str, list[float]] = {}  # language -> [characters, seconds]


def espeak_clock(say: ET.Element, language: rt.Language) -> float:
    """Seconds espeak-ng takes to say one <Say>, SSML and all."""
    inner = ET.tostring(say, encoding="unicode")
    inner = inner[inner.index(">") + 1 : inner.rindex("<")] if inner.rstrip().endswith(">") and "</" in inner else ""
    ssml = f"<speak>{inner}</speak>"
    family = language.code.split("-")[0].lower()
    seconds = _espeak_seconds(ssml, ESPEAK_VOICES.get(family, family))
    totals = spoken.setdefault(family, [0.0, 0.0])
    totals[0] += len(caller_time.spoken_text(say))
    totals[1] += seconds
    return seconds


def main() -> int:
    if shutil.which("espeak-ng") is None:
        print("espeak-ng is not installed (Debian: apt-get install espeak-ng)", file=sys.stderr)
        return 2
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "call_flows.yaml"
    result = load_flow_file(path)
    if result.flow is None:
        print(f"{path} does not pass its checks: run ivr check", file=sys.stderr)
        return 1
    flow = result.flow
    measured = caller_time.table(flow, espeak_clock)
    estimated = caller_time.table(flow)
    print(f"Seconds until the helpline rings ({path.name}, espeak-ng at {WORDS_PER_MINUTE} words a minute;")
    print("in brackets what `ivr check` estimates without a speech engine)\n")
    header = "| language | " + " | ".join(f"{k}: {v}" for k, v in caller_time.SCENARIOS.items()) + " |"
    print(header)
    print("|---" * (len(caller_time.SCENARIOS) + 1) + "|")
    missed = 0
    for code, figures in measured.items():
        cells = []
        for scenario, seconds in figures.items():
            english, other = caller_time.TARGETS.get(scenario, (float("inf"), float("inf")))
            target = english if code.startswith("en") else other
            mark = "" if seconds <= target else " (over target)"
            missed += seconds > target
            cells.append(f"{seconds:.1f}{mark} [{estimated[code][scenario]:.1f}]")
        print(f"| {code} | " + " | ".join(cells) + " |")
    print("\nTargets: a <= 30 s in English and <= 40 s in every language; c and d <= 60 s.")
    print("Characters a second espeak-ng spoke: " + ", ".join(f"{k} {c / s:.1f}" for k, (c, s) in spoken.items()))
    print(f"Figures over target: {missed}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
