"""gunicorn settings for the line (see Procfile). Every log handler gets the filter that
takes phone numbers out, the access log included (docs/safety.md rule 2).

Restarts callers never notice (README, "Under systemd: logs, reloads and deploys"): the app is loaded once, in
the master, so a worker is ready as soon as it is forked. A SIGHUP then replaces the
workers in milliseconds, with the code already loaded; deploy/upgrade-line loads new
code (gunicorn's USR2 binary upgrade) with the old workers serving until the new ones
are there."""

import logging
import multiprocessing
import os
import tempfile

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
# The app (imports, settings, the database's migrations: seconds) is loaded in the master,
# before any worker is forked: new workers, at start or after a SIGHUP, answer at once.
# The price: a SIGHUP no longer loads new code (deploy/upgrade-line does), and what the
# master makes before forking must not be shared by the workers (on_starting, post_worker_init).
# A setting that cannot work so stops the master with one line, before any worker (app.py).
preload_app = True
# gunicorn's control socket (gunicornc) is one path per user by default: a second master on
# the machine (the console's, or the new master of an upgrade) would take it from the
# first, and the first would delete it as it stops. The line does not use it.
control_socket_disable = True
accesslog = "-"
errorlog = "-"
# The access log never needs the query string's raw digits or the caller's address. The
# path is SCRIPT_NAME + PATH_INFO: the webhooks' mount moves /voice into SCRIPT_NAME.
access_log_format = '"%(m)s %({script_name}e)s%(U)s" status=%(s)s bytes=%(B)s ms=%(M)s'


def _log_destination(stream: str) -> dict:
    """Where a log goes: standard output or error (under systemd, the journal, which rotates
    it), or with ``IVR_LOG_FILE`` that file, for logrotate (deploy/logrotate). Every worker
    appends to the file, so a handler that renamed it itself (RotatingFileHandler) would
    have several processes rotating one file over each other; WatchedFileHandler only
    reopens the file when logrotate has moved it, and each line is one appending write."""
    path = os.environ.get("IVR_LOG_FILE", "")
    if not path:
        return {"class": "logging.StreamHandler", "stream": stream}
    return {"class": "logging.handlers.WatchedFileHandler", "filename": path, "encoding": "utf-8"}


logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_numbers": {"()": "ivr.platform.logs.RedactNumbers"}},
    "formatters": {"json": {"()": "ivr.platform.logs.JsonFormatter"}},
    "handlers": {
        "access": {**_log_destination("ext://sys.stdout"), "filters": ["redact_numbers"], "formatter": "json"},
        "error": {**_log_destination("ext://sys.stderr"), "filters": ["redact_numbers"], "formatter": "json"},
    },
    "root": {"handlers": ["error"], "level": "INFO"},
    "loggers": {
        "gunicorn.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
        "gunicorn.error": {"handlers": ["error"], "level": "INFO", "propagate": False},
    },
}


def _is_the_line(app) -> bool:  # type: ignore[no-untyped-def]
    """Whether gunicorn runs the line (``app:app``), not another app (bench/baseline_app.py)."""
    return "ivr" in getattr(app, "extensions", {})


def _has_the_database(app) -> bool:  # type: ignore[no-untyped-def]
    """Whether gunicorn runs an app of the line's with its database (the line, the console)."""
    return "ivr.database" in getattr(app, "extensions", {})


def post_worker_init(worker) -> None:  # type: ignore[no-untyped-def]
    """In each worker as it starts: let go of the database connections the master's pool
    would have handed down (ivr.after_fork), then start the worker's flow watcher and alert
    checks at once, not at its first call: a worker that has served nobody yet still takes a
    new revision or file within seconds, so its first caller never hears an older flow."""
    if _has_the_database(worker.wsgi):
        from ivr import after_fork

        after_fork(worker.wsgi)
    if _is_the_line(worker.wsgi):
        from ivr import CONSOLE, start_background_work

        if worker.wsgi.config.get("IVR_SERVES") == CONSOLE:
            # The console's workers take only the CPU the callers' workers leave on this
            # machine (their check processes lower still, ivr/loading/isolated.py).
            os.nice(CONSOLE_NICENESS)
        start_background_work(worker.wsgi)
    worker.log.info("worker ready")  # what tests/line_fleet.py waits for


def on_reload(server) -> None:  # type: ignore[no-untyped-def]
    """On a SIGHUP, in the master, before the new workers are forked (the old ones serve
    meanwhile): the newest flow, so the new workers start with it (ivr.prepare_for_workers)."""
    if server.cfg.preload_app and _has_the_database(server.app.wsgi()):
        from ivr import prepare_for_workers

        prepare_for_workers(server.app.wsgi())


#: How much lower the console's workers' CPU priority is than the line's (``nice``).
CONSOLE_NICENESS = 10


# -- Prometheus (ivr/platform/metrics.py) ----------------------------------------------------------------
# Each worker is a process: prometheus_client keeps each one's counts in a file in
# PROMETHEUS_MULTIPROC_DIR, and a scrape adds them up. The library reads the variable at
# its first import, which is when the master loads the app (preload_app), before any hook
# runs: so the folder is chosen here, as gunicorn reads this file. A folder made here is
# removed when the master exits, even if the app failed to load; the workers inherit the
# variable. (gunicorn reads this file again on a SIGHUP: the variable is set by then, so
# no second folder is made.)
def _remove_metrics_folder(folder: str, master: int) -> None:
    if os.getpid() == master:  # not in a worker, which inherits this exit handler
        import shutil

        shutil.rmtree(folder, ignore_errors=True)


if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    import atexit

    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="ivr-metrics-")
    atexit.register(_remove_metrics_folder, os.environ["PROMETHEUS_MULTIPROC_DIR"], os.getpid())


def on_starting(server) -> None:  # type: ignore[no-untyped-def]
    """In the master, once, with the app loaded and before it listens or forks: empty the
    metrics folder (old counts would be added in), then bring the database up to date
    here, once, not in every worker. The new master of an upgrade (deploy/upgrade-line)
    keeps the folder as it is, since the old master's workers still count into it; if the
    new code cannot migrate, that master stops here and the old one goes on serving."""
    import glob

    folder = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    os.makedirs(folder, exist_ok=True)
    if not os.environ.get("GUNICORN_PID"):  # not the new master of an upgrade
        for old in glob.glob(os.path.join(folder, "*.db")):
            os.remove(old)
    if server.cfg.preload_app and _has_the_database(server.app.wsgi()):
        from ivr import prepare_for_workers

        prepare_for_workers(server.app.wsgi())


def when_ready(server) -> None:  # type: ignore[no-untyped-def]
    """In the master, listening, before the first workers are forked."""
    if server.master_pid:  # the new master of an upgrade
        _tell_systemd_the_main_process_is_this_one(server)
    _serve_metrics(server)


def _tell_systemd_the_main_process_is_this_one(server) -> None:  # type: ignore[no-untyped-def]
    """Under systemd (deploy/ivr@.service, NotifyAccess=all), the new master of an upgrade
    is the service's main process from now: the old one is about to stop, and systemd
    would otherwise take the service as ended and stop the new master with it."""
    from gunicorn import systemd

    systemd.sd_notify(f"MAINPID={os.getpid()}", server.log)


def _serve_metrics(server) -> None:  # type: ignore[no-untyped-def]
    """``IVR_METRICS_BIND`` (e.g. 127.0.0.1:9464): every worker's metrics on a port of the
    master's own, for a Prometheus on a private network; no token needed there. Unset: only
    ``/metrics`` with ``IVR_METRICS_TOKEN``. The new master of an upgrade waits for the old
    one to let go of the port (up to a minute), serving callers meanwhile."""
    bind_to = os.environ.get("IVR_METRICS_BIND", "")
    if not bind_to or getattr(server.app, "app_uri", "") == "app:console()":
        return  # the console's master (Procfile console:) counts no calls, and the port is the line's
    import threading
    import time

    from prometheus_client import start_http_server

    from ivr.platform import multiprocess_registry

    host, _, port = bind_to.rpartition(":")
    address = host or "127.0.0.1"

    def serve() -> None:
        start_http_server(int(port), addr=address, registry=multiprocess_registry())
        server.log.info(f"metrics for Prometheus on http://{address}:{port}/metrics")

    if not server.master_pid:
        serve()  # a port already taken is a mistake in the settings: the server does not start
        return

    def serve_once_free() -> None:
        for _ in range(120):
            try:
                serve()
                return
            except OSError:
                time.sleep(0.5)
        server.log.error(f"IVR_METRICS_BIND: {bind_to} is still taken a minute after the upgrade; restart the line")

    threading.Thread(target=serve_once_free, name="ivr-metrics-port", daemon=True).start()


def child_exit(server, worker) -> None:  # type: ignore[no-untyped-def]
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
