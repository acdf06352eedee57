"""The line's limits, each written once: what the model accepts, what the checks demand,
and what the runtime assumes all read them from here.

Why each number is what it is matters more than the number, so every limit says why.
"""

from __future__ import annotations

#: Seconds a menu waits for a key at least. Twilio accepts 1, but callers who are
#: frightened, reading a keypad in the dark or using a relay service need longer.
MIN_TIMEOUT = 5
#: The time-outs the flow format accepts at all: any Twilio takes, up to a minute. One under
#: MIN_TIMEOUT is left to the checker, whose error says where it is and why it is too short.
LOWEST_TIMEOUT = 1
LONGEST_TIMEOUT = 60
#: Seconds a menu waits when the flow does not say.
DEFAULT_TIMEOUT = 10
#: Choices a menu may have besides the built-in keys (0, *, 8, 9): more cannot be
#: remembered from one hearing.
MAX_CHOICES = 5
#: Above this many choices, the checker warns that a menu is hard to remember.
COMFORTABLE_CHOICES = 4
#: Seconds a transfer rings before the line offers something else.
RING_SECONDS = 30
#: What a flow may set instead: Twilio rings for 5 s at least, and more than two minutes of
#: ringing keeps a caller waiting who could be offered the number to call themselves.
SHORTEST_RING = 5
LONGEST_RING = 120
#: Messages followed one after another in one answer to Twilio, and the bound on a chain
#: of messages the line will follow at all: a loop the checker missed ends here.
MAX_MESSAGE_CHAIN = 20
#: Characters in a node's name: names travel in every action URL.
MAX_NAME = 64
#: One day in seconds; Twilio ends every call within 24 hours.
DAY_SECONDS = 24 * 3600
#: What the line adds to a text as it says it, counted against Twilio's limit on one <Say>
#: (:func:`ivr.runtime.twilio.say_limit`): a number is said twice, slowly, group by group,
#: with pauses (SSML tags about 200 characters long, which a Google voice counts); the slow
#: pace adds a pause after every sentence and a rate around the whole (counted by Google
#: voices too).
SAY_PER_NUMBER = 200
SAY_PER_SENTENCE = 21
SAY_SLOW_WRAPPER = 40
