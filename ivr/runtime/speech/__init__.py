"""Understanding what a caller says: a model learned from what callers really say.

- :mod:`.corpus` reads the project's corpus (``corpus/<language>.yaml``, shipped with the
  package) and keeps its held-out fifth apart.
- :mod:`.keys` hears a key named in words ("dwójka", "the second one", "số hai") and an
  emergency number said in any form, by rule: no model is needed, or trusted, for those.
"""
