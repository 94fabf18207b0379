"""Two tickets of the demo on the remedy ladder: a compensation waiting for the manager, and a return with its pickup.

Registered and worked through the same use cases CS uses, so the ladder's rules and the warehouse choice apply.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from common.i18n import local_zone
from common.models import User
from dispatch.remedies.enums import CustomerAnswer, RemedyStep
from dispatch.remedies.service import offer_remedy
from dispatch.schemas import TicketCreateSchema
from dispatch.service.tickets import register_ticket


def _request(today: date, *, n: int, **fields) -> dict:
    zone = local_zone()
    tomorrow = today + timedelta(days=1)
    body = {
        "order": {
            "platform": "jd",
            "order_no": f"R{today:%Y%m%d}{n:03d}",
            "order_value": "3999.00",
            "purchase_date": (today - timedelta(days=20)).isoformat(),
        },
        "availability": [
            {
                "start": datetime.combine(tomorrow, time(9), zone).isoformat(),
                "end": datetime.combine(tomorrow, time(17), zone).isoformat(),
            }
        ],
        "region": "shanghai",
    }
    body.update(fields)
    return TicketCreateSchema().load(body)


def add_remedy_examples(today: date, *, cs: User) -> None:
    """A quality complaint with a 50-yuan compensation the manager must approve, and a return of a small
    appliance whose pickup visit waits to be planned, going back to the Beijing factory."""
    complaint = register_ticket(
        _request(
            today,
            n=1,
            customer={
                "name": "赵丽",
                "phone": "13916672031",
                "address": "上海市徐汇区漕溪北路398号12楼1203室",
                "lat": 31.1887,
                "lon": 121.4370,
            },
            product={"category": "large_appliance", "brand": "美的", "sku": "KFR-26GW", "serial_no": "SNR000001"},
            type="repair",
            cause="quality",
            description="新装空调外机噪音很大，客户多次投诉，要求补偿",
            district="徐汇区",
        ),
        by=cs,
    )
    offer_remedy(
        complaint.id,
        step=RemedyStep.EXPLANATION,
        answer=CustomerAnswer.DECLINED,
        note="解释外机启动时噪音属正常，客户不接受",
        by=cs,
    )
    offer_remedy(
        complaint.id,
        step=RemedyStep.COMPENSATION,
        answer=CustomerAnswer.ACCEPTED,
        amount_yuan=Decimal("50"),
        note="客户同意补偿50元，并安排师傅上门检查",
        by=cs,
    )

    giving_back = register_ticket(
        _request(
            today,
            n=2,
            customer={
                "name": "孙伟",
                "phone": "13761234588",
                "address": "上海市杨浦区国定路335号5号楼602室",
                "lat": 31.3010,
                "lon": 121.5030,
            },
            product={"category": "small_appliance", "brand": "九阳", "sku": "DJ13B-D08D", "serial_no": "SNR000002"},
            type="return_pickup",
            cause="change_of_mind",
            description="豆浆机未拆封，七天无理由退货",
            district="杨浦区",
        ),
        by=cs,
    )
    offer_remedy(
        giving_back.id,
        step=RemedyStep.RETURN,
        answer=CustomerAnswer.ACCEPTED,
        note="七天无理由退货，上门取件，运费由客户承担",
        by=cs,
    )
