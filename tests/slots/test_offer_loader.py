"""The fast offer path (routes read as rows, only skilled technicians in the problem) offers what the old one did."""

from __future__ import annotations

from datetime import timedelta

from tests.slots.conftest import TUESDAY, local, technician, visit_at


def test_the_fast_path_offers_exactly_what_the_orm_loader_with_every_technician_offers(app, cs):
    wang, li = technician("Wang Lei"), technician("Li Na", at=(31.30, 121.55))
    # a furniture fitter next door with a full Tuesday: left out of the fast path's problem, same answer
    fitter = technician("Zhao Gang", at=(31.24, 121.50), skills=("furniture_assembly",))
    for hour in (9, 11, 14):
        visit_at(
            31.241,
            121.501,
            skills=("furniture_assembly",),
            technician=fitter,
            planned_start=local(TUESDAY, hour),
            promised=(local(TUESDAY, hour), local(TUESDAY, hour + 2)),
        )
    # a promised visit on each technician's Tuesday and Wednesday, one without a promise (placed by a day plan)
    for n, tech in enumerate((wang, li)):
        for d in range(2):
            day = TUESDAY + timedelta(days=d)
            visit_at(
                31.24 + 0.01 * n,
                121.49 + 0.01 * d,
                technician=tech,
                planned_start=local(day, 10 + 2 * n),
                promised=(local(day, 10 + 2 * n), local(day, 12 + 2 * n)),
            )
    visit_at(
        31.25,
        121.50,
        technician=wang,
        planned_start=local(TUESDAY, 15),
        windows=[(local(TUESDAY, 14), local(TUESDAY, 18))],
    )
    wanted = visit_at(31.2397, 121.4998)

    answers = {}
    for loader in ("orm", "rows"):
        app.config["SLOT_OFFER_LOADER"] = loader
        response = cs.get(f"/api/v1/visits/{wanted.id}/slots?days=3")
        assert response.status_code == 200, response.json
        answers[loader] = response.json
    app.config.pop("SLOT_OFFER_LOADER")

    assert answers["rows"] == answers["orm"]
    # the routes were really read: the day with visits costs differently from the empty third day
    tuesday = [o for o in answers["rows"]["offers"] if o["slot_start"].startswith(TUESDAY.isoformat())]
    assert tuesday and all(o["reason_code"] != "slot_empty_route" for o in tuesday)
