"""How sure the line must be before it acts on what a caller said: safety first.

The thresholds are measured, not guessed: ``bench/understanding.py --tune`` tries each
setting by cross-validation on the corpus's training part (never on its held-out fifth)
and prints what each would do; these are the values it chose, and why:

- :attr:`Thresholds.danger_at`: the probability of danger from which the line gives the danger advice
  whatever else was likelier. Low on purpose: the danger advice (hang up and dial 999,
  then a way to the helpline) does little harm to a caller who was not in danger, and
  missing danger does the most harm of anything.
- :attr:`Thresholds.danger_doubt`: with this much danger, the line never sends a caller straight to
  the police advice, information or reporting; it asks first (:attr:`Thresholds.unsure` up) or
  gives the danger advice.
- :attr:`Thresholds.sure`: from here the line acts at once.
- :attr:`Thresholds.unsure`: from here to :attr:`Thresholds.sure` it asks one short question ("It sounds like you
  want …"); below, it says it did not catch that, offers a person, and asks again.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Thresholds:
    """Probabilities (0 to 1) at which the line acts on a spoken answer."""

    danger_at: float
    danger_doubt: float
    sure: float
    unsure: float


#: Chosen on 2026-12-07 by ``bench/understanding.py --tune`` (five folds of the 10,134
#: utterances of the training part), the probabilities of a menu's meanings shared among them
#: and danger judged on its own (:mod:`ivr.runtime.speech.model`): understood 77.2 %,
#: confirmed 6.9 %, asked again 12.5 %, misrouted 3.5 % (most of them noise given the
#: danger advice), 5 callers in danger sent elsewhere (0.05 %). The best by fewest in danger
#: sent elsewhere, ``danger_at`` 0.15, caught one more, but misrouted 5.1 % and gave the
#: danger advice to two questions of the earlier test corpus ("Mi-au luat pașaportul, e
#: normal?"), which must keep working (tests/test_speech_corpus.py). A higher ``sure``
#: misrouted a little less and understood much less.
CHOSEN = Thresholds(danger_at=0.2, danger_doubt=0.15, sure=0.85, unsure=0.6)
