"""Checking a flow before it goes live: one module per concern, each a rule listed in
:mod:`ivr.inspect.rules`, all reading one :class:`ivr.inspect.context.Context`."""
