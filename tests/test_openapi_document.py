"""The OpenAPI document at /api/openapi.json is valid and says what the answers really contain."""

from __future__ import annotations

import json

import pytest
import schemathesis
from openapi_spec_validator import validate

from tests import factories

OPERATIONS = ("get", "post", "put", "patch", "delete")


@pytest.fixture
def document(client) -> dict:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return response.json


@pytest.fixture
def contract(document):
    """The document as schemathesis reads it, to check real answers against it."""
    return schemathesis.openapi.from_dict(document)


def _operations(document: dict):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in OPERATIONS:
                yield path, method, operation


def test_the_document_is_a_valid_openapi_document(document):
    validate(document)  # raises on the first error


def test_money_bounds_are_numbers_and_money_answers_are_decimal_strings(document):
    schemas = document["components"]["schemas"]
    order_value = schemas["OrderIn"]["properties"]["order_value"]
    assert order_value["type"] == "number"
    assert (order_value["minimum"], order_value["maximum"]) == (0, 10_000_000)
    fees_in = schemas["ServiceReportCreate"]["properties"]["fees_yuan"]
    assert (fees_in["type"], fees_in["default"], fees_in["maximum"]) == ("number", 0, 100_000)
    for schema, name in (
        ("Part", "price_yuan"),
        ("ServiceReport", "fees_yuan"),
        ("ServiceReport", "parts_total_yuan"),
        ("Order", "order_value"),
    ):
        answered = schemas[schema]["properties"][name]
        assert (answered["type"], answered["format"]) == ("string", "decimal"), (schema, name)


def test_a_part_price_is_answered_as_the_document_says(app, login_as, contract):
    factories.make_part("CAP-35UF", price_yuan="45.50")
    response = login_as("technician").get("/api/v1/parts")
    assert response.json[0]["price_yuan"] == "45.50"
    contract["/api/v1/parts"]["GET"].validate_response(response)


def test_a_ticket_answers_its_order_value_as_the_document_says(app, login_as, contract):
    cs = login_as("cs")
    created = cs.post("/api/v1/tickets", json=factories.ticket_payload())
    assert created.json["order"]["order_value"] == "4599.00"
    contract["/api/v1/tickets"]["POST"].validate_response(created)
    shown = cs.get(f"/api/v1/tickets/{created.json['id']}")
    assert shown.json["order"]["order_value"] == "4599.00"
    contract["/api/v1/tickets/{ticket_id}"]["GET"].validate_response(shown)


def test_every_operation_documents_its_login_role_and_not_found_answers(document):
    for path, method, operation in _operations(document):
        responses = operation["responses"]
        label = f"{method.upper()} {path}"
        assert "default" not in responses, label  # a catch-all would let any status pass for documented
        if operation.get("security") != []:
            assert "401" in responses, label
        if operation.get("x-roles"):
            assert "403" in responses, label
        if "{" in path:
            assert "404" in responses, label
        if "requestBody" in operation:
            assert {"400", "413", "422"} <= set(responses), label
        assert "503" in responses, label  # the database may be down for any of them


def test_role_limited_operations_name_the_roles_that_may_call_them(document):
    tickets = document["paths"]["/api/v1/tickets"]
    assert tickets["post"]["x-roles"] == ["admin", "cs", "manager"]
    assert "x-roles" not in document["paths"]["/api/v1/visits"]["get"]  # every role, each seeing its own


def test_error_answers_with_more_keys_than_the_four_match_the_document(app, login_as, contract):
    technician = factories.make_technician()
    ticket, visit = factories.make_ticket_with_visit(technician=technician, visit_status="arrived")
    response = login_as("cs").post(f"/api/v1/visits/{visit.id}/cancel", json={"reason": "Customer moved."})
    assert response.status_code == 409
    assert {"code", "status", "message", "errors"} < set(response.json)  # `current` says the visit's state
    contract["/api/v1/visits/{visit_id}/cancel"]["POST"].validate_response(response)


def test_a_refused_login_is_a_documented_answer(client, contract):
    response = client.post("/api/v1/auth/token", json={"username": "nobody", "password": "wrong"})
    assert response.status_code == 401
    contract["/api/v1/auth/token"]["POST"].validate_response(response)


def test_a_missing_row_is_a_documented_answer_in_the_error_shape(app, login_as, contract):
    response = login_as("cs").get("/api/v1/tickets/2147483647")
    assert response.status_code == 404
    assert response.json["errors"] == {}
    contract["/api/v1/tickets/{ticket_id}"]["GET"].validate_response(response)


def test_the_document_names_both_ways_to_log_in(document, app):
    schemes = document["components"]["securitySchemes"]
    assert (schemes["bearerAuth"]["type"], schemes["bearerAuth"]["scheme"]) == ("http", "bearer")
    cookie = schemes["sessionCookie"]
    assert (cookie["type"], cookie["in"], cookie["name"]) == ("apiKey", "cookie", app.config["SESSION_COOKIE_NAME"])
    assert document["security"] == [{"bearerAuth": []}, {"sessionCookie": []}]
    assert document["paths"]["/api/v1/auth/token"]["post"]["security"] == []


def test_the_pagination_header_is_documented_as_the_json_text_it_is(app, login_as, document):
    factories.make_ticket_with_visit()
    response = login_as("cs").get("/api/v1/tickets")
    assert json.loads(response.headers["X-Pagination"])["total"] == 1
    assert document["components"]["headers"]["PAGINATION"]["schema"] == {"type": "string"}


def _is_documented(document: dict, path: str, method: str, response) -> bool:
    return str(response.status_code) in document["paths"][path][method]["responses"]


def test_unassigning_a_visit_that_is_not_on_a_day_answers_a_documented_409(app, login_as, document, contract):
    _, visit = factories.make_ticket_with_visit(visit_status="unscheduled")
    response = login_as("dispatcher").delete(f"/api/v1/visits/{visit.id}/assignment")
    assert response.status_code == 409
    assert response.json["current"] == "unscheduled"
    assert _is_documented(document, "/api/v1/visits/{visit_id}/assignment", "delete", response)
    contract["/api/v1/visits/{visit_id}/assignment"]["DELETE"].validate_response(response)


def test_a_skill_code_taken_already_answers_a_documented_409(app, login_as, document):
    dispatcher = login_as("dispatcher")
    assert dispatcher.post("/api/v1/skills", json={"code": "sofa_repair", "name": "Sofa repair"}).status_code == 201
    response = dispatcher.post("/api/v1/skills", json={"code": "sofa_repair", "name": "Sofa repair"})
    assert response.status_code == 409
    assert _is_documented(document, "/api/v1/skills", "post", response)
