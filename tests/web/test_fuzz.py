"""The API fuzzed from its own OpenAPI document: no generated input gives a server error."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from caremarket.web.viewer import Role

from .conftest import Site


def _operations(site: Site) -> list[schemathesis.APIOperation]:
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", site.app)
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize(("role", "examples"), [(Role.COUNCIL, 40), (Role.PUBLIC, 20)])
def test_no_server_error(site: Site, role: Role, examples: int) -> None:
    """Every operation, with generated parameters, answers without a 5xx."""
    headers = dict(site.client(role).headers)
    auth = {"Authorization": headers["authorization"]} if "authorization" in headers else {}
    operations = _operations(site)
    assert len(operations) >= 14

    for operation in operations:

        @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def call(case: schemathesis.Case) -> None:
            response = case.call(headers=auth)
            case.validate_response(response, checks=[not_a_server_error])

        call()
