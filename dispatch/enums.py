"""The words CS uses for tickets, visits and follow-ups, as str enums."""

from __future__ import annotations

import enum


class Platform(str, enum.Enum):
    TMALL = "tmall"
    JD = "jd"
    DOUYIN = "douyin"
    OWN_SHOP = "own_shop"


class ProductCategory(str, enum.Enum):
    LARGE_APPLIANCE = "large_appliance"
    SMALL_APPLIANCE = "small_appliance"
    FURNITURE = "furniture"


class TicketType(str, enum.Enum):
    INSTALLATION = "installation"
    REPAIR = "repair"
    INSPECTION = "inspection"  # inspection / measurement
    RETURN_PICKUP = "return_pickup"
    EXCHANGE = "exchange"


class TicketStatus(str, enum.Enum):
    OPEN = "open"  # registered, first visit not yet planned
    SCHEDULED = "scheduled"  # a visit is assigned to a technician
    IN_SERVICE = "in_service"  # a technician is on the way or on site
    AWAITING_FOLLOW_UP = "awaiting_follow_up"  # visit done, CS owner must call
    REOPENED = "reopened"  # follow-up said not resolved; a new visit waits
    CLOSED = "closed"
    CANCELLED = "cancelled"


class CloseReason(str, enum.Enum):
    RESOLVED = "resolved"
    UNREACHABLE = "unreachable"
    CANCELLED = "cancelled"


class Responsibility(str, enum.Enum):
    UNDETERMINED = "undetermined"
    SELLER = "seller"  # quality problem or wrong item
    CUSTOMER = "customer"  # change of mind
    LOGISTICS = "logistics"  # transport damage


class WarrantyStatus(str, enum.Enum):
    IN_WARRANTY = "in_warranty"
    OUT_OF_WARRANTY = "out_of_warranty"


class VisitStatus(str, enum.Enum):
    UNSCHEDULED = "unscheduled"
    SCHEDULED = "scheduled"  # technician and start planned (dispatched)
    ACCEPTED = "accepted"
    EN_ROUTE = "en_route"
    ARRIVED = "arrived"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"


class FollowUpStatus(str, enum.Enum):
    PENDING = "pending"
    DONE = "done"
    UNREACHABLE = "unreachable"
    CANCELLED = "cancelled"


class FollowUpKind(str, enum.Enum):
    """What the call in the CS owner's queue is for."""

    FOLLOW_UP = "follow_up"  # 回访 after a visit: was it resolved, how satisfied
    REBOOK = "rebook"  # a rebalance took the visit off today: agree a new slot with the customer


class CallOutcome(str, enum.Enum):
    REACHED = "reached"
    NO_ANSWER = "no_answer"


class Cause(str, enum.Enum):
    """Why the customer asks for service, as CS records it; it decides who pays (see rules.RESPONSIBILITY_BY_CAUSE)."""

    QUALITY = "quality"
    WRONG_ITEM = "wrong_item"
    MISSING_ITEM = "missing_item"
    CHANGE_OF_MIND = "change_of_mind"
    TRANSPORT_DAMAGE = "transport_damage"


class MessageKind(str, enum.Enum):
    """Texts the customer gets about their visit."""

    SLOT_CONFIRMED = "slot_confirmed"
    TECHNICIAN_ON_THE_WAY = "technician_on_the_way"


class MessageStatus(str, enum.Enum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # gave up after the last attempt


class LocationPrecision(str, enum.Enum):
    """How a customer's coordinates were found; the last two are approximate."""

    GIVEN = "given"  # typed in by CS (or a phone's GPS)
    ADDRESS = "address"  # the configured geocoding service found the address
    DISTRICT = "district"  # the offline gazetteer: the centre of the district the address names
    CITY = "city"  # the address names no district: the city centre


APPROXIMATE_PRECISIONS = frozenset({LocationPrecision.DISTRICT.value, LocationPrecision.CITY.value})
