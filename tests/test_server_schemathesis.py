"""Property-based API testing from the OpenAPI document, on SQLite and PostgreSQL: no input
gives a server error and every answer matches the document (status codes, schemas, content
types). Stateless per operation, then stateful along the document's links (create a case, then
read, edit, store its red line, move it on). Bounded here; ``make bench`` runs longer."""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from redline_approval.server_api import create_app

CHECKS = (schemathesis.checks.not_a_server_error, schemathesis.checks.status_code_conformance,
          schemathesis.checks.content_type_conformance,
          schemathesis.checks.response_schema_conformance)
EXAMPLES = int(os.environ.get("REDLINE_FUZZ_EXAMPLES", "25"))
STEPS = int(os.environ.get("REDLINE_FUZZ_STEPS", "8"))


def _app(url: str):
    app = create_app({"DATABASE_URL": url, "DEMO": True})
    client = app.test_client()
    token = client.post("/api/v1/auth/token", json={"username": "admin", "password": "admin"})
    auth = {"Authorization": f"Bearer {token.json['token']}"}
    # one real case, so paths with a case number reach the handlers' deeper branches
    client.post("/api/v1/cases", headers=auth, json={"business_code": "AA", "district": "JA",
                                                     "applicant": "x"})
    return app, auth


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def fuzz_app(request, tmp_path_factory):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('st') / 'st.db'}"
    else:
        url = request.getfixturevalue("pg_cluster").new_database()
    return _app(url)


@pytest.fixture(scope="module")
def api_schema(fuzz_app):
    app, _auth = fuzz_app
    return schemathesis.from_wsgi("/api/v1/openapi.json", app)


schema = schemathesis.from_pytest_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                 HealthCheck.function_scoped_fixture])
def test_every_operation(case, fuzz_app):
    _app, auth = fuzz_app
    if case.path_parameters and case.path_parameters.get("number", "x") == "":
        return
    response = case.call_wsgi(headers={**(case.headers or {}), **auth})
    case.validate_response(response, checks=CHECKS)


def test_stateful_along_the_links(fuzz_app):
    app, auth = fuzz_app
    machine = schemathesis.from_wsgi("/api/v1/openapi.json", app).as_state_machine()
    assert machine.bundles, "the OpenAPI document has no links to follow"

    class Fuzz(machine):
        def get_call_kwargs(self, case):
            return {"headers": {**(case.headers or {}), **auth}}

        def validate_response(self, response, case, additional_checks=()):
            case.validate_response(response, checks=CHECKS)

    Fuzz.TestCase.settings = settings(max_examples=EXAMPLES, stateful_step_count=STEPS,
                                      deadline=None,
                                      suppress_health_check=list(HealthCheck))
    Fuzz.TestCase().runTest()
