"""The WSGI entry points (see Procfile). Each is a function, so importing this file builds
nothing, and gunicorn calls the one it is given:

    gunicorn --config gunicorn.conf.py 'app:line()'      Twilio's webhooks: the callers
    gunicorn --config gunicorn.conf.py 'app:console()'   the operators' console

Two masters, two sets of workers: nothing an operator does in the console can hold a
worker a caller is waiting for.
"""

from flask import Flask

from ivr import CALLS, CONSOLE, EVERYTHING, create_app


def line() -> Flask:
    """The line's callers: ``/voice``, ``/health``, ``/metrics`` and the line's recordings."""
    return create_app(serves=CALLS)


def console() -> Flask:
    """The operators' console (``/console``) and ``/health``."""
    return create_app(serves=CONSOLE)


def everything() -> Flask:
    """Both from one app, for trying the line on one port (tests, ``ivr serve``): never for
    callers, whose requests would then wait behind operators'."""
    return create_app(serves=EVERYTHING)
