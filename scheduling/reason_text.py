"""Reasons in the reader's language: the core's code and parameters, worded by a translated template.

The core says why with a code (`scheduling/core/reasons.py`), the loader with its own two codes
(`LEFT_OUT_CODES`). Here each code has a template with named placeholders, filled with the
parameters made readable: windows and slots as local times of day, days with their weekday, travel in
minutes, technician ids and names as given. A code without a template, or a plan stored before reasons had
codes, shows the English sentence stored with it.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from flask_babel import LazyString, format_date
from flask_babel import lazy_gettext as _l

from common.labels import label
from dispatch.enums import VisitStatus
from scheduling.core.reasons import Reason
from scheduling.day.clock import DAY_S, to_local_time

log = logging.getLogger(__name__)

# The template of a code, or of one of its variants ("<code>.<variant>") where a language needs other words.
TEMPLATES: dict[str, LazyString] = {
    # a visit no route had before a rebalance (scheduling/rebalance/service.py), the board's own words
    "not_planned": _l("not planned yet: press Optimize, or drag it onto a technician's row"),
    "suitable_technicians_out": _l("every technician with skill %(skills)s is out for the rest of the day"),
    # a visit the day plan leaves unassigned
    "no_technician_working": _l("no technician works on this date"),
    "no_skill": _l("no technician has skill %(skills)s"),
    "no_skill_combination": _l("no technician has all of the skills %(skills)s"),
    # The loader turns service districts into "district:<name>" skills; a dispatcher thinks of coverage.
    "no_skill.district": _l("no technician covering %(districts)s has skill %(plain_skills)s"),
    "no_skill.district_only": _l("no technician on shift covers %(districts)s"),
    "no_skill_combination.district_one": _l("no technician covering %(districts)s has skill %(plain_skills)s"),
    "no_skill_combination.district": _l("no technician covering %(districts)s has all of the skills %(plain_skills)s"),
    "no_skill_combination.district_only": _l("no technician on shift covers %(districts)s"),
    "pinned_lacks_skill": _l("it is pinned to %(pinned_technician)s, who lacks skill %(skills)s"),
    "max_visits_zero": _l("no technician with skill %(skills)s may take any visit (max visits is 0)"),
    "max_visits_zero.several_skills": _l("no technician with skills %(skills)s may take any visit (max visits is 0)"),
    "max_visits_zero.any_technician": _l("no technician may take any visit (max visits is 0)"),
    "max_visits_zero.pinned": _l(
        "its pinned technician %(pinned_technician)s may not take any visit (max visits is 0)"
    ),
    "demand_exceeds_capacity": _l(
        "its demand %(demand)d exceeds the capacity of every technician with skill "
        "%(skills)s (largest %(largest_capacity)d)"
    ),
    "demand_exceeds_capacity.several_skills": _l(
        "its demand %(demand)d exceeds the capacity of every technician "
        "with skills %(skills)s (largest %(largest_capacity)d)"
    ),
    "demand_exceeds_capacity.any_technician": _l(
        "its demand %(demand)d exceeds the capacity of every technician (largest %(largest_capacity)d)"
    ),
    "demand_exceeds_capacity.pinned": _l(
        "its demand %(demand)d exceeds the capacity %(largest_capacity)d of its pinned technician %(pinned_technician)s"
    ),
    "not_on_shift": _l("no technician with skill %(skills)s is on shift during its windows %(windows)s"),
    "not_on_shift.several_skills": _l(
        "no technician with skills %(skills)s is on shift during its windows %(windows)s"
    ),
    "not_on_shift.any_technician": _l("no technician is on shift during its windows %(windows)s"),
    "not_on_shift.pinned": _l(
        "its pinned technician %(pinned_technician)s is not on shift during its windows %(windows)s"
    ),
    "window_unreachable": _l("its windows %(windows)s cannot be reached from any technician's start in time"),
    "window_unreachable.pinned": _l(
        "its windows %(windows)s cannot be reached in time from the start of its "
        "pinned technician %(pinned_technician)s"
    ),
    "cannot_finish": _l(
        "no technician with skill %(skills)s can do it and be back at the end place before the shift ends"
    ),
    "cannot_finish.several_skills": _l(
        "no technician with skills %(skills)s can do it and be back at the end place before the shift ends"
    ),
    "cannot_finish.any_technician": _l("no technician can do it and be back at the end place before the shift ends"),
    "cannot_finish.pinned": _l(
        "its pinned technician %(pinned_technician)s cannot do it and be back at the end place before the shift ends"
    ),
    "max_visits_reached": _l("max visits of the day reached for every suitable technician (%(technicians)s)"),
    "no_capacity": _l("no capacity left for its demand %(demand)d with any suitable technician (%(technicians)s)"),
    "max_visits_or_capacity": _l("max visits or capacity reached for every suitable technician (%(technicians)s)"),
    "no_room": _l(
        "no room left in the routes of the %(technician_count)d technicians who could do it during its "
        "windows (%(technicians)s)"
    ),
    "no_room.only": _l(
        "no room left in the route of %(technicians)s, the only technician who could do it during its windows"
    ),
    "no_plan_in_time": _l("the solver found no plan within the time limit; solve again with a longer time limit"),
    "search_out_of_time": _l(
        "the time limit ran out before the search could try to fit it in; solve again with a longer time limit"
    ),
    # why a slot is cheap
    "slot_empty_route": _l("%(technician_name)s has no other visit that day: %(minutes)d min of travel there and back"),
    "slot_on_the_way": _l("adds no travel: %(technician_name)s passes by on the way"),
    "slot_adds_travel": _l("adds %(minutes)d min of travel to %(technician_name)s's route"),
    # why a slot or a whole day cannot be offered
    "day_no_technician": _l("no technician works on %(day)s"),
    "day_no_skill": _l("no technician with skill %(skills)s works on %(day)s"),
    "day_no_skill_combination": _l("no technician with all of %(skills)s works on %(day)s"),
    "day_no_district": _l("no technician serving district %(districts)s works on %(day)s"),
    "day_max_visits": _l(
        "all %(technician_count)d suitable technicians already have their maximum of visits on %(day)s"
    ),
    "day_max_visits.only": _l(
        "the only suitable technician, %(technician_name)s, already has their maximum of visits on %(day)s"
    ),
    "day_full": _l("all %(technician_count)d suitable technicians are full on %(day)s"),
    "day_full.only": _l("the only suitable technician, %(technician_name)s, is full on %(day)s"),
    "slot_before_shifts": _l("no suitable technician is on shift yet between %(slot_start)s and %(slot_end)s"),
    "slot_past_shift_end": _l(
        "a %(minutes)d min visit starting between %(slot_start)s and %(slot_end)s would run "
        "past the end of every suitable technician's shift"
    ),
    "slot_full": _l("all %(technician_count)d suitable technicians are full between %(slot_start)s and %(slot_end)s"),
    "slot_full.only": _l(
        "the only suitable technician, %(technician_name)s, is full between %(slot_start)s and %(slot_end)s"
    ),
    "slot_outside_availability": _l("the customer is not at home for all of %(slot_start)s-%(slot_end)s"),
    "day_outside_availability": _l("the customer is not at home for a whole slot on %(day)s"),
    # a rebalance during the day
    "windows_passed": _l("its windows %(windows)s are over by now (%(now)s)"),
    # the loader's (scheduling/day/visits.py)
    "started_off_shift": _l(
        "visit %(visit_id)d is already under way (%(status)s) with technician "
        "%(technician_id)d, who is not on shift in this region on %(day)s"
    ),
    "no_coordinates": _l(
        "customer %(customer_id)d (%(address)s) has no coordinates; enter its latitude and "
        "longitude so visit %(visit_id)d can be planned"
    ),
    "awaiting_quota_approval": _l(
        "visit %(visit_id)d is beyond the visit quota of %(visit_quota)d of ticket "
        "%(ticket_id)d; a manager must approve it before it is planned"
    ),
}

# Which variant of a template applies, tried in this order; a code without that variant keeps its own template.
VARIANTS: tuple[tuple[str, Callable[[Mapping[str, Any]], bool]], ...] = (
    ("district_only", lambda p: bool(_district_skills(p)) and not _plain_skills(p)),
    ("district_one", lambda p: bool(_district_skills(p)) and len(_plain_skills(p)) == 1),
    ("district", lambda p: bool(_district_skills(p))),
    ("pinned", lambda p: "pinned_technician" in p),
    ("any_technician", lambda p: "skills" in p and not p["skills"]),
    ("several_skills", lambda p: len(p.get("skills") or ()) > 1),
    ("only", lambda p: p.get("technician_count") == 1),
)

LIST_SEPARATOR = _l(", ")
MORE_TECHNICIANS = _l("%(technicians)s and %(more)d more")
ANY_TIME = _l("(any time)")
THIS_DAY = _l("this day")
DISTRICT_PREFIX = "district:"  # the loader's synthetic skill, scheduling/day/problem.py add_district_skills
DISTRICT_SKILL = _l("service district %(district)s")
DAY_FORMAT = "EEEE yyyy-MM-dd"  # Tuesday 2026-11-24, 星期二 2026-11-24


def describe(reason: Reason | None, *, day: date | None = None) -> str | None:
    """A core reason in the request's language; `day` is the local date its seconds count from."""
    if reason is None:
        return None
    return render(reason.code, reason.params_json(), fallback=reason.text, day=day)


def describe_item(item: Mapping[str, Any], *, day: date | None = None) -> str:
    """A stored reason ({"reason", "reason_code", "reason_params"}, as plan.json has it) in the request's language."""
    return render(item.get("reason_code"), item.get("reason_params"), fallback=item.get("reason") or "", day=day)


def render(code: str | None, params: Mapping[str, Any] | None, *, fallback: str, day: date | None = None) -> str:
    """The template of `code` filled with `params`, or `fallback` (the English sentence) when there is none."""
    template = template_for(code, params or {})
    if template is None:
        return fallback
    try:
        return str(template) % _readable(params or {}, day)
    except (KeyError, TypeError, ValueError):
        # a stored plan whose parameters do not fit the template any more must still show why
        log.warning("reason %s with parameters %r does not fit its template", code, params, exc_info=True)
        return fallback


def template_for(code: str | None, params: Mapping[str, Any]) -> LazyString | None:
    """The template for this code and these parameters, or None for an unknown code."""
    if code is None:
        return None
    for variant, applies in VARIANTS:
        key = f"{code}.{variant}"
        if key in TEMPLATES and applies(params):
            return TEMPLATES[key]
    return TEMPLATES.get(code)


def _readable(params: Mapping[str, Any], day: date | None) -> dict[str, Any]:
    """The parameters as the templates show them (ids, names and numbers stay as they are)."""
    if params.get("date"):
        day = date.fromisoformat(params["date"])
    shown = dict(params)
    shown["day"] = format_date(day, DAY_FORMAT) if params.get("date") else str(THIS_DAY)
    if "skills" in params:
        shown["skills"] = _listed(
            str(DISTRICT_SKILL) % {"district": s[len(DISTRICT_PREFIX) :]}
            if str(s).startswith(DISTRICT_PREFIX)
            else label(s)
            for s in params["skills"]
        )
    if "districts" in params:
        shown["districts"] = _listed(params["districts"])
    elif _district_skills(params):
        shown["districts"] = _listed(_district_skills(params))
        shown["plain_skills"] = _listed(label(s) for s in _plain_skills(params))
    if "windows" in params:
        shown["windows"] = (
            _listed(f"{_clock(a, day)}–{_clock(b, day)}" for a, b in params["windows"])
            if params["windows"]
            else str(ANY_TIME)
        )
    if "slot" in params:
        shown["slot_start"], shown["slot_end"] = (_clock(s, day) for s in params["slot"])
    if "technicians" in params:
        shown["technicians"] = _technicians(params["technicians"], params.get("technician_count"))
    for key in ("added_travel_s", "duration_s"):
        if key in params:
            shown["minutes"] = max(1, math.ceil(params[key] / 60))
    if "now_s" in params:
        shown["now"] = _clock(params["now_s"], day)
    if "status" in params:
        shown["status"] = str(label(VisitStatus(params["status"])))
    return shown


def _district_skills(params: Mapping[str, Any]) -> list[str]:
    return [str(s)[len(DISTRICT_PREFIX) :] for s in params.get("skills") or () if str(s).startswith(DISTRICT_PREFIX)]


def _plain_skills(params: Mapping[str, Any]) -> list[str]:
    return [s for s in params.get("skills") or () if not str(s).startswith(DISTRICT_PREFIX)]


def _listed(items) -> str:
    return str(LIST_SEPARATOR).join(str(i) for i in items)


def _technicians(ids: list[str], count: int | None) -> str:
    more = (count or len(ids)) - len(ids)
    if more <= 0:
        return _listed(ids)
    return str(MORE_TECHNICIANS) % {"technicians": _listed(ids), "more": more}


def _clock(seconds: int, day: date | None) -> str:
    """Plan seconds as the local time of day (exact on a day with a clock change when `day` is known)."""
    if day is not None and 0 <= seconds < DAY_S:
        return to_local_time(seconds, day).strftime("%H:%M")
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"
