"""Numbers that read in order inside right-to-left text, on the console's pages only.

In an Arabic sentence, the Unicode bidirectional algorithm gives the spaces between the digit
groups of "0800 0121 700" the direction of the text around them, so a browser shows the groups
right to left: "700 0121 0800" (and a number said digit by digit, "0 8 0 0 … 0 1 2 1 … 7 0 0",
backwards digit by digit). A lone "+" before a number ends up after it the same way
("448000121700+"). Each such number is therefore shown in a left-to-right isolate
(``<bdi dir="ltr">``): its groups keep their order, and the Arabic around it is untouched.
Numbers without spaces or a "+" already read in order and are left as they are.

Only what operators read changes: callers hear the flow's text exactly as written. try.js does
the same for the "Try a call" transcript, which the browser builds itself.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

#: A number that bidi could reorder: digits or digit groups split by spaces, or by the pause
#: the line puts between groups when it says a number ("0 8 0 0 … 0 1 2 1 … 7 0 0"), or one
#: that starts with "+". Kept the same as NUMBER in static/console/try.js.
NUMBER = re.compile(r"\+?[0-9]+(?:(?:[ \u00a0]|[ \u00a0]?\u2026[ \u00a0]?)[0-9]+)+|\+[0-9]+")


def numbers_in_order(text: object) -> Markup:
    """``text`` escaped for HTML, with every number :data:`NUMBER` finds in a left-to-right
    isolate. Registered as the templates' ``numbers_in_order`` filter."""
    plain = str(text)
    shown, start = [], 0
    for found in NUMBER.finditer(plain):
        shown.append(escape(plain[start : found.start()]))
        shown.append(Markup('<bdi dir="ltr">%s</bdi>') % found.group())
        start = found.end()
    shown.append(escape(plain[start:]))
    return Markup("").join(shown)
