"""The `trigger-atlas` command line (see the contract): serve, build, check, eval, editor, feedback."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Callable, Sequence

from .settings import Settings, SettingsError


def _settings(args: argparse.Namespace) -> Settings:
    # A flag wins over its variable; exporting it lets uvicorn's worker processes see the same value.
    if getattr(args, "data_dir", None):
        os.environ["ATLAS_DATA_DIR"] = str(Path(args.data_dir).resolve())
    return Settings.from_env()


def prepare(settings: Settings, *, force: bool = False, say: Callable[[str], None] = print) -> None:
    """Build the site and the index where missing or older than their sources."""
    from .build import build_site, site_is_stale
    from .search.indexing import build_index, ensure_index

    if force or site_is_stale(settings):
        started = time.perf_counter()
        say("Building the site (mkdocs build --strict)…")
        build_site(settings)
        say(f"Site built in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    meta = build_index(settings) if force else ensure_index(settings)
    if meta is not None:
        say(f"Search index built: {meta.articles} articles in {time.perf_counter() - started:.1f} s")


def cmd_build(args: argparse.Namespace) -> int:
    prepare(_settings(args), force=True)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from .logs import logging_config

    settings = _settings(args)
    prepare(settings)
    _share_metrics_between_workers(settings)
    print(f"Serving Trigger Atlas at http://{args.host}:{args.port}/", flush=True)
    uvicorn.run(
        "search_service.app:app_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        proxy_headers=False,
        timeout_graceful_shutdown=10,
        log_config=logging_config(),
    )
    return 0


def _share_metrics_between_workers(settings: Settings) -> None:
    """Point prometheus_client at a fresh folder in the data dir, so /metrics counts every worker.

    It picks its value store when first imported, so this runs before the app is imported here or
    in a worker; stale files from an earlier run would count processes long gone.
    """
    folder = settings.data_dir / "metrics"
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink()
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)


def cmd_check(args: argparse.Namespace) -> int:
    from .content.check import check_docs

    settings = Settings.from_env()
    problems = check_docs(settings.docs_dir)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) found.", file=sys.stderr)
        return 1
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from .search.evaluation import run_eval
    from .search.indexing import ensure_index

    settings = _settings(args)
    ensure_index(settings)  # the site plays no part in relevance
    print(run_eval(settings, Path(args.queries)))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="trigger-atlas", description="Trigger Atlas: site, symptom search and feedback.")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="build what is stale, then serve the site, search and feedback")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--data-dir", help="index, database and secret (default $ATLAS_DATA_DIR or ./var)")
    serve.add_argument("--workers", type=int, default=1, help="uvicorn worker processes on the one port")
    serve.set_defaults(func=cmd_serve)

    build = sub.add_parser("build", help="mkdocs build --strict into site/, then the search index")
    build.add_argument("--data-dir")
    build.set_defaults(func=cmd_build)

    check = sub.add_parser("check", help="validate every article's front matter, links and sections")
    check.set_defaults(func=cmd_check)

    evaluate = sub.add_parser("eval", help="Success@1, Success@3 and MRR@10 of a query file, beside a BM25 baseline")
    evaluate.add_argument("--queries", default=str(Path("..") / "shared" / "eval" / "dev_queries.yaml"))
    evaluate.add_argument("--data-dir")
    evaluate.set_defaults(func=cmd_eval)

    try:
        from feedback.cli import add_commands
    except ImportError:  # the feedback package's commands arrive with it
        pass
    else:
        add_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except SettingsError as exc:
        print(f"trigger-atlas: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
