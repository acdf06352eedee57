"""Understanding what a caller says: a model learned from what callers really say.

In the order data flows:

- :mod:`.corpus` reads the project's corpus (``corpus/<language>.yaml``, shipped with the
  package) and keeps its held-out fifth apart; :mod:`.meanings` says what an answer can
  mean, the same at every menu, and what a model learns from.
- :mod:`.features`, :mod:`.training` and :mod:`.model`: what a model sees of an utterance,
  learning it (scikit-learn, cached on disk), and using it (numpy only).
- :mod:`.keys` hears a key named in words ("dwójka", "the second one", "số hai") and an
  emergency number said in any form, by rule: no model is needed, or trusted, for those;
  :mod:`.answers` hears yes and no.
- :mod:`.listening` decides, safety first, with :mod:`.policy`'s thresholds;
  :mod:`.explain` says why; :mod:`.hints` makes each menu's ``<Gather hints>``.
"""
