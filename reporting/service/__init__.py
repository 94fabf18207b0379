"""Use cases of the dashboard; one module per family of measures."""

from reporting.service.dashboard import (
    Dashboard,
    FilterChoices,
    list_filter_choices,
    summarise_kpis,
)

__all__ = ["Dashboard", "FilterChoices", "list_filter_choices", "summarise_kpis"]
