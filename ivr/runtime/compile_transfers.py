"""Compiling transfers, and the line's own menus after a transfer that did not connect.

A flow never has to say what happens when a number is busy, rings out or fails: the line
says which it was and the number (twice), and offers to try again or the other number (the
helpline, or from the helpline another number the line may dial), never a hang-up
(docs/safety.md rule 3). Those menus ("_busy:connect_helpline", ...) and the transfers
they offer ("_transfer:crimestoppers") are made here, once each, however many transfers
lead to them. Part of :mod:`ivr.runtime.compile`.
"""

from __future__ import annotations

from collections.abc import Callable

from ivr.definition.builtins import NOT_CONNECTED_PREFIXES, TRANSFER_PREFIX
from ivr.definition.limits import RING_SECONDS
from ivr.definition.model import FlowDocument
from ivr.definition.phone import parse_number
from ivr.runtime import flow as rt
from ivr.runtime.compile_texts import TextCompiler
from ivr.runtime.speech.meanings import OTHER_NUMBER, RETRY

#: How the compiler makes a menu (with what it listens for): the line's menus are menus too.
#: Its arguments, in order, are those of :meth:`ivr.runtime.compile._Compiler.make_menu`: the
#: name, the prompt, the short prompt, the choices, how many silences and wrong keys, the timeout.
Prompt = dict[str, rt.Speech]
MakeMenu = Callable[[str, Prompt, Prompt | None, list[rt.Choice], int, int, int], rt.Menu]


class TransferCompiler:
    """Transfers of one document, adding the line's own menus and transfers to ``nodes``."""

    def __init__(
        self, document: FlowDocument, text: TextCompiler, nodes: dict[str, rt.Node], make_menu: MakeMenu
    ) -> None:
        self.doc = document
        self.text = text
        self.nodes = nodes
        self.make_menu = make_menu
        self._prompts: dict[tuple[str, str | None, str], tuple[dict[str, rt.Speech], dict[str, rt.Speech]]] = {}

    def transfer(
        self,
        name: str,
        to: str,
        prompt: dict[str, rt.Speech] | None,
        if_no_answer: str | None,
        ring_seconds: int = RING_SECONDS,
    ) -> rt.Transfer:
        """A transfer; unless the flow names a node for it, one that does not connect goes
        to the line's own menu for what happened."""
        if if_no_answer:
            after = {status: if_no_answer for status in NOT_CONNECTED_PREFIXES}
        else:
            after = {status: self.not_connected_menu(name, to, status) for status in NOT_CONNECTED_PREFIXES}
        return rt.Transfer(name, prompt, self.text.target(to), after, ring_seconds)

    def not_connected_menu(self, transfer_name: str, to: str, status: str) -> str:
        """The line's own menu after a transfer that did not connect: say what happened and the
        number (twice), offer to try again or the other number, and never hang up."""
        name = NOT_CONNECTED_PREFIXES[status] + transfer_name
        if name in self.nodes:
            return name
        choices = [rt.Choice("1", transfer_name, meaning=RETRY)]
        other = self.other_number(to)
        if other is not None:
            other_node = TRANSFER_PREFIX + other
            choices.append(rt.Choice("2", other_node, meaning=OTHER_NUMBER))
            if other_node not in self.nodes:
                other_name = self.text.texts(self.doc.numbers[other].name)
                announce = self.text.texts(self.doc.line.messages.connecting, {"name": other_name})
                # Not a mistake: the other number's own menus offer the first number back, whose
                # menus offer this one again, and so on. A stand-in under the name marks it as
                # being made, so that the loop refers to it by name instead of making it again
                # (which would never end); the real transfer then takes its place.
                self.nodes[other_node] = rt.Transfer(other_node, announce, self.text.target(other), {}, RING_SECONDS)
                self.nodes[other_node] = self.transfer(other_node, other, announce, None)
        line = self.doc.line
        prompt, short = self.not_connected_prompts(to, other, status)
        self.nodes[name] = self.make_menu(
            name, prompt, short, choices, line.retries.silence, line.retries.invalid, line.timeout
        )
        return name

    def not_connected_prompts(
        self, to: str, other: str | None, status: str
    ) -> tuple[dict[str, rt.Speech], dict[str, rt.Speech]]:
        """What happened with the number (first try), then the choices; retries say only these."""
        key = (to, other, status)
        if key not in self._prompts:
            messages = self.doc.line.messages
            what = {"busy": messages.busy, "no-answer": messages.no_answer, "failed": messages.failed}[status]
            offers = [self.text.texts(messages.try_again)]
            if other is not None:
                other_name = self.text.texts(self.doc.numbers[other].name)
                offers.append(self.text.texts(messages.other_number, {"other_name": other_name}))
            self._prompts[key] = (
                self.text.join(self.text.texts(what, {"number": self.text.number(to)}), *offers),
                self.text.join(*offers),
            )
        return self._prompts[key]

    def other_number(self, to: str) -> str | None:
        """The number to offer when ``to`` did not answer: the helpline, or if that was the
        helpline, the first other number the line may dial."""
        helpline = self.doc.line.helpline
        if to != helpline:
            return helpline
        for name, number in self.doc.numbers.items():
            if name != to and parse_number(number.number).dialable:
                return name
        return None
