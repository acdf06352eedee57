"""gunicorn settings for the line (see Procfile). Every log handler gets the filter that
takes phone numbers out, the access log included (docs/safety.md rule 2)."""

import logging
import multiprocessing
import os

# Cheaper log records (the logging HOWTO's "Optimization"): no caller frame, thread or
# multiprocessing name looked up for every line. The process id stays: it names the worker.
logging._srcfile = None
logging.logThreads = False
logging.logMultiprocessing = False

bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# Twilio gives up after 15 s; a request that takes longer is better cut so the
# number's fallback URL answers.
timeout = 14
graceful_timeout = 10
keepalive = 5
accesslog = "-"
errorlog = "-"
# The access log never needs the query string's raw digits or the caller's address. The
# path is SCRIPT_NAME + PATH_INFO: the webhooks' mount moves /voice into SCRIPT_NAME.
access_log_format = '"%(m)s %({script_name}e)s%(U)s" status=%(s)s bytes=%(B)s ms=%(M)s'
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_numbers": {"()": "ivr.logs.RedactNumbers"}},
    "formatters": {"json": {"()": "ivr.logs.JsonFormatter"}},
    "handlers": {
        "access": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "filters": ["redact_numbers"],
            "formatter": "json",
        },
        "error": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "filters": ["redact_numbers"],
            "formatter": "json",
        },
    },
    "root": {"handlers": ["error"], "level": "INFO"},
    "loggers": {
        "gunicorn.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
        "gunicorn.error": {"handlers": ["error"], "level": "INFO", "propagate": False},
    },
}


def post_worker_init(worker) -> None:  # type: ignore[no-untyped-def]
    """Start the worker's flow watcher as soon as the worker is up, not at its first call: a
    worker that has served nobody yet still takes a new revision or file within seconds, so
    its first caller never hears a flow older than the other workers'."""
    extensions = getattr(worker.wsgi, "extensions", {})
    line = extensions.get("ivr")
    if line is not None:
        line.store.live  # noqa: B018 (the first read starts this process's watcher)
