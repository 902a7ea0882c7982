"""Search benchmark: index build time, in-process query latency and HTTP throughput.

    .venv/bin/python benchmarks/search.py [--synthetic N] [--seconds S]

Prints, on the real atlas and on a generated corpus of N articles (default 10,000):
- the full index build time;
- p50, p95 and p99 in-process query latency with the result cache off;
- on the atlas, HTTP requests per second of /api/search against /healthz on the same server in the
  same run (wrk from Debian's packages), and their ratio.
Figures go in the README's performance section. Nothing here asserts: the machine is noisy.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

import httpx2 as httpx  # noqa: E402
import yaml  # noqa: E402

from search_service.cli import prepare  # noqa: E402
from search_service.content.atlas import Atlas  # noqa: E402
from search_service.content.vocabulary import load_vocabulary  # noqa: E402
from search_service.search.documents import atlas_documents  # noqa: E402
from search_service.search.engine import IndexDocument, SearchIndex, build  # noqa: E402
from search_service.search.service import SearchRequest, SearchService  # noqa: E402
from search_service.settings import Settings  # noqa: E402

QUERY_FILE = PROJECT_DIR.parent / "shared" / "eval" / "dev_queries.yaml"
EXTRA_QUERIES = [
    "pain behind my knee when I sit", "headache at my temple", "tennis elbow", "shoulder blade ache",
    "heel pain first thing in the morning", "sciatica down the back of my leg", "jaw clicks", "calf cramp at night",
    "numb fingers typing", "low back pain getting out of bed", "groin pain kicking", "shin pain running",
]


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    q = statistics.quantiles(samples, n=100, method="inclusive")
    return q[49], q[94], q[98]


def queries() -> list[str]:
    dev = [item["q"] for item in yaml.safe_load(QUERY_FILE.read_text())] if QUERY_FILE.exists() else []
    return dev + EXTRA_QUERIES


def latency(service: SearchService, texts: list[str], rounds: int) -> list[float]:
    for q in texts:  # warm the searcher and the OS cache
        service.search(SearchRequest(q=q), use_cache=False)
    samples = []
    for _ in range(rounds):
        for q in texts:
            started = time.perf_counter()
            service.search(SearchRequest(q=q), use_cache=False)
            samples.append((time.perf_counter() - started) * 1000)
    return samples


def synthetic_documents(atlas: Atlas, n: int, words_per_article: int, seed: int = 7) -> list[IndexDocument]:
    """Articles made of the atlas's own words, so term statistics look like a real, larger atlas."""
    rng = random.Random(seed)
    templates = list(atlas_documents(atlas))
    words = re.findall(r"[a-z]+", " ".join(d.body.lower() for d in templates))
    docs = []
    for i in range(n):
        base = templates[i % len(templates)]
        body = " ".join(rng.choice(words) for _ in range(words_per_article))
        docs.append(IndexDocument(**{**base.__dict__, "url": f"/synthetic/{i}/", "title": f"{base.title} {i}", "body": body}))
    return docs


def wrk_rps(url: str, seconds: int, script: Path | None = None) -> float:
    command = ["wrk", "-t2", "-c32", f"-d{seconds}s", "--latency"]
    if script:
        command += ["-s", str(script)]
    out = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    assert match, out
    return float(match.group(1))


def http_throughput(settings: Settings, texts: list[str], seconds: int) -> tuple[float, float]:
    port = 8765
    env = {**os.environ, "ATLAS_DATA_DIR": str(settings.data_dir)}
    server = subprocess.Popen(
        [sys.executable, "-m", "search_service.cli", "serve", "--port", str(port)],
        cwd=PROJECT_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    try:
        for _ in range(300):
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        script = Path(tempfile.mkstemp(suffix=".lua")[1])
        paths = ", ".join('"/api/search?q=' + httpx.QueryParams({"q": q})["q"].replace(" ", "+") + '"' for q in texts)
        script.write_text(
            f"local paths = {{{paths}}}\nlocal i = 0\n"
            "request = function() i = i + 1; return wrk.format('GET', paths[(i % #paths) + 1]) end\n"
        )
        health = wrk_rps(f"http://127.0.0.1:{port}/healthz", seconds)
        search = wrk_rps(f"http://127.0.0.1:{port}/", seconds, script)
        script.unlink()
        return search, health
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--synthetic", type=int, default=10_000)
    parser.add_argument("--words", type=int, default=400)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    texts = queries()
    work = Path(tempfile.mkdtemp(prefix="atlas-bench-"))
    try:
        settings = Settings.from_env({}, project_dir=PROJECT_DIR, data_dir=work / "atlas")
        atlas = Atlas.load(settings.docs_dir)
        vocabulary = load_vocabulary(settings.docs_dir)
        started = time.perf_counter()
        prepare(settings, force=True, say=lambda _: None)
        print(f"machine: {os.cpu_count()} cores; {time.strftime('%Y-%m-%d')}")
        print(f"atlas: {len(atlas.articles)} articles; site + index build {time.perf_counter() - started:.2f} s")
        service = SearchService(SearchIndex(settings.index_dir), vocabulary)
        p50, p95, p99 = percentiles(latency(service, texts, args.rounds))
        print(f"atlas in-process, no cache ({len(texts)} queries x {args.rounds}): p50 {p50:.2f} ms  p95 {p95:.2f} ms  p99 {p99:.2f} ms")
        if shutil.which("wrk"):
            search_rps, health_rps = http_throughput(settings, texts, args.seconds)
            print(f"atlas HTTP (wrk, 32 connections, {args.seconds} s each): /api/search {search_rps:.0f} req/s, "
                  f"/healthz {health_rps:.0f} req/s, ratio {search_rps / health_rps:.2f}")
        else:
            print("atlas HTTP: skipped, wrk is not installed (apt-get install wrk)")

        docs = synthetic_documents(atlas, args.synthetic, args.words)
        root = work / "synthetic"
        started = time.perf_counter()
        build(root, docs, fingerprint="synthetic")
        print(f"synthetic: {len(docs)} articles of {args.words} words; index build {time.perf_counter() - started:.1f} s")
        service = SearchService(SearchIndex(root), vocabulary)
        p50, p95, p99 = percentiles(latency(service, texts, max(2, args.rounds // 5)))
        print(f"synthetic in-process, no cache: p50 {p50:.2f} ms  p95 {p95:.2f} ms  p99 {p99:.2f} ms")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
