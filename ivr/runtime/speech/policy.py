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


#: Chosen on 2026-12-07 by ``bench/understanding.py --tune`` (five folds of the 16,449
#: utterances of the training part, the corpus grown to 20,632 with more danger said without
#: the word), the probabilities of a menu's meanings shared among them and danger judged on
#: its own (:mod:`ivr.runtime.speech.model`): understood 81.1 %, confirmed 3.2 %, asked again
#: 13.1 %, misrouted 2.6 % (428; most of them noise given the danger advice), 6 callers in
#: danger not given the danger advice (0.04 %). The tuner's first choice, ``danger_at`` 0.15,
#: gave the danger advice to two of those six, at the cost of 586 more callers not in danger
#: given it (misrouted 6.2 %) and 3.1 points fewer understood: not worth it. Of the six, two
#: said danger at the language menu and chose their language by it, whose first words are
#: the danger advice; the tuner lists them all, for the corpus and the model to mend.
CHOSEN = Thresholds(danger_at=0.3, danger_doubt=0.2, sure=0.8, unsure=0.7)
