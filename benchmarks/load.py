"""Load test: a live `trigger-atlas serve` on loopback under 90% searches and 10% feedback submissions.

    .venv/bin/python benchmarks/load.py [--seconds 60] [--connections 50] [--workers 2] [--database-url URL]

wrk (Debian's package) drives the server for a bounded time. The script reports throughput, latency
p50/p95/p99, status counts and connection errors, the server's memory (RSS of all its processes) at
the start (after a warm-up with the same mix) and the end, and checks that every submission answered 201 is in the review queue. It exits
non-zero when any 5xx or connection error occurred, memory grew by 20% or more, or a submission is
unaccounted for. The test suite runs it for 10 s as a smoke test; the README quotes a long run.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

import httpx2 as httpx  # noqa: E402

SEARCHES = [
    "hamstring cramps when driving", "pain behind my knee", "headache behind my eye", "tennis elbow",
    "shoulder hurts reaching overhead", "heel pain in the morning", "low back pain when I sneeze",
    "jaw aches when chewing", "numb fingers", "calf cramp at night", "pain between my shoulder blades",
    "hip pain walking", "toothache", "sciatica", "glute med", "infraspinatis", "inner thigh pain",
    "pain on top of my foot", "stiff neck", "chest pain deep breath",
]
AREAS = ["back-of-knee", "heel", "temple", "outer-elbow", "low-back", "calf", "buttock", "shoulder-blade"]

LUA = r"""
local searches = {SEARCHES}
local areas = {AREAS}
local counter = 0
local threads = {}
statuses = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
  -- A per-thread tag keeps every message unique, so duplicates in the queue would show.
  math.randomseed(os.time() + math.floor(os.clock() * 1e6) + #threads)
  tag = tostring(math.random(1, 1000000000))
end

function request()
  counter = counter + 1
  if counter % 10 == 0 then
    local body = '{"page_url": "/patterns/thigh-and-knee/biceps-femoris/", "kind": "comment", ' ..
      '"message": "Load test comment ' .. tag .. '-' .. counter .. ' from wrk."}'
    return wrk.format("POST", "/api/feedback", {["Content-Type"] = "application/json"}, body)
  end
  local q = searches[(counter % #searches) + 1]
  local path = "/api/search?q=" .. q
  if counter % 3 == 0 then
    path = path .. "&area=" .. areas[(counter % #areas) + 1]
  end
  return wrk.format("GET", path)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local totals = {}
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses")
    for code, n in pairs(s) do totals[code] = (totals[code] or 0) + n end
  end
  local parts = {}
  for code, n in pairs(totals) do table.insert(parts, '"' .. code .. '": ' .. n) end
  local e = summary.errors
  io.write("ATLAS-JSON {" ..
    '"requests": ' .. summary.requests .. ', "duration_us": ' .. summary.duration ..
    ', "p50_ms": ' .. latency:percentile(50) / 1000 .. ', "p95_ms": ' .. latency:percentile(95) / 1000 ..
    ', "p99_ms": ' .. latency:percentile(99) / 1000 ..
    ', "errors": {"connect": ' .. e.connect .. ', "read": ' .. e.read .. ', "write": ' .. e.write ..
    ', "timeout": ' .. e.timeout .. ', "status": ' .. e.status .. '}' ..
    ', "statuses": {' .. table.concat(parts, ", ") .. '}}\n')
end
"""


def lua_script() -> str:
    def table(items: list[str]) -> str:
        return ", ".join(json.dumps(i.replace(" ", "+")) for i in items)

    return LUA.replace("{SEARCHES}", "{" + table(SEARCHES) + "}").replace("{AREAS}", "{" + table(AREAS) + "}")


def process_tree_rss_kib(pid: int) -> int:
    """Resident memory of a process and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
        except OSError:
            continue
        match = re.search(r"VmRSS:\s+(\d+) kB", status)
        total += int(match.group(1)) if match else 0
        stack.extend(children.get(current, []))
    return total


def stored_messages(env: dict[str, str]) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-m", "search_service.cli", "feedback", "export", "--format", "json"],
        cwd=PROJECT_DIR, env=env, capture_output=True, text=True, check=True,
    ).stdout
    items = json.loads(out)["items"]
    return [item["message"] for item in items if item["message"].startswith("Load test comment")]


def run(args: argparse.Namespace) -> int:
    if not shutil.which("wrk"):
        print("wrk is not installed: apt-get install wrk", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="atlas-load-"))
    port = args.port
    env = {**os.environ, "ATLAS_DATA_DIR": str(work / "data"), "ATLAS_FEEDBACK_RATE": "1000000/minute"}
    if args.database_url:
        env["ATLAS_DATABASE_URL"] = args.database_url
    log = open(work / "serve.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "search_service.cli", "serve", "--port", str(port), "--workers", str(args.workers)],
        cwd=PROJECT_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                print((work / "serve.log").read_text()[-3000:], file=sys.stderr)
                return 2
            time.sleep(0.3)
        script = work / "mix.lua"
        script.write_text(lua_script())
        # Warm every worker, its caches and the database with a few seconds of the same mix, so the
        # starting memory is the steady state rather than an empty process.
        subprocess.run(["wrk", "-t2", f"-c{args.connections}", f"-d{args.warmup}s", "-s", str(script),
                        f"http://127.0.0.1:{port}"], capture_output=True, check=True)
        before = len(stored_messages(env))
        rss_start = process_tree_rss_kib(server.pid)
        wrk = subprocess.run(
            ["wrk", "-t2", f"-c{args.connections}", f"-d{args.seconds}s", "--timeout", "10s", "-s", str(script),
             f"http://127.0.0.1:{port}"],
            capture_output=True, text=True, check=True,
        )
        rss_end = process_tree_rss_kib(server.pid)
        line = next(l for l in wrk.stdout.splitlines() if l.startswith("ATLAS-JSON "))
        report = json.loads(line.removeprefix("ATLAS-JSON "))
        messages = stored_messages(env)
        stored, distinct = len(messages) - before, len(set(messages)) - before
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()
    statuses = {int(k): v for k, v in report["statuses"].items()}
    seconds = report["duration_us"] / 1e6
    accepted = statuses.get(201, 0)
    errors = report["errors"]
    connection_errors = errors["connect"] + errors["read"] + errors["write"] + errors["timeout"]
    server_errors = sum(n for code, n in statuses.items() if code >= 500)
    growth = (rss_end - rss_start) / rss_start if rss_start else 0.0
    print(f"load: {args.seconds} s, {args.connections} connections, {args.workers} worker(s), 90% search / 10% feedback")
    print(f"throughput: {report['requests'] / seconds:.0f} req/s ({report['requests']} requests)")
    print(f"latency: p50 {report['p50_ms']:.1f} ms  p95 {report['p95_ms']:.1f} ms  p99 {report['p99_ms']:.1f} ms")
    print(f"statuses: {dict(sorted(statuses.items()))}; connection errors: {connection_errors}")
    print(f"memory (RSS, all server processes): start {rss_start / 1024:.1f} MiB, end {rss_end / 1024:.1f} MiB, growth {growth:+.1%}")
    # wrk stops at its deadline with requests in flight: the server may store a few it never saw
    # acknowledged, at most one per connection. Fewer stored than acknowledged would be a loss.
    print(f"submissions: {accepted} answered 201, {stored} stored ({distinct} distinct), "
          f"{stored - accepted} in flight when wrk stopped")
    failures = []
    if server_errors:
        failures.append(f"{server_errors} responses were 5xx")
    if connection_errors:
        failures.append(f"{connection_errors} connection errors")
    if growth >= 0.20:
        failures.append(f"memory grew {growth:.0%}")
    if stored < accepted:
        failures.append(f"{accepted} submissions acknowledged but only {stored} stored")
    if stored - accepted > args.connections:
        failures.append(f"{stored - accepted} more stored than acknowledged, more than the {args.connections} in flight")
    if distinct != stored:
        failures.append(f"{stored - distinct} submissions stored twice")
    if not accepted:
        failures.append("no submission was accepted")
    print("result: " + ("FAIL: " + "; ".join(failures) if failures else "PASS"))
    shutil.rmtree(work, ignore_errors=True)
    return 1 if failures else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--warmup", type=int, default=5, help="seconds of the same mix before measuring")
    parser.add_argument("--database-url", help="ATLAS_DATABASE_URL for the run (default: SQLite in a temp dir)")
    sys.exit(run(parser.parse_args()))


if __name__ == "__main__":
    main()
