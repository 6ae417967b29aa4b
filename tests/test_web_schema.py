"""Schemathesis against the API's own description: generated requests, valid and not, never get a 5xx, every
answer carries the security headers and every error is in the error shape. Bounded so it runs in CI.

Schemathesis's pytest plugin does not run under this pytest, so each operation's strategies are driven through
hypothesis directly: positive cases (what the schema allows) and negative ones (what it forbids).
"""

from __future__ import annotations

import shutil

import numpy  # noqa: F401  (imported whole before the in-process job worker imports it: hypothesis looks at it)
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from rashomon.web.app import CONTENT_SECURITY_POLICY
from webserver import WebServer

EXAMPLES_PER_OPERATION = 25


@pytest.fixture(scope="module")
def api_server(seeds_db, tmp_path_factory):
    db = tmp_path_factory.mktemp("schema") / "web.db"
    shutil.copy(seeds_db, db)
    # A short queue: generated articles that pass validation are accepted as jobs, and the rest get 429.
    with WebServer(db, max_active_jobs=2) as server:
        yield server


def operations(base: str):
    schema = schemathesis.openapi.from_url(base + "/openapi.json")
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
def test_generated_requests_never_get_a_server_error(api_server, mode):
    checked = []
    for operation in operations(api_server.base):

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            response = case.call(base_url=api_server.base, timeout=120)
            where = f"{case.method} {case.formatted_path}"
            assert response.status_code < 500, f"{where}: {response.status_code} {response.text[:500]}"
            assert response.headers.get("content-security-policy") == [CONTENT_SECURITY_POLICY], where
            if response.status_code >= 400:
                error = response.json()["error"]
                assert error["status"] == response.status_code and error["message"], where

        try:
            check()
        except Unsatisfiable:
            assert mode == GenerationMode.NEGATIVE, operation.label
            continue  # an operation that takes no input has no invalid request to make
        checked.append(operation.label)
    assert {"GET /api/stories", "POST /api/articles"} <= set(checked)
