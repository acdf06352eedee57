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


#: Chosen on 2026-12-07 by ``bench/understanding.py --tune`` (five folds of the 13,753
#: utterances of the training part, after the corpus grew from 12,712 to 17,225 and 128
#: labels were moved to today's keys), the probabilities of a menu's meanings shared among
#: them and danger judged on its own (:mod:`ivr.runtime.speech.model`): understood 81.6 %,
#: confirmed 3.1 %, asked again 13.2 %, misrouted 2.2 % (most of them noise given the danger
#: advice), 3 callers in danger sent elsewhere (0.02 %) — the fewest of every setting tried;
#: ``danger_at`` 0.25 sent as few elsewhere but gave the danger advice to 56 more answers
#: that were not danger. A higher ``sure`` misrouted a little less and understood much less.
CHOSEN = Thresholds(danger_at=0.3, danger_doubt=0.2, sure=0.8, unsure=0.7)
