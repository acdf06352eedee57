"""The simulator plays Twilio's part as Twilio documents it, whatever TwiML it is given:
here documents the line itself never writes, served by a stand-in for the line."""

from __future__ import annotations

from ivr.tools.simulator import Heard, SimulatedCall

BASE = "https://line.example.org"


def serving(documents: dict[str, str], requested: list[tuple[str, dict[str, str]]]):
    """A transport that answers each path with its document and notes what was requested."""

    def post(url: str, params: dict[str, str], headers: dict[str, str]) -> tuple[int, str]:
        path = url.removeprefix(BASE)
        requested.append((path, {k: v for k, v in params.items() if k in ("Digits", "SpeechResult")}))
        return (200, documents[path]) if path in documents else (404, "")

    return post


def test_silence_at_a_gather_with_action_on_empty_result_requests_its_action_with_no_input():
    requested: list[tuple[str, dict[str, str]]] = []
    documents = {
        "/voice": '<Response><Gather action="/menu" actionOnEmptyResult="true"><Say>Press 1.</Say></Gather>'
        "<Say>Never heard: Twilio requests the action instead.</Say></Response>",
        "/menu": "<Response><Say>Goodbye.</Say><Hangup/></Response>",
    }
    call = SimulatedCall(serving(documents, requested), BASE, "token")
    assert call.start() == [Heard("say", "Press 1.")]
    assert call.silence() == [Heard("say", "Goodbye."), Heard("hangup")]
    assert requested == [("/voice", {}), ("/menu", {})]


def test_silence_at_a_gather_without_it_goes_on_with_the_next_verb():
    requested: list[tuple[str, dict[str, str]]] = []
    documents = {
        "/voice": '<Response><Gather action="/menu"><Say>Press 1.</Say></Gather><Say>No key.</Say></Response>',
    }
    call = SimulatedCall(serving(documents, requested), BASE, "token")
    call.start()
    assert call.silence() == [Heard("say", "No key.")]
    assert (requested, call.ran_out_of_verbs) == ([("/voice", {})], True)
