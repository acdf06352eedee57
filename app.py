"""The WSGI entry points (see Procfile). Each is a function, so importing this file builds
nothing, and gunicorn calls the one it is given:

    gunicorn --config gunicorn.conf.py 'app:line()'      Twilio's webhooks: the callers
    gunicorn --config gunicorn.conf.py 'app:console()'   the operators' console

Two masters, two sets of workers: nothing an operator does in the console can hold a
worker a caller is waiting for.
"""

import sys

from flask import Flask
from gunicorn.arbiter import Arbiter

from ivr import CALLS, CONSOLE, EVERYTHING, create_app
from ivr.platform import ConfigError


def line() -> Flask:
    """The line's callers: ``/voice``, ``/health``, ``/metrics`` and the line's recordings."""
    return _app_or_exit(CALLS)


def console() -> Flask:
    """The operators' console (``/console``) and ``/health``."""
    return _app_or_exit(CONSOLE)


def everything() -> Flask:
    """Both from one app, for trying the line on one port (tests, ``ivr serve``): never for
    callers, whose requests would then wait behind operators'."""
    return _app_or_exit(EVERYTHING)


def _app_or_exit(serves: str) -> Flask:
    """The app, or, when a setting cannot work, what to set on standard error and gunicorn's
    own exit for an app that cannot load. gunicorn.conf.py loads the app in the master
    (preload_app): the master prints that and exits before it forks a worker. Without that
    file a worker loads it, prints it and exits so, and the master stops rather than start
    worker after worker (a traceback and a restart each, before)."""
    try:
        return create_app(serves=serves)
    except ConfigError as exc:
        print(f"Error: {exc}", file=sys.stderr, flush=True)
        raise SystemExit(Arbiter.APP_LOAD_ERROR) from None
