"""Understanding what a caller says: a model learned from what callers really say.

- :mod:`.corpus` reads the project's corpus (``corpus/<language>.yaml``, shipped with the
  package) and keeps its held-out fifth apart.
"""
