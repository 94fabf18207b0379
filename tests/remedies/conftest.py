"""Fixtures of the remedy tests: tickets registered through the API whose first visit is done."""

from __future__ import annotations

import pytest

from tests import factories
from tests.dispatch.conftest import new_ticket  # noqa: F401  (the same fixture as the CS-side tests)
from tests.steps import assign, finish_visit


@pytest.fixture
def served_ticket(cs, dispatcher):
    """`served_ticket(category=..., order_value=..., cause=...)`: a ticket whose first visit was done (the
    follow-up call is waiting); returns the ticket's JSON as registered."""

    def _make(*, category: str = "large_appliance", order_value: float = 12000.0, cause: str = "quality", **kw):
        body = factories.ticket_payload(type="installation", cause=cause, **kw)
        body["order"]["order_value"] = order_value
        body["product"]["category"] = category
        response = cs.post("/api/v1/tickets", json=body)
        assert response.status_code == 201, response.json
        ticket = response.json
        skills = {"large_appliance": "large_appliance_install", "small_appliance": "small_appliance_install"}
        technician = factories.make_technician(skills=(skills.get(category, "furniture_assembly"),))
        visit_id = ticket["visits"][0]["id"]
        assert assign(dispatcher, visit_id, technician.id).status_code == 200
        finish_visit(visit_id)
        return ticket

    return _make
