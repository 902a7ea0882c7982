"""Access and error logs are one JSON object per line."""

from __future__ import annotations

import json
import logging
from typing import Callable

import pytest
from starlette.testclient import TestClient

from search_service.logs import JsonFormatter, logging_config


def test_formatter_writes_one_json_object_with_fields() -> None:
    record = logging.LogRecord("trigger_atlas.access", logging.INFO, __file__, 1, "request", None, None)
    record.fields = {"path": "/api/search", "status": 200}
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "request" and entry["path"] == "/api/search" and entry["status"] == 200
    assert entry["time"].endswith("Z") and entry["level"] == "info"


def test_config_routes_uvicorn_and_access_logs_through_json() -> None:
    config = logging_config()
    assert config["formatters"]["json"]["()"] is JsonFormatter
    assert config["loggers"]["uvicorn.error"]["handlers"] == ["stderr"]
    assert config["loggers"]["trigger_atlas"]["handlers"] == ["stderr"]


def test_each_request_is_logged(make_client: Callable[..., TestClient], caplog: pytest.LogCaptureFixture) -> None:
    client = make_client()
    with caplog.at_level(logging.INFO, logger="trigger_atlas.access"):
        client.get("/api/search", params={"q": "calf"})
    records = [r for r in caplog.records if r.name == "trigger_atlas.access"]
    assert records and records[-1].fields["route"] == "/api/search" and records[-1].fields["status"] == 200
