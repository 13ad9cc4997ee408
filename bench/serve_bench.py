"""Serving a class: gunicorn on loopback under wrk, each kind of response against a static file.

    .venv/bin/python bench/serve_bench.py [--app-dir DIR] [--step URL] [--seconds 8] [--skip-warm]

Starts gunicorn (2 sync workers) from ``--app-dir`` (this checkout by default;
give another checkout, e.g. main, to compare), twice:

1. cold: no LAYERLAB_WARM, no --preload: the latency of the first ``/`` and the
   first step page a fresh worker answers;
2. warm: LAYERLAB_WARM=1 --preload: ``wrk -t2 -c50 -d8s`` against the static
   CSS file (the baseline), a step's SVG, the full step page, its htmx partial
   a 304 revalidation of the page and the step's playground URL, each as req/s
   and as a ratio of the static file measured in the same run; with --soak S,
   200 connections on the step page for S seconds (errors counted); and each
   worker's peak RSS.

Everything listens on 127.0.0.1 only, every run is bounded by a timeout, and
gunicorn is stopped by its own pid at the end. wrk is Debian's ``wrk`` package.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(app_dir: Path, port: int, warm: bool) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(app_dir)}
    env.pop("LAYERLAB_WARM", None)
    args = [PYTHON, "-m", "gunicorn", "-w", "2", "-k", "sync", "-b", f"127.0.0.1:{port}", "--chdir", str(app_dir),
            "--timeout", "600", "--log-level", "warning"]
    if warm:
        env["LAYERLAB_WARM"] = "1"
        args.append("--preload")
    # cwd too: ``python -m`` puts the working directory first on sys.path, before PYTHONPATH
    return subprocess.Popen(args + ["app:create_app()"], env=env, cwd=app_dir, start_new_session=True)


def stop(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def get(url: str, headers: dict | None = None, timeout: float = 600) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), b""


def wait_up(base: str, limit: float) -> None:
    end = time.monotonic() + limit
    while time.monotonic() < end:
        try:
            with socket.create_connection(("127.0.0.1", int(base.rsplit(":", 1)[1])), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not listen within {limit:.0f} s")


def static_url(base: str) -> str:
    """The CSS link the pages use (fingerprinted where the app does so)."""
    html = get(base + "/")[2].decode()
    found = re.search(r'href="(/static/app\.css[^"]*)"', html)
    return found.group(1) if found else "/static/app.css"


def wrk(url: str, seconds: int, headers: dict | None = None, connections: int = 50) -> tuple[float, str]:
    args = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s"]
    for name, value in (headers or {}).items():
        args += ["-H", f"{name}: {value}"]
    out = subprocess.run(args + [url], capture_output=True, text=True, timeout=seconds + 60).stdout
    rate = re.search(r"Requests/sec:\s+([0-9.]+)", out)
    errors = ", ".join(re.findall(r"(Socket errors:.*|Non-2xx or 3xx responses:.*)", out))
    return (float(rate.group(1)) if rate else 0.0), errors


def peak_rss_mb(server: subprocess.Popen) -> list[float]:
    children = subprocess.run(["ps", "-o", "pid=", "--ppid", str(server.pid)], capture_output=True, text=True).stdout
    out = []
    for pid in children.split():
        status = Path(f"/proc/{pid}/status").read_text()
        out.append(int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024)
    return out


def cold(app_dir: Path, step: str) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start(app_dir, port, warm=False)
    try:
        wait_up(base, 120)
        get(base + "/static/app.css")  # a worker is up (the app is created at boot without --preload)
        time.sleep(3)  # ... and the other one too
        for url in ("/", step):
            t = time.perf_counter()
            status = get(base + url)[0]
            print(f"cold: first {url:<28} {status}  {(time.perf_counter() - t) * 1000:8.0f} ms")
    finally:
        stop(server)


def warm(app_dir: Path, step: str, seconds: int, soak: int = 0) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    t = time.perf_counter()
    server = start(app_dir, port, warm=True)
    try:
        wait_up(base, 900)
        print(f"warm: gunicorn --preload listening after {time.perf_counter() - t:.1f} s")
        status, step_headers, body = get(base + step)
        etag = step_headers.get("ETag")
        play = re.search(r'href="(/play\?s=[^"]+)"', body.decode())
        cases = [
            ("static CSS (baseline)", static_url(base), {}),
            ("step SVG", step + ".svg", {}),
            ("step page", step, {}),
            ("step partial (htmx)", step, {"HX-Request": "true"}),
        ]
        if etag:
            cases.append(("304 revalidation", step, {"If-None-Match": etag}))
        else:
            print("no ETag on the step page: no 304 row")
        if play:
            cases.append(("playground URL", play.group(1).replace("&amp;", "&"), {}))
        for _, url, headers in cases:  # every worker renders each once before it is measured
            for _ in range(4):
                get(base + url, headers)
        print(f"{'response':<24} {'req/s':>9} {'of static':>10}  errors")
        baseline = None
        for name, url, headers in cases:
            rate, errors = wrk(base + url, seconds, headers)
            baseline = baseline or rate
            print(f"{name:<24} {rate:>9.0f} {rate / baseline:>9.0%}  {errors or '-'}")
        if soak:
            rate, errors = wrk(base + step, soak, connections=200)
            print(f"soak: step page, 200 connections for {soak} s: {rate:.0f} req/s, errors: {errors or 'none'}")
        print("peak RSS per worker: " + ", ".join(f"{mb:.0f} MB" for mb in peak_rss_mb(server)))
    finally:
        stop(server)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--app-dir", type=Path, default=HERE)
    parser.add_argument("--step", default="/lessons/container-layer/3")
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--skip-warm", action="store_true")
    parser.add_argument("--skip-cold", action="store_true")
    parser.add_argument("--soak", type=int, default=0, metavar="SECONDS",
                        help="then 200 connections on the step page for this long (the issue asks 60)")
    options = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    print(f"app: {options.app_dir}  step: {options.step}")
    if not options.skip_cold:
        cold(options.app_dir.resolve(), options.step)
    if not options.skip_warm:
        warm(options.app_dir.resolve(), options.step, options.seconds, options.soak)


if __name__ == "__main__":
    main()
