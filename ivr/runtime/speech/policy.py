"""How sure the line must be before it acts on what a caller said: safety first.

The thresholds are measured, not guessed: ``bench/understanding.py --tune`` tries each
setting by cross-validation on the corpus's training part (never on its held-out fifth)
and prints what each would do; these are the values it chose, and why:

- :data:`DANGER_AT`: the probability of danger from which the line gives the danger advice
  whatever else was likelier. Low on purpose: the danger advice (hang up and dial 999,
  then a way to the helpline) does little harm to a caller who was not in danger, and
  missing danger does the most harm of anything.
- :data:`DANGER_DOUBT`: with this much danger, the line never sends a caller straight to
  the police advice, information or reporting; it asks first (:data:`UNSURE` up) or
  gives the danger advice.
- :data:`SURE`: from here the line acts at once.
- :data:`UNSURE`: from here to :data:`SURE` it asks one short question ("It sounds like you
  want …"); below, it says it did not catch that, offers a person, and asks again.
"""

from __future__ import annotations

DANGER_AT = 0.30
DANGER_DOUBT = 0.12
SURE = 0.70
UNSURE = 0.35
