"""Property-based tests of the live server from its own OpenAPI document:
for requests generated for every operation, valid and invalid ones, signed
in with a bearer token, no answer is a server error and every answer conforms
to the document (status, content type, headers, body).

Each operation runs as a subtest rather than through ``@schema.parametrize``:
the server starts in a fixture, and schemathesis' lazy fixture loader does
not work under pytest 9."""

from __future__ import annotations

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.e2e.conftest import Server, sign_up

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def bearer(server: Server) -> dict[str, str]:
    with httpx.Client(base_url=server.url, timeout=30) as http:
        return sign_up(http, "Fuzzer").bearer


def fuzz(operation: schemathesis.APIOperation, mode: schemathesis.GenerationMode, bearer: dict[str, str]) -> None:
    @given(case=operation.as_strategy(mode))
    @settings(max_examples=30, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def answer_conforms(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=bearer, checks=CHECKS)

    answer_conforms()


def test_every_answer_conforms_and_none_is_a_server_error(
    server: Server, bearer: dict[str, str], subtests: pytest.Subtests
) -> None:
    api = schemathesis.openapi.from_url(f"{server.url}/openapi.json")
    operations = [result.ok() for result in api.get_all_operations()]
    assert any(operation.path == "/actions/createJobInfo" for operation in operations)
    for operation in operations:
        takes_input = bool(operation.body) or any(True for _ in operation.iter_parameters())
        modes = [schemathesis.GenerationMode.POSITIVE]
        if takes_input:  # nothing to make invalid otherwise
            modes.append(schemathesis.GenerationMode.NEGATIVE)
        for mode in modes:
            with subtests.test(operation=operation.label, mode=mode.value):
                fuzz(operation, mode, bearer)
