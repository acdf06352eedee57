"""Fleet benchmark: one server, then two, behind one load balancer, against the same load.

    .venv/bin/python bench/fleet.py [--connections 50] [--seconds 20] [--calls 400] [--rounds 2]

1. Records whole simulated calls (signed requests, following the TwiML: choices, speech,
   silence, wrong keys, busy and finished transfers), as bench/load.py does.
2. Starts a throw-away PostgreSQL (tests/pg_cluster.py; or uses ``DATABASE_URL``) and
   nginx as the load balancer, round robin with the passive health check the README's
   sample layout uses. Each server is the line under gunicorn as the Procfile starts it,
   its own flow file and port, statistics written to the shared PostgreSQL.
3. Replays the requests with wrk through nginx: first to one server, then to two; the
   setups alternate for ``--rounds`` rounds and the median round of each is reported.
4. Prints requests and calls per second, p50/p99 latency and failed requests for each,
   and two servers' figures as ratios of one's.

On one machine, two servers share its cores: the ratio says what a second server costs
or gains on the same hardware (in production each server has its own machine). Needs
wrk and nginx (Debian: apt-get install wrk nginx) and PostgreSQL (postgresql).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # the throw-away PostgreSQL of the tests

from bench.load import TOKEN, free_port, record_calls, run_wrk, start_server  # noqa: E402

NGINX_CONF = """
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  client_body_temp_path {work}/nginx-body;
  proxy_temp_path {work}/nginx-proxy;
  fastcgi_temp_path {work}/nginx-fastcgi;
  uwsgi_temp_path {work}/nginx-uwsgi;
  scgi_temp_path {work}/nginx-scgi;
  upstream line {{
{servers}
    keepalive 64;
  }}
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://line;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_next_upstream error timeout;
    }}
  }}
}}
"""


def start_nginx(work: Path, port: int, server_ports: list[int]) -> subprocess.Popen:
    servers = "\n".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;" for p in server_ports)
    conf = work / f"nginx-{len(server_ports)}.conf"
    conf.write_text(NGINX_CONF.format(work=work, servers=servers, port=port))
    process = subprocess.Popen(["nginx", "-c", str(conf), "-g", "daemon off;"], stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    return process


def measure(count: int, workers: int, args, work: Path, database_url: str, requests_file: Path, port: int) -> dict:
    """``count`` servers of ``workers`` gunicorn workers behind nginx on ``port``; wrk's
    figures for the timed run."""
    servers, ports = [], [free_port() for _ in range(count)]
    for index, server_port in enumerate(ports):
        folder = work / f"server-{count}-{index + 1}"
        folder.mkdir(exist_ok=True)
        shutil.copy(ROOT / "call_flows.yaml", folder / "call_flows.yaml")
        env = {
            "TWILIO_AUTH_TOKEN": TOKEN,
            "IVR_FLOW_FILE": str(folder / "call_flows.yaml"),
            "IVR_PUBLIC_URL": "",
            "IVR_ALLOWED_HOSTS": f"127.0.0.1:{port}",  # the balancer's address: what Twilio would call
            "DATABASE_URL": database_url,
            "WEB_CONCURRENCY": str(workers),
        }
        servers.append(start_server("app:line()", server_port, env, folder / "server.log"))
    nginx = start_nginx(work, port, ports)
    try:
        run_wrk(port, requests_file, args.connections, 3)  # warm-up
        return run_wrk(port, requests_file, args.connections, args.seconds)
    finally:
        nginx.send_signal(signal.SIGQUIT)
        nginx.wait(timeout=10)
        for server in servers:
            server.send_signal(signal.SIGTERM)
        for server in servers:
            server.wait(timeout=20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--calls", type=int, default=400, help="recorded calls whose requests are replayed")
    parser.add_argument("--rounds", type=int, default=2, help="one and two servers measured alternately, each")
    args = parser.parse_args()
    for tool in ("wrk", "nginx"):
        if shutil.which(tool) is None:
            sys.exit(f"bench/fleet.py needs {tool}: apt-get install {tool}")

    work = Path(tempfile.mkdtemp(prefix="ivr-fleet-"))
    cluster = None
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url:
        from pg_cluster import INSTALL_HINT, Cluster, binaries

        if binaries() is None:
            sys.exit(f"bench/fleet.py needs PostgreSQL: {INSTALL_HINT}, or set DATABASE_URL")
        cluster = Cluster().start()
        database_url = cluster.url("fleet_bench")
    try:
        port = free_port()
        recorded = record_calls(args.calls, f"http://127.0.0.1:{port}")
        requests_file = work / "requests.tsv"
        requests_file.write_text("".join(f"{r.path}\t{r.signature}\t{r.body}\n" for r in recorded))
        per_call = len(recorded) / args.calls
        workers = int(os.environ.get("WEB_CONCURRENCY", str(os.cpu_count() * 2)))
        print(
            f"{len(recorded)} signed requests from {args.calls} simulated calls ({per_call:.1f} a call); "
            f"{args.connections} connections, {args.seconds} s a run, {os.cpu_count()} cores, "
            "nginx round robin in front, one PostgreSQL"
        )
        setups = {
            f"1 server x {workers} workers": (1, workers),
            f"2 servers x {workers} workers": (2, workers),
            f"2 servers x {max(1, workers // 2)} workers": (2, max(1, workers // 2)),
        }
        runs: dict[str, list[dict]] = {name: [] for name in setups}
        for round_number in range(1, args.rounds + 1):
            for name, (count, each) in setups.items():
                figures = measure(count, each, args, work, database_url, requests_file, port)
                runs[name].append(figures)
                print(
                    f"round {round_number}, {name}: {figures['rps']:.0f} req/s, "
                    f"p99 {figures['p99_us'] / 1000:.1f} ms, failed {figures['non_2xx'] + figures['socket_errors']}"
                )
        median = {name: sorted(found, key=lambda f: f["rps"])[(len(found) - 1) // 2] for name, found in runs.items()}
        print("\nmedian rounds:")
        print(f"{'':<24} {'req/s':>8} {'calls/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'failed':>7} {'vs one':>7}")
        one = median[next(iter(setups))]
        for name, f in median.items():
            failed = f["non_2xx"] + f["socket_errors"]
            print(
                f"{name:<24} {f['rps']:>8.0f} {f['rps'] / per_call:>8.0f} {f['p50_us'] / 1000:>7.2f} "
                f"{f['p99_us'] / 1000:>7.2f} {failed:>7d} {f['rps'] / one['rps']:>6.2f}x"
            )
        for name, f in list(median.items())[1:]:
            print(
                f"{name} / one server: throughput {f['rps'] / one['rps']:.2f}x, p99 {f['p99_us'] / one['p99_us']:.2f}x"
            )
        print(f"(every setup on these same {os.cpu_count()} cores)")
        print(f"Logs: {work}")
    finally:
        if cluster is not None:
            cluster.stop()


if __name__ == "__main__":
    main()
