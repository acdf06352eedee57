"""A picture of a flow, drawn from the runtime model, so a reader sees that every path
reaches help: Graphviz (SVG, PNG) for the README and the console, Mermaid for pasting
into a Markdown page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ivr.definition.builtins import LINE_MENU_PREFIXES, TRANSFER_PREFIX
from ivr.definition.place_names import node_title
from ivr.runtime import flow as rt

PROMPT_WORDS = 9
EVERY_MENU = "every menu: 0 or 'helpline' → helpline · * repeat · 8 slower · 9 quick exit"


@dataclass(frozen=True)
class Box:
    id: str
    title: str
    text: str
    kind: str  # "menu", "message", "transfer", "helpline"


@dataclass(frozen=True)
class Arrow:
    source: str
    target: str
    label: str
    dashed: bool = False


def _first_words(flow: rt.Flow, texts: rt.Texts | None, count: int = PROMPT_WORDS) -> str:
    """The start of a text in the line's first language, the picture's language."""
    if not texts:
        return ""
    words = flow.in_language(texts, flow.language).plain.split()
    return " ".join(words[:count]) + (" …" if len(words) > count else "")


def _id(name: str) -> str:
    return re.sub(r"\W", "_", name)


def layout(flow: rt.Flow) -> tuple[list[Box], list[Arrow]]:
    """The boxes and arrows of the picture, each box titled as the whole console names its
    node (:func:`ivr.definition.place_names.node_title`).

    The line's own nodes are drawn as what they do: one helpline box that every menu
    reaches on 0, silence and wrong keys; each transfer says in its box what happens
    when nobody answers (the number again, try again or the other number) and after
    the call, instead of the small menus that do it.
    """
    boxes: list[Box] = []
    arrows: list[Arrow] = []
    lang = flow.language
    for name, node in flow.nodes.items():
        if name.startswith((*LINE_MENU_PREFIXES, TRANSFER_PREFIX)) or isinstance(node, rt.End):
            continue
        if isinstance(node, rt.Menu):
            boxes.append(Box(_id(name), node_title(name), _first_words(flow, node.prompt), "menu"))
            arrows.append(Arrow(_id(name), _id(rt.HELPLINE_NODE), "0 · silence · wrong keys", dashed=True))
            for choice in node.choices:
                said = choice.words_in(lang)
                words = f" “{said[0]}”" if said else ""
                arrows.append(Arrow(_id(name), _id(choice.target), f"{choice.key}{words}"))
        elif isinstance(node, rt.LanguageMenu):
            names = ", ".join(f"{language.key} {language.name}" for language in flow.languages.values())
            boxes.append(Box(_id(name), node_title(name), f"language: {names}", "menu"))
            arrows.append(Arrow(_id(name), _id(rt.HELPLINE_NODE), "0 · silence · wrong keys", dashed=True))
            arrows.append(Arrow(_id(name), _id(node.next), "a language"))
        elif isinstance(node, rt.Message):
            boxes.append(Box(_id(name), node_title(name), _first_words(flow, node.prompt), "message"))
            arrows.append(Arrow(_id(name), _id(node.next), "then"))
        elif isinstance(node, rt.Transfer):
            target = _first_words(flow, node.target.name)
            title = f"☎ {node_title(name)}"
            kind = "helpline" if name == rt.HELPLINE_NODE else "transfer"
            boxes.append(
                Box(
                    _id(name),
                    title,
                    f"connects to {target}; if busy, not answered or failed: says which, the number again, "
                    "try again or the other number",
                    kind,
                )
            )
            for after in dict.fromkeys(node.if_not_connected.values()):
                if not after.startswith(LINE_MENU_PREFIXES):
                    arrows.append(Arrow(_id(name), _id(after), "busy · no answer · failed", dashed=True))
    return boxes, arrows


_STYLE = {
    "menu": {"shape": "box", "style": "rounded,filled", "fillcolor": "#e8f0fe"},
    "message": {"shape": "note", "style": "filled", "fillcolor": "#f5f5f5"},
    "transfer": {"shape": "box", "style": "filled,bold", "fillcolor": "#c8e6c9", "color": "#2e7d32"},
    "helpline": {"shape": "doubleoctagon", "style": "filled,bold", "fillcolor": "#a5d6a7", "color": "#1b5e20"},
}


def to_graphviz(flow: rt.Flow):  # -> graphviz.Digraph
    import graphviz

    boxes, arrows = layout(flow)
    graph = graphviz.Digraph(
        name="flow",
        graph_attr={
            "rankdir": "TB",
            "fontname": "Helvetica",
            "label": f"{flow.name} — version {flow.version}\\n{EVERY_MENU}",
            "labelloc": "t",
            "fontsize": "16",
        },
        node_attr={"fontname": "Helvetica", "fontsize": "11"},
        edge_attr={"fontname": "Helvetica", "fontsize": "10"},
    )
    for box in boxes:
        label = f"{box.title}\n{_wrap(box.text)}" if box.text else box.title
        graph.node(box.id, label=label, **_STYLE[box.kind])
    for arrow in arrows:
        style = {"style": "dashed", "color": "#2e7d32"} if arrow.dashed else {}
        graph.edge(arrow.source, arrow.target, label=arrow.label, **style)
    return graph


#: The class a word's background takes in the console (``.picture-words`` in console.css), by
#: the fill it is drawn on: a box's colour (``_STYLE``), or the picture's white around them.
BACKGROUNDS = {"white": "on-white", **{style["fillcolor"]: f"on-{kind}" for kind, style in _STYLE.items()}}
_GROUP = re.compile(r'<g id="[^"]*" class="(node|edge|graph)">')
_FILL = re.compile(r'<(?:polygon|path|ellipse|rect) fill="([^"]+)"')
_TEXT = re.compile(
    r'<text text-anchor="(start|middle|end)" x="([-\d.]+)" y="([-\d.]+)" '
    r'font-family="([^"]*)" font-size="([\d.]+)"(?: fill="([^"]*)")?>(.*?)</text>'
)


def to_web_page_svg(flow: rt.Flow) -> str:
    """The picture as SVG to put in a web page (the console's first page): Graphviz's
    drawing, its words as HTML (:func:`words_as_html`)."""
    svg = to_graphviz(flow).pipe(format="svg").decode()
    return words_as_html(svg[svg.index("<svg") :])


def words_as_html(svg: str) -> str:
    """Graphviz's SVG with every ``<text>`` made an HTML line in a ``foreignObject``, at the
    same place and size, on the colour it is drawn on (a class from :data:`BACKGROUNDS`),
    and drawn last, over every line and box: an arrow passing near words never covers them.

    Why: a browser's high-contrast mode recolours HTML text and its background, not SVG
    text, and axe-core measures the contrast of HTML text only: it leaves every SVG text
    "to review" (dequelabs/axe-core#1819). Graphviz writes one element a line, a box's fill
    before its words, and closes the whole drawing's group last, which is what this reads.
    """
    lines: list[str] = []
    words: list[str] = []
    background = "white"
    for line in svg.splitlines():
        group, fill, text = _GROUP.match(line), _FILL.match(line), _TEXT.fullmatch(line)
        if group:
            background = "white" if group[1] != "node" else ""  # a box: its first fill
        elif fill and not background and fill[1] not in ("none", "transparent"):
            background = fill[1]
        elif line == "</g>":
            background = "white"
        if text:
            words.append(_html_line(*text.groups(), BACKGROUNDS.get(background or "white", "")))
        else:
            lines.append(line)
    last = len(lines) - 1 - lines[::-1].index("</g>")  # the end of the drawing's group
    return "\n".join(lines[:last] + words + lines[last:])


def _html_line(anchor: str, x: str, y: str, font: str, size: str, colour: str | None, words: str, on: str) -> str:
    """One line of words where Graphviz put its ``<text>``: (x, y) is its baseline's start,
    middle or end. The box is wider than the words (Helvetica's letters average about 0.55
    of its size, most scripts' less than 1); they show whole even where it is too narrow."""
    points = float(size)
    width = len(words) * points + 8
    left = {"start": float(x), "middle": float(x) - width / 2, "end": float(x) - width}[anchor]
    return (
        f'<foreignObject class="picture-words-box" x="{left:.2f}" y="{float(y) - points:.2f}" '
        f'width="{width:.2f}" height="{points * 1.3:.2f}" '
        f'font-family="{font}" font-size="{size}" color="{colour or "black"}">'
        f'<div xmlns="http://www.w3.org/1999/xhtml" class="picture-words {anchor}">'
        f'<span class="{on}">{words}</span></div></foreignObject>'
    )


def _wrap(text: str, width: int = 32) -> str:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "\n".join(lines + [line] if line else lines)


def to_mermaid(flow: rt.Flow) -> str:
    boxes, arrows = layout(flow)
    shapes = {"menu": ("(", ")"), "message": ("[", "]"), "transfer": ("[[", "]]"), "helpline": ("{{", "}}")}
    lines = ["flowchart TB", f"  %% {flow.name}, version {flow.version}. {EVERY_MENU}"]
    for box in boxes:
        opening, closing = shapes[box.kind]
        text = f"{box.title}<br/>{box.text}" if box.text else box.title
        lines.append(f'  {box.id}{opening}"{_mermaid_text(text)}"{closing}')
    for arrow in arrows:
        link = "-.->" if arrow.dashed else "-->"
        lines.append(f'  {arrow.source} {link}|"{_mermaid_text(arrow.label)}"| {arrow.target}')
    lines += [
        "  classDef help fill:#a5d6a7,stroke:#1b5e20,stroke-width:2px",
        "  class " + ",".join(b.id for b in boxes if b.kind in ("transfer", "helpline")) + " help",
    ]
    return "\n".join(lines) + "\n"


def _mermaid_text(text: str) -> str:
    return text.replace('"', "#quot;")
