"""Seconds until the helpline rings, for four callers, in every language of a flow, at two paces.

    .venv/bin/python bench/caller_time.py [--wpm N ...] [call_flows.yaml]

Each <Say> the line returns is spoken by espeak-ng (Debian's package) at a fixed pace —
175 words a minute (espeak-ng's default) and 150 (a careful voice) unless ``--wpm`` names
others — with its SSML (slow numbers, pauses), and timed from the audio it writes; <Pause>
and the time-outs of <Gather> count as written. Every document Twilio fetches adds a fixed
allowance, and the transfer its set-up time (ivr/runtime/caller_time.py: FETCH_SECONDS,
TRANSFER_SETUP_SECONDS; README, "What a caller gets"). The callers:

  a  presses 0 as soon as it is offered in their language (English: in the first sentence;
     anyone else: once they have picked their language, as soon as it was offered)
  b  already knows the line: presses 0 at once
  c  stays silent from the start
  d  picks their language as soon as it is offered, then stays silent; counted from that key

A language with no voice is marked "(no voice)": its option is said by the English voice,
and until every text is recorded its caller is put straight through on their key. Its figures
are printed but not held to the targets, which are for voiced languages.

Targets (issue 26), at 150 words a minute and allowance included: (a) 15 s in English and
22 s in every voiced language; (c) 40 s; (d) 45 s. Beside each figure it prints what `ivr
check` estimates without a speech engine, and the characters a second espeak-ng spoke.
Exit status 1 if a figure is over its target at any pace.
"""

from __future__ import annotations

import argparse
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

from ivr.loading import load_flow_file  # noqa: E402
from ivr.runtime import caller_time  # noqa: E402
from ivr.runtime import flow as rt  # noqa: E402
from ivr.runtime.twiml_reading import Say  # noqa: E402

PACES = (175, caller_time.CAREFUL_WPM)
ESPEAK_VOICES = {"en": "en-gb", "pl": "pl", "ro": "ro", "vi": "vi", "ar": "ar"}


@functools.cache
def _espeak_seconds(ssml: str, voice: str, wpm: int) -> float:
    with tempfile.NamedTemporaryFile(suffix=".wav") as out:
        subprocess.run(
            ["espeak-ng", "-m", "-v", voice, "-s", str(wpm), "-w", out.name, ssml],
            check=True,
            capture_output=True,
        )
        with wave.open(out.name) as audio:
            return audio.getnframes() / audio.getframerate()


spoken: dict[tuple[int, str], list[float]] = {}  # (pace, language) -> [characters, seconds]


def espeak_clock(say: Say, language: rt.Language, wpm: int = PACES[0]) -> float:
    """Seconds espeak-ng takes to say one <Say>, SSML and all, at ``wpm`` words a minute."""
    inner = ET.tostring(say.element, encoding="unicode")
    inner = inner[inner.index(">") + 1 : inner.rindex("<")] if inner.rstrip().endswith(">") and "</" in inner else ""
    ssml = f"<speak>{inner}</speak>"
    family = language.code.split("-")[0].lower()
    seconds = _espeak_seconds(ssml, ESPEAK_VOICES.get(family, family), wpm)
    totals = spoken.setdefault((wpm, family), [0.0, 0.0])
    totals[0] += len(caller_time.spoken_text(say))
    totals[1] += seconds
    return seconds


def print_pace(flow: rt.Flow, name: str, wpm: int) -> int:
    """The table at one pace; returns how many figures are over their targets."""
    measured = caller_time.table(flow, functools.partial(espeak_clock, wpm=wpm))
    estimated = caller_time.table(flow, functools.partial(caller_time.estimated_seconds, wpm=wpm))
    print(f"Seconds until the helpline rings ({name}, espeak-ng at {wpm} words a minute, with "
          f"{caller_time.FETCH_SECONDS:.1f} s a document and {caller_time.TRANSFER_SETUP_SECONDS:.1f} s "
          "to set up the transfer;")  # fmt: skip
    print("in brackets what `ivr check` estimates without a speech engine)\n")
    print("| language | " + " | ".join(f"{k}: {v}" for k, v in caller_time.SCENARIOS.items()) + " |")
    print("|---" * (len(caller_time.SCENARIOS) + 1) + "|")
    missed = 0
    for code, figures in measured.items():
        voiced = flow.languages[code].voice is not None
        cells = []
        for scenario, seconds in figures.items():
            english, other = caller_time.TARGETS.get(scenario, (float("inf"), float("inf")))
            target = english if code.startswith("en") else other
            over = voiced and seconds > target
            missed += over
            cells.append(f"{seconds:.1f}{' (over target)' if over else ''} [{estimated[code][scenario]:.1f}]")
        print(f"| {code}{'' if voiced else ' (no voice)'} | " + " | ".join(cells) + " |")
    rates = ", ".join(f"{k} {c / s:.1f}" for (pace, k), (c, s) in spoken.items() if pace == wpm)
    print(f"\nCharacters a second espeak-ng spoke at {wpm}: {rates}\n")
    return missed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("flow", nargs="?", type=Path, default=ROOT / "call_flows.yaml")
    parser.add_argument("--wpm", type=int, action="append", help="words a minute (repeatable); default 175 and 150")
    args = parser.parse_args(argv)
    if shutil.which("espeak-ng") is None:
        print("espeak-ng is not installed (Debian: apt-get install espeak-ng)", file=sys.stderr)
        return 2
    result = load_flow_file(args.flow)
    if result.flow is None:
        print(f"{args.flow} does not pass its checks: run ivr check", file=sys.stderr)
        return 1
    missed = sum(print_pace(result.flow, args.flow.name, wpm) for wpm in (args.wpm or PACES))
    (a_en, a_other), c, d = caller_time.TARGETS["a"], caller_time.TARGETS["c"][0], caller_time.TARGETS["d"][0]
    print(f"Targets: a <= {a_en:.0f} s in English and <= {a_other:.0f} s in every voiced language; c <= {c:.0f} s; "
          f"d <= {d:.0f} s after choosing.")  # fmt: skip
    print(f"Figures over target: {missed}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
