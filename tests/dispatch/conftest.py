"""Fixtures of the CS-side tests: tickets made through the API, assigned and their visits done."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests import factories
from tests.steps import register_ticket


@pytest.fixture
def new_ticket(cs):
    """`new_ticket(**overrides)`: POST a valid ticket as the `cs` client; returns the JSON body."""

    def _create(api=None, **overrides) -> dict:
        return register_ticket(api or cs, **overrides)

    return _create


@pytest.fixture
def installer(clock):
    """A technician who installs large appliances, working every day 08:30-18:00 local time."""
    return factories.make_technician(skills=("large_appliance_install",))


def later(**kw) -> datetime:
    return datetime.now(UTC) + timedelta(**kw)
