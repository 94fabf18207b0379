"""The pure slot offer core: cheapest feasible insertion per slot, with hand-worked numbers and reasons."""

from __future__ import annotations

import copy

from hypothesis import given, settings
from hypothesis import strategies as st

from scheduling.check import check_plan
from scheduling.core import parse_problem, plan_to_dict
from scheduling.core.plan import make_plan
from scheduling.core.slots import offer_slots, slot_grid
from scheduling.core.timing import schedule_route

H = 3600
GRID = slot_grid(8 * H, 18 * H, 2 * H)  # 08-10, 10-12, 12-14, 14-16, 16-18
LOCATIONS = ["H", "A", "B", "N"]
# Travel in seconds (symmetric): home-A 10 min, home-B 20, home-N 25, A-B 10, A-N 5, B-N 15.
LEG = {("H", "A"): 600, ("H", "B"): 1200, ("H", "N"): 1500, ("A", "B"): 600, ("A", "N"): 300, ("B", "N"): 900}


def _matrix() -> list[list[int]]:
    def leg(a, b):
        return 0 if a == b else LEG.get((a, b)) or LEG[(b, a)]

    return [[leg(a, b) for b in LOCATIONS] for a in LOCATIONS]


def day(*, breaks=(), max_visits=8, new_skills=("ac",), new_duration_s=H, tech_skills=("ac",)) -> dict:
    """Wang Lei (t1), 08:00-18:00, has A (09-11, 1 h) and B (14-16, 1 h) on his route; N is the new visit."""
    durations = _matrix()
    return {
        "date": "2026-11-24",
        "locations": [{"id": loc} for loc in LOCATIONS],
        "matrix": {"durations_s": durations, "distances_m": [[d * 10 for d in row] for row in durations]},
        "technicians": [
            {
                "id": "t1",
                "start": "H",
                "end": "H",
                "skills": list(tech_skills),
                "shift": [8 * H, 18 * H],
                "breaks": [dict(b) for b in breaks],
                "max_visits": max_visits,
            }
        ],
        "visits": [
            {"id": "A", "location": "A", "duration_s": H, "skills": ["ac"], "windows": [[9 * H, 11 * H]]},
            {"id": "B", "location": "B", "duration_s": H, "skills": ["ac"], "windows": [[14 * H, 16 * H]]},
            {"id": "N", "location": "N", "duration_s": new_duration_s, "skills": list(new_skills), "windows": []},
        ],
    }


ROUTES = {"t1": ["A", "B"]}
NAMES = {"t1": "Wang Lei"}


def offers_of(problem_dict: dict, **kw):
    return offer_slots(parse_problem(problem_dict), "N", routes=kw.pop("routes", ROUTES), slots=GRID, names=NAMES, **kw)


def assert_offer_keeps_every_rule(problem_dict: dict, offer) -> None:
    """The technician's new route, with the new visit held to its slot, passes the independent checker."""
    problem = copy.deepcopy(problem_dict)
    problem["visits"] = [dict(v, windows=[list(offer.slot)]) if v["id"] == "N" else v for v in problem["visits"]]
    served = {s.visit for s in offer.route.stops}
    problem["visits"] = [v for v in problem["visits"] if v["id"] in served]
    plan = plan_to_dict(make_plan([offer.route], [], solve_s=0))
    assert check_plan(problem, plan) == []


def test_slot_grid_is_back_to_back_two_hour_slots():
    assert slot_grid(8 * H, 18 * H, 2 * H) == [
        (8 * H, 10 * H),
        (10 * H, 12 * H),
        (12 * H, 14 * H),
        (14 * H, 16 * H),
        (16 * H, 18 * H),
    ]


def test_offers_come_cheapest_first_with_the_added_travel():
    # Between A and B costs A-N + N-B - A-B = 300 + 900 - 600 = 600 s (10 min); before A or after B
    # costs 1500 + 300 - 600 = 1200 s or 900 + 1500 - 1200 = 1200 s (20 min).
    # 08-10: after A (ends 10:00 + 5 min) is too late; before A: leave 08:00, arrive 08:25.
    # 16-18: between A and B would push B (window 14-16) to 17:15: only after B is left.
    result = offers_of(day())
    assert [(o.slot[0] // H, o.added_travel_s, o.position) for o in result.offers] == [
        (10, 600, 1),
        (12, 600, 1),
        (14, 600, 1),
        (8, 1200, 0),
        (16, 1200, 2),
    ]
    assert result.offers[0].reason.text == "adds 10 min of travel to Wang Lei's route"
    assert result.offers[0].reason.params_json() == {
        "technician": "t1",
        "technician_name": "Wang Lei",
        "added_travel_s": 600,
    }
    # start times: 10:05 (A ends 10:00, 5 min drive), slot starts 12:00, 14:00, 08:25, 16:00
    assert [o.start for o in result.offers] == [36300, 12 * H, 14 * H, 30300, 16 * H]
    assert result.unavailable == () and result.reason is None


def test_other_visits_may_start_later_but_stay_in_their_windows():
    # 08-10 before A: N 08:25-09:25, A starts 09:30 (not 09:00) and still inside 09:00-11:00.
    result = offers_of(day())
    early = next(o for o in result.offers if o.slot[0] == 8 * H)
    assert [(s.visit, s.start) for s in early.route.stops] == [("N", 30300), ("A", 34200), ("B", 14 * H)]
    for offer in result.offers:
        assert_offer_keeps_every_rule(day(), offer)


def test_existing_visits_are_never_pulled_earlier_than_planned():
    # B is planned at 15:00: the 10-12 offer leaves B at 15:00 rather than pulling it to 14:00; in the
    # 14-16 slot N runs 14:00-15:00 and B, 15 min away, moves later to 15:15 (still inside 14-16).
    result = offers_of(day(), not_before={"B": 15 * H})
    by_slot = {o.slot[0] // H: o for o in result.offers}
    assert [(s.visit, s.start) for s in by_slot[10].route.stops] == [("A", 9 * H), ("N", 36300), ("B", 15 * H)]
    assert [(s.visit, s.start) for s in by_slot[14].route.stops][-1] == ("B", 15 * H + 900)


def test_the_lunch_break_must_still_fit():
    # Lunch 45 min somewhere in 11:30-13:30. In the 12-14 slot between A and B: lunch after N would end
    # after 13:30, so it is taken 11:30-12:15 on the way to N, and N starts at 12:15.
    lunch = {"window": [41400, 48600], "duration_s": 2700}
    result = offers_of(day(breaks=[lunch]))
    noon = next(o for o in result.offers if o.slot[0] == 12 * H)
    assert noon.start == 44100
    assert [(b.start, b.end) for b in noon.route.breaks] == [(41400, 44100)]
    for offer in result.offers:
        assert_offer_keeps_every_rule(day(breaks=[lunch]), offer)


def test_a_full_slot_says_the_suitable_technicians_are_full():
    # A 2.5-hour job in 14-16: before A or between A and B pushes B past 16:00; after B (ends 15:00) it
    # starts 15:15, ends 17:45, and the 25 min drive home ends 18:10, after the shift.
    result = offers_of(day(new_duration_s=9000))
    reasons = {n.slot[0] // H: n.reason.text for n in result.unavailable}
    assert reasons[14] == "the only suitable technician, Wang Lei, is full between 14:00 and 16:00"
    assert reasons[16] == (
        "a 150 min visit starting between 16:00 and 18:00 would run past the end of every suitable technician's shift"
    )


def test_a_day_without_the_skill_says_who_is_missing():
    result = offers_of(day(new_skills=("gas_heater",)))
    assert result.offers == ()
    assert result.reason.text == "no technician with skill gas_heater works on Tuesday 2026-11-24"
    assert (result.reason.code, result.reason.params_json()) == (
        "day_no_skill",
        {"skills": ["gas_heater"], "date": "2026-11-24"},
    )
    assert {n.reason for n in result.unavailable} == {result.reason}


def test_a_day_without_anyone_serving_the_district_says_so():
    result = offers_of(day(new_skills=("ac", "district:pudong"), tech_skills=("ac", "district:huangpu")))
    assert result.reason.text == "no technician serving district pudong works on Tuesday 2026-11-24"


def test_a_technician_at_max_visits_gets_no_more():
    result = offers_of(day(max_visits=2))
    assert result.offers == ()
    assert result.reason.text == (
        "the only suitable technician, Wang Lei, already has their maximum of visits on Tuesday 2026-11-24"
    )


def test_an_empty_route_costs_the_trip_there_and_back():
    result = offers_of(day(), routes={"t1": []})
    assert {o.added_travel_s for o in result.offers} == {3000}
    assert result.offers[0].reason.text == "Wang Lei has no other visit that day: 50 min of travel there and back"


def test_schedule_route_refuses_an_order_that_breaks_a_window():
    problem = parse_problem(day())
    assert schedule_route(problem, problem.technicians[0], ["B", "A"]) is None
    assert [s.start for s in schedule_route(problem, problem.technicians[0], ["A", "B"]).stops] == [9 * H, 14 * H]


# --- every offer on random days passes the independent checker ---------------------------------------


@st.composite
def random_days(draw):
    n_places = draw(st.integers(3, 9))
    coords = [(31.1 + draw(st.integers(0, 30)) / 100, 121.3 + draw(st.integers(0, 30)) / 100) for _ in range(n_places)]
    locations = [{"id": f"L{i}", "lat": lat, "lon": lon} for i, (lat, lon) in enumerate(coords)]
    techs = []
    for t in range(draw(st.integers(1, 3))):
        shift = draw(st.sampled_from([(8 * H, 18 * H), (9 * H, 17 * H), (8 * H + 1800, 18 * H)]))
        breaks = [{"window": [41400, 48600], "duration_s": 2700}] if draw(st.booleans()) else []
        techs.append(
            {
                "id": f"t{t}",
                "start": "L0",
                "end": "L0",
                "skills": ["ac"],
                "shift": list(shift),
                "breaks": breaks,
                "max_visits": draw(st.integers(2, 6)),
            }
        )
    visits = []
    for v in range(draw(st.integers(0, 8))):
        hour = draw(st.integers(8, 16))
        windows = [[hour * H, (hour + 2) * H]] if draw(st.booleans()) else []
        visits.append(
            {
                "id": f"v{v}",
                "location": f"L{draw(st.integers(1, n_places - 1))}",
                "duration_s": draw(st.sampled_from([1800, 2700, 3600, 5400])),
                "skills": ["ac"],
                "windows": windows,
            }
        )
    visits.append(
        {
            "id": "new",
            "location": f"L{draw(st.integers(1, n_places - 1))}",
            "duration_s": draw(st.sampled_from([1800, 3600, 7200])),
            "skills": ["ac"],
            "windows": [],
        }
    )
    problem = {"date": "2026-11-24", "locations": locations, "technicians": techs, "visits": visits}
    # current routes: each visit appended to the first technician whose route stays feasible
    parsed = parse_problem(problem)
    routes = {t["id"]: [] for t in techs}
    for visit in visits[:-1]:
        for tech in parsed.technicians:
            if (
                len(routes[tech.id]) < (tech.max_visits or 99)
                and schedule_route(parsed, tech, routes[tech.id] + [visit["id"]]) is not None
            ):
                routes[tech.id].append(visit["id"])
                break
    return problem, routes


@settings(max_examples=60, deadline=None)
@given(random_days())
def test_every_offer_on_random_days_passes_the_checker(case):
    problem, routes = case
    result = offer_slots(parse_problem(problem), "new", routes=routes, slots=GRID)
    assert len(result.offers) + len(result.unavailable) == len(GRID)
    assert [o.added_travel_s for o in result.offers] == sorted(o.added_travel_s for o in result.offers)
    for offer in result.offers:
        assert offer.slot[0] <= offer.start <= offer.slot[1]
        served = {s.visit for s in offer.route.stops}
        assert served == set(routes[offer.technician]) | {"new"}
        sub = copy.deepcopy(problem)
        sub["visits"] = [
            dict(v, windows=[list(offer.slot)]) if v["id"] == "new" else v for v in sub["visits"] if v["id"] in served
        ]
        sub["technicians"] = [t for t in sub["technicians"] if t["id"] == offer.technician]
        plan = plan_to_dict(make_plan([offer.route], [], solve_s=0))
        assert check_plan(sub, plan) == []
