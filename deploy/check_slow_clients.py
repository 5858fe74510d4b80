"""Slow clients against the production set-up: nginx in front of gunicorn's sync workers.

Starts gunicorn (2 sync workers, DEBUG off, a throwaway SQLite directory) and nginx with
deploy/nginx/partnerships-proxy.conf, opens N connections that send their request
headers one byte at a time, and meanwhile times ordinary requests of the agreement list.
Passes when every ordinary request answers within the limit (1 s).

    .venv/bin/python deploy/check_slow_clients.py               # through nginx: passes
    .venv/bin/python deploy/check_slow_clients.py --direct      # gunicorn alone: fails

Needs nginx (Debian: apt-get install nginx-light).
"""

import argparse
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PROXY_CONF = REPO / "deploy" / "nginx" / "partnerships-proxy.conf"
NGINX_CONF = """
daemon off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/client-body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    upstream partnerships_app {{ server 127.0.0.1:{app_port}; keepalive 8; }}
    server {{
        listen 127.0.0.1:{proxy_port};
        server_name 127.0.0.1;
        include {proxy_conf};
    }}
}}
"""


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def find_nginx():
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None
    )


def wait_for(url, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                response.read()
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer within {seconds} s.")


class SlowClient(threading.Thread):
    """Sends a request's headers one byte every ``interval`` seconds, never finishing."""

    HEADER = b"GET /agreements/ HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"X-Slow: " + b"a" * 4000

    def __init__(self, port, interval, stop):
        super().__init__(daemon=True)
        self.port, self.interval, self.stop = port, interval, stop
        self.bytes_sent = self.reconnects = 0

    def run(self):
        while not self.stop.is_set():
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=5) as conn:
                    for byte in self.HEADER:
                        if self.stop.wait(self.interval):
                            return
                        conn.sendall(bytes([byte]))
                        self.bytes_sent += 1
            except OSError:
                self.reconnects += 1  # The server hung up (timeout): come back at once.


def timed_get(url, timeout):
    start = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            response.read()
            status = response.status
    except OSError as error:
        status = f"failed ({error.__class__.__name__})"
    return time.monotonic() - start, status


def django_env(tmp):
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="partnerships.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_BEHIND_PROXY="1",
        DJANGO_LOG_LEVEL="WARNING",
        DATABASE_URL=f"sqlite:///{tmp}/directory.sqlite3",
    )
    return env


def run(clients=16, seconds=8.0, interval=0.5, limit=1.0, direct=False, out=print):
    """The check itself; returns (passed, slowest seconds, statuses)."""
    nginx = None if direct else find_nginx()
    if not direct and nginx is None:
        raise SystemExit("nginx is not installed (Debian: apt-get install nginx-light).")
    with tempfile.TemporaryDirectory(prefix="slow-clients-") as tmp:
        env = django_env(tmp)
        manage = [str(BIN / "python"), str(REPO / "manage.py")]
        subprocess.run([*manage, "migrate", "--no-input", "-v0"], env=env, check=True)
        subprocess.run([*manage, "collectstatic", "--no-input", "-v0"], env=env, check=True)
        app_port, proxy_port = free_port(), free_port()
        processes = []
        try:
            gunicorn = [str(BIN / "gunicorn"), "-c", str(REPO / "deploy" / "gunicorn.conf.py")]
            processes.append(
                subprocess.Popen(
                    [
                        *gunicorn,
                        "--bind",
                        f"127.0.0.1:{app_port}",
                        "--workers",
                        "2",
                        "--access-logfile",
                        "/dev/null",
                        "partnerships.wsgi",
                    ],
                    env={**env, "PYTHONPATH": str(REPO)},
                    cwd=REPO,
                    stderr=open(Path(tmp) / "gunicorn.log", "w"),  # noqa: SIM115
                )
            )
            port = app_port
            if not direct:
                conf = Path(tmp) / "nginx.conf"
                conf.write_text(
                    NGINX_CONF.format(
                        tmp=tmp, app_port=app_port, proxy_port=proxy_port, proxy_conf=PROXY_CONF
                    )
                )
                processes.append(
                    subprocess.Popen([nginx, "-c", str(conf), "-p", tmp, "-e", f"{tmp}/e.log"])
                )
                port = proxy_port
            url = f"http://127.0.0.1:{port}/agreements/"
            wait_for(url)
            front = "gunicorn alone (2 sync workers)" if direct else "nginx in front of gunicorn"
            out(f"{front}: {clients} slow clients, one header byte every {interval} s")

            stop = threading.Event()
            slow = [SlowClient(port, interval, stop) for _ in range(clients)]
            for client in slow:
                client.start()
            time.sleep(2)  # Let them take hold.
            timings = []
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                timings.append(timed_get(url, timeout=limit * 5))
                time.sleep(0.25)
            stop.set()
        finally:
            for process in reversed(processes):
                process.terminate()
            for process in processes:
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
    slowest = max(seconds for seconds, _ in timings)
    ordered = sorted(seconds for seconds, _ in timings)
    median = ordered[len(ordered) // 2]
    statuses = sorted({str(status) for _, status in timings})
    passed = slowest <= limit and statuses == ["200"]
    out(
        f"{len(timings)} ordinary requests while they trickled: median {median * 1000:.0f} ms, "
        f"slowest {slowest * 1000:.0f} ms, answers {', '.join(statuses)}; "
        f"slow clients sent {sum(c.bytes_sent for c in slow)} bytes in all"
    )
    out(f"{'PASS' if passed else 'FAIL'}: every ordinary request within {limit:g} s: {passed}")
    return passed, slowest, statuses


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=8.0, help="how long to measure")
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between bytes")
    parser.add_argument("--limit", type=float, default=1.0, help="seconds an answer may take")
    parser.add_argument("--direct", action="store_true", help="no nginx: gunicorn alone")
    args = parser.parse_args(argv)
    passed, _, _ = run(args.clients, args.seconds, args.interval, args.limit, args.direct)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
