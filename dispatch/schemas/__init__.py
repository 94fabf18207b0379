"""Request and response schemas of the CS side, one module per subject; one schema per purpose and audience.

Every schema is importable from here (`from dispatch.schemas import VisitSchema`) as from its own module.
"""

from dispatch.schemas.follow_ups import (
    CallAttemptCreateSchema,
    CallAttemptSchema,
    FollowUpQueryArgsSchema,
    FollowUpSchema,
)
from dispatch.schemas.nested import CustomerSchema, ProductSchema, UserRefSchema
from dispatch.schemas.tickets import (
    MAX_ORDER_VALUE_YUAN,
    PHONE_FORMAT_MESSAGE,
    AvailabilityOutSchema,
    CustomerInSchema,
    CustomerUpdateSchema,
    OrderInSchema,
    OrderSchema,
    ProductInSchema,
    ReasonInSchema,
    TicketCancelSchema,
    TicketCreateSchema,
    TicketDetailSchema,
    TicketQueryArgsSchema,
    TicketSchema,
    TicketSummarySchema,
    TimelineEventSchema,
    WarrantySchema,
    WindowSchema,
)
from dispatch.schemas.visits import (
    AssignmentSchema,
    QuotaDecisionSchema,
    VisitForTechnicianSchema,
    VisitQueryArgsSchema,
    VisitSchema,
)

__all__ = [
    "MAX_ORDER_VALUE_YUAN",
    "PHONE_FORMAT_MESSAGE",
    "AssignmentSchema",
    "AvailabilityOutSchema",
    "CallAttemptCreateSchema",
    "CallAttemptSchema",
    "CustomerInSchema",
    "CustomerSchema",
    "CustomerUpdateSchema",
    "FollowUpQueryArgsSchema",
    "FollowUpSchema",
    "OrderInSchema",
    "OrderSchema",
    "ProductInSchema",
    "ProductSchema",
    "QuotaDecisionSchema",
    "ReasonInSchema",
    "TicketCancelSchema",
    "TicketCreateSchema",
    "TicketDetailSchema",
    "TicketQueryArgsSchema",
    "TicketSchema",
    "TicketSummarySchema",
    "TimelineEventSchema",
    "UserRefSchema",
    "VisitForTechnicianSchema",
    "VisitQueryArgsSchema",
    "VisitSchema",
    "WarrantySchema",
    "WindowSchema",
]
