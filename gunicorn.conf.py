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
# gunicorn's control socket (gunicornc) sits at one path per user, $XDG_RUNTIME_DIR/gunicorn.ctl:
# the line's and the console's masters (Procfile), or two lines on one machine, would take
# it from each other. Nothing here uses it; signals (README, "Reloads") do its work.
control_socket_disable = True
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
    """Start the worker's flow watcher and alert checks as soon as the worker is up, not at
    its first call: a worker that has served nobody yet still takes a new revision or file
    within seconds, so its first caller never hears a flow older than the other workers'."""
    if "ivr" in getattr(worker.wsgi, "extensions", {}):  # the line, not another app (bench/baseline_app.py)
        from ivr import CONSOLE, start_background_work

        if worker.wsgi.config.get("IVR_SERVES") == CONSOLE:
            # The console's workers take only the CPU the callers' workers leave on this
            # machine (their check processes lower still, ivr/serve/isolated_load.py).
            os.nice(CONSOLE_NICENESS)
        start_background_work(worker.wsgi)


#: How much lower the console's workers' CPU priority is than the line's (``nice``).
CONSOLE_NICENESS = 5


# -- Prometheus (ivr/metrics.py) ----------------------------------------------------------------
# Each worker is a process: prometheus_client keeps each one's counts in a file in
# PROMETHEUS_MULTIPROC_DIR, and a scrape adds them up. The master sets the folder before
# any worker starts (workers inherit it), empties it (old counts would be added in), and
# removes it at exit if it made it. The library reads the variable at its first import, so
# nothing here imports it before that.
def on_starting(server) -> None:  # type: ignore[no-untyped-def]
    import glob
    import tempfile

    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
    server.ivr_made_metrics_folder = not folder
    if not folder:
        folder = tempfile.mkdtemp(prefix="ivr-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder
    os.makedirs(folder, exist_ok=True)
    for old in glob.glob(os.path.join(folder, "*.db")):
        os.remove(old)


def when_ready(server) -> None:  # type: ignore[no-untyped-def]
    """``IVR_METRICS_BIND`` (e.g. 127.0.0.1:9464): every worker's metrics on a port of the
    master's own, for a Prometheus on a private network; no token needed there. Unset: only
    ``/metrics`` with ``IVR_METRICS_TOKEN``."""
    bind_to = os.environ.get("IVR_METRICS_BIND", "")
    if not bind_to or getattr(server.app, "app_uri", "") == "app:console()":
        return  # the console's master (Procfile console:) counts no calls, and the port is the line's
    from prometheus_client import start_http_server

    from ivr.metrics import multiprocess_registry

    host, _, port = bind_to.rpartition(":")
    start_http_server(int(port), addr=host or "127.0.0.1", registry=multiprocess_registry())
    server.log.info(f"metrics for Prometheus on http://{host or '127.0.0.1'}:{port}/metrics")


def child_exit(server, worker) -> None:  # type: ignore[no-untyped-def]
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server) -> None:  # type: ignore[no-untyped-def]
    if getattr(server, "ivr_made_metrics_folder", False):
        import shutil

        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
