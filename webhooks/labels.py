"""Words for the webhooks' codes: a delivery's status, for the page and for the refusals that name it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from common.labels import register_labels
from webhooks.enums import DeliveryStatus

STATUS_LABELS = {
    DeliveryStatus.PENDING: _l("Pending"),
    DeliveryStatus.DELIVERED: _l("Delivered"),
    DeliveryStatus.DEAD: _l("Dead"),
}


def register() -> None:
    register_labels(enums={DeliveryStatus: {status.value: words for status, words in STATUS_LABELS.items()}})
