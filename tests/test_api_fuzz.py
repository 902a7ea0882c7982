"""Schemathesis against a live server: no 5xx, no response outside its schema, no crash."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest

from search_service.settings import Settings
from tests.conftest import data_dir_with_index, PROJECT_DIR, LiveServer

MAX_EXAMPLES = int(os.environ.get("ATLAS_FUZZ_EXAMPLES", "40"))


@pytest.fixture(scope="module")
def fuzz_server(built_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, str]]:
    data_dir = data_dir_with_index(built_settings, tmp_path_factory.mktemp("fuzz") / "data")
    env = {**os.environ, "ATLAS_DATA_DIR": str(data_dir), "ATLAS_FEEDBACK_RATE": "100000/minute"}
    cli = [sys.executable, "-m", "search_service.cli"]
    subprocess.run(cli + ["editor", "add", "fuzzer"], input="a long fuzzing password\n", text=True, env=env, cwd=PROJECT_DIR, check=True)
    token = subprocess.run(cli + ["editor", "token", "fuzzer"], text=True, env=env, cwd=PROJECT_DIR, check=True,
                           capture_output=True).stdout.strip().splitlines()[-1]
    server = LiveServer(data_dir, env={"ATLAS_FEEDBACK_RATE": "100000/minute"})
    try:
        server.wait_ready()
        yield server, token
    finally:
        server.stop()


def test_schemathesis_finds_no_server_error_and_no_schema_violation(fuzz_server: tuple[LiveServer, str]) -> None:
    server, token = fuzz_server
    command = [
        str(Path(sys.executable).parent / "schemathesis"), "run", f"{server.url}/openapi.json",
        "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
        "--max-examples", str(MAX_EXAMPLES), "--seed", "20261125", "--request-timeout", "10",
        "-H", f"Authorization: Bearer {token}", "--no-color",
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
