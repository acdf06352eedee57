"""The project's speech corpus (ivr/runtime/speech/corpus/): what callers say at each menu, as a recogniser
returns it, labelled with every place a careful operator would accept. A model will be learned
from it and measured on its held-out fifth (bench/understanding.py), so its labels must be
sound: these tests hold every file to the shape and the safety rules it was written to."""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.understanding import project_corpus  # noqa: E402
from ivr.runtime.speech.corpus import held_out  # noqa: E402

FILES = sorted((ROOT / "ivr" / "runtime" / "speech" / "corpus").glob("*.yaml"))
LANGUAGES = {"en-GB", "pl-PL", "ro-RO", "vi-VN", "ar-EG"}
COMMON = {"danger", "helpline", "repeat", "slower", "none"}
PLACES = {
    "choose_language": {f"language:{code}" for code in LANGUAGES} | COMMON,
    "main_menu": {"about_slavery", "report_anonymously", "police_non_emergency"} | COMMON,
    "danger_menu": {"danger_more", "main_menu"} | COMMON,
    "about_slavery_menu": {"connect_helpline", "about_helpline", "about_slavery", "main_menu"} | COMMON,
    "report_menu": {"connect_crimestoppers", "report_anonymously", "connect_helpline", "main_menu"} | COMMON,
    "police_menu": {"police_non_emergency", "connect_helpline", "main_menu"} | COMMON,
    "transfer_failed": {"try_again", "other_number"} | COMMON,
}
CATEGORIES = {
    "danger-implicit", "danger-explicit", "emergency-number", "negation", "option-number", "code-switching",
    "short", "long", "person", "report-anonymous", "information", "police-no-danger", "repeat", "slower",
    "noise", "language-choice",
}  # fmt: skip
DANGER_NOW = {"danger-implicit", "danger-explicit", "emergency-number"}
DIALECTS = {"egyptian", "levantine", "gulf", "maghrebi", "msa"}


def _file(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_each_file_is_one_language_unreviewed_and_large_enough(path):
    data = _file(path)
    assert (data["language"], data["reviewed"]) == (path.stem, False)  # no native speaker has read it yet
    assert "NOT yet reviewed by a native speaker" in path.read_text(encoding="utf-8").split("\n", 3)[1]
    assert len(data["utterances"]) >= 400


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_every_label_is_a_place_its_menu_has_and_danger_now_is_only_danger(path):
    def sound(u: dict) -> bool:
        if u["menu"] not in PLACES or not set(u["accept"]) <= PLACES[u["menu"]] or u["category"] not in CATEGORIES:
            return False
        return u["category"] not in DANGER_NOW or u["accept"] == ["danger"]

    assert [u["say"] for u in _file(path)["utterances"] if not sound(u)] == []


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_every_menu_has_danger_a_person_repeat_numbers_and_noise(path):
    categories: dict[str, Counter] = {}
    for u in _file(path)["utterances"]:
        categories.setdefault(u["menu"], Counter())[u["category"]] += 1
    assert set(categories) == set(PLACES)
    for menu, found in categories.items():
        assert found["danger-implicit"] + found["danger-explicit"] + found["emergency-number"] > 0, menu
        assert found["noise"] > 0 and found["repeat"] + found["slower"] > 0, menu


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_no_utterance_twice_and_nothing_like_a_phone_number(path):
    said = [" ".join(u["say"].lower().split()) for u in _file(path)["utterances"]]
    assert [s for s, n in Counter(said).items() if n > 1] == []
    assert [s for s in said if re.search(r"\d{7,}", s)] == []  # "999 999 999" is a caller, not a number


def test_arabic_covers_five_varieties():
    arabic = [p for p in FILES if p.stem == "ar-EG"]
    if not arabic:
        pytest.skip("no Arabic corpus yet")
    dialects = Counter(u.get("dialect") for u in _file(arabic[0])["utterances"])
    assert set(dialects) == DIALECTS
    assert min(dialects.values()) >= 70


def test_a_fifth_is_held_out_by_hash_the_same_every_time():
    corpus = project_corpus()
    kept = [u for u in corpus if held_out(u)]
    assert 0.15 <= len(kept) / len(corpus) <= 0.25
    assert [held_out(u) for u in corpus] == [held_out(u) for u in project_corpus()]


def test_the_understanding_bench_reads_the_live_flow_as_the_line_does():
    """The bench compiled the flow file's data itself and broke when the file gained its
    format's version: it reads the file as the line does, so both see the same flow."""
    from bench.understanding import FLOW, default_flow
    from ivr.loading import load_flow_file

    served = load_flow_file(FLOW).flow
    benched = default_flow()
    assert (benched.version, sorted(benched.nodes)) == (served.version, sorted(served.nodes))
