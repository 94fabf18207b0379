"""The API keeps its contract under generated requests (schemathesis): every operation, every role.

For each role (a Bearer token of a user with that role) schemathesis sends valid and invalid requests to
every operation of /api/openapi.json, in process against the WSGI app, on a database seeded with a few
tickets, visits, a follow-up, a part and a webhook endpoint, so that the ids in paths sometimes exist. The
test fails on any 5xx answer and on any answer the document does not describe: a status code it does not
list, another content type, a body or header that does not match the schema, a valid request refused as
malformed (400), an invalid one accepted.

The operations are driven with Hypothesis directly (`APIOperation.as_strategy`) rather than through
`schema.parametrize()`: schemathesis' pytest integration renames test nodes through an attribute that
pytest 9 no longer has. One test per role runs every operation, so the seeding happens once per role.

Select it with `-m contract`. It runs on PostgreSQL (on SQLite when that is the only backend asked for).
CONTRACT_EXAMPLES sets the examples per operation and kind; the requests are the same every run unless
CONTRACT_SEED picks others (e.g. `CONTRACT_SEED=$RANDOM CONTRACT_EXAMPLES=25` for a longer hunt).
"""

from __future__ import annotations

import os
import time
import traceback
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
import schemathesis
from flask import g
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.core.failures import Failure, FailureGroup

from tests import factories
from tests.conftest import BACKENDS

pytestmark = pytest.mark.contract

ROLES = ("cs", "dispatcher", "technician", "manager", "admin")
# Per operation and kind (valid, invalid): 3 keeps the five roles within a few minutes on a busy 2-core machine.
EXAMPLES_PER_OPERATION = int(os.environ.get("CONTRACT_EXAMPLES", "3"))
SEED = int(os.environ["CONTRACT_SEED"]) if os.environ.get("CONTRACT_SEED") else None


def _config() -> schemathesis.Config:
    return schemathesis.Config.from_dict(
        {
            "suppress-health-check": ["too_slow", "filter_too_much", "data_too_large", "large_base_example"],
            # How many examples is Hypothesis' setting below; the phases other than fuzzing are not run here.
            "generation": {"mode": "all", "database": "none"},
            # A business rule the document cannot express (a phone's format, a purchase date in the future,
            # a slot no longer offered) refuses a schema-valid request with 422 naming the field.
            "checks": {
                "positive_data_acceptance": {"expected-statuses": ["2XX", "401", "403", "404", "409", "422", "429"]}
            },
        }
    )


def _seed(role: str) -> dict:
    """A few rows of each kind (visits on the technician who calls among them) and that role's user."""
    from common.db import db
    from dispatch.enums import VisitStatus
    from dispatch.service.follow_ups import queue_follow_up
    from webhooks.models import WebhookEndpoint

    user = factories.make_user(role)
    technician = user.technician if role == "technician" else factories.make_technician()
    other = factories.make_technician()
    ids: dict[str, list[int]] = {"ticket_id": [], "visit_id": [], "technician_id": [technician.id, other.id]}
    for owner_technician, status in ((technician, "scheduled"), (other, "scheduled"), (None, "unscheduled")):
        ticket, visit = factories.make_ticket_with_visit(technician=owner_technician, visit_status=status)
        ids["ticket_id"].append(ticket.id)
        ids["visit_id"].append(visit.id)
    ticket, visit = factories.make_ticket_with_visit(technician=technician, visit_status="arrived")
    ids["ticket_id"].append(ticket.id)
    ids["visit_id"].append(visit.id)
    visit.status = VisitStatus.COMPLETED
    visit.finished_at = datetime.now(UTC) - timedelta(hours=1)
    follow_up = queue_follow_up(visit.ticket, visit=visit, by=None)
    db.session.commit()
    ids["follow_up_id"] = [follow_up.id]
    factories.make_part()
    endpoint = WebhookEndpoint(url="https://crm.example.com/hooks", events=["visit.booked"], secret="whsec_" + "k" * 32)
    db.session.add(endpoint)
    db.session.commit()
    ids["endpoint_id"] = [endpoint.id]
    return {"user": user, "ids": ids}


@pytest.fixture(params=ROLES)
def contract_schema(request, app):
    from common.auth import issue_token

    if app.config["BACKEND"] == "sqlite" and "postgresql" in BACKENDS:
        pytest.skip("runs on PostgreSQL, as in production; TEST_BACKENDS=sqlite runs it on SQLite")

    seeded = _seed(request.param)

    def fresh_request_app(environ, start_response):
        # Requests share the test's app context: each must start with an empty `g`, as on a real server.
        for name in list(vars(g._get_current_object())):
            delattr(g._get_current_object(), name)
        return app(environ, start_response)

    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", fresh_request_app, config=_config())
    # A fresh token for each operation: an earlier one may have logged out (DELETE /auth/token revokes them all).
    return schema, seeded["ids"], lambda: {"Authorization": f"Bearer {issue_token(seeded['user'])}"}


def _with_seeded_ids(cases, ids: dict[str, list[int]]):
    """Valid cases whose path ids are, most of the time, rows that exist (a random id is almost never one)."""

    def use_seeded(pair):
        case, pick = pair
        for name, value in list((case.path_parameters or {}).items()):
            known = ids.get(name)
            if known and isinstance(value, int) and pick < len(known):
                case.path_parameters[name] = known[pick]
        return case

    return st.tuples(cases, st.integers(0, 5)).map(use_seeded)


def _failures_of(operation, mode: GenerationMode, ids: dict, sent: list, headers: dict | None = None) -> list[str]:
    failures: dict[str, str] = {}
    cases = operation.as_strategy(generation_mode=mode)
    if mode is GenerationMode.POSITIVE:
        cases = _with_seeded_ids(cases, ids)

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        derandomize=SEED is None,  # the same requests every run, unless CONTRACT_SEED asks for others
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @seed(SEED)
    @given(case=cases)
    def run(case):
        # Every broken promise is reported (once per operation and kind), not only the first.
        try:
            sent.append(case.call_and_validate(headers=headers).status_code)
        except FailureGroup as group:
            for failure in group.exceptions:
                failures.setdefault(f"{operation.label} [{mode.value}] {failure.title}", str(group))
        except Failure as failure:
            failures.setdefault(f"{operation.label} [{mode.value}] {failure.title}", str(failure))
        except Exception as error:  # the app itself raised: on a server, a 500
            failures.setdefault(
                f"{operation.label} [{mode.value}] {type(error).__name__}",
                "".join(traceback.format_exception(error, limit=-8)) + f"\n{case.as_curl_command()}",
            )

    try:
        run()
    except Unsatisfiable:
        # Nothing of this operation can be made invalid (it takes no input): no negative case exists.
        assert mode is GenerationMode.NEGATIVE, operation.label
    return list(failures.values())


def test_every_answer_is_documented(contract_schema):
    schema, ids, login = contract_schema
    failures: list[str] = []
    operations = 0
    sent: list[str] = []
    started = time.monotonic()
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            failures += _failures_of(operation, mode, ids, sent, login())
    answers = ", ".join(f"{code}: {n}" for code, n in sorted(Counter(sent).items()))
    print(f"contract: {operations} operations, {len(sent)} requests in {time.monotonic() - started:.0f} s ({answers})")
    assert operations > 40
    # Most requests must get past the login, or the test checks little more than the 401.
    assert sum(code != 401 for code in sent) > len(sent) * 0.8, Counter(sent)
    assert not failures, f"{len(failures)} answers break the contract:\n\n" + "\n\n".join(failures[:30])


def test_the_contract_check_reports_a_server_error_and_an_undocumented_answer():
    """The harness itself: a 5xx and a status the document does not list are both reported, not swallowed."""
    from flask import Flask, jsonify

    toy = Flask("toy")

    @toy.get("/openapi.json")
    def document():
        ok = {"200": {"description": "OK", "content": {"application/json": {"schema": {"type": "object"}}}}}
        return jsonify(
            {
                "openapi": "3.0.3",
                "info": {"title": "toy", "version": "1"},
                "paths": {"/boom": {"get": {"responses": ok}}, "/teapot": {"get": {"responses": ok}}},
            }
        )

    @toy.get("/boom")
    def boom():
        return jsonify({"message": "broken"}), 500

    @toy.get("/teapot")
    def teapot():
        return jsonify({}), 418

    toy_schema = schemathesis.openapi.from_wsgi("/openapi.json", toy)
    failures = {
        path: _failures_of(toy_schema[path]["GET"], GenerationMode.POSITIVE, {}, []) for path in ("/boom", "/teapot")
    }
    assert any("Server error" in failure for failure in failures["/boom"]), failures
    assert any("Undocumented status code" in failure for failure in failures["/teapot"]), failures
