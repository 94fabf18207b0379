"""Slot offers: the cheapest feasible insertion of one new visit into a day's current routes, per slot.

Pure and quick (no OR-Tools): a phone call cannot wait for a re-plan. For every slot of the grid it
tries the insertions of the new visit into every suitable technician's current route, cheapest added
travel first, and keeps the first one after which the whole route is still feasible: skills, shift,
lunch break (it must still fit somewhere), max visits, and every other visit's window (the promised
slots of other customers). Other visits may start later than now, inside their windows, but never
earlier than `not_before` says (a booking does not pull anyone's visit forward).

Each candidate route is timed by the exact timer of `timing.py` (`RouteTimer`), which follows the checker
(`scheduling/check.py`): the route leaves the start place at shift start, a break may interrupt driving or be
taken while waiting, never during a service, and the technician must be back at the end place by shift end.
A slot is a start-of-service window.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from scheduling.core.plan import Route
from scheduling.core.problem import Problem, Technician, Visit
from scheduling.core.reasons import Reason
from scheduling.core.timing import RouteTimer, TimerState

DISTRICT_SKILL_PREFIX = "district:"  # service districts arrive encoded as skills (see scheduling/day/problem.py)


@dataclass(frozen=True)
class Offer:
    """The cheapest way to serve the new visit in one slot: whose route, where in it, and what it costs."""

    slot: tuple[int, int]
    technician: str
    position: int  # index of the new visit in the technician's new route
    added_travel_s: int
    start: int  # planned service start of the new visit (plan seconds)
    route: Route  # the technician's whole new route, timed
    reason: Reason


@dataclass(frozen=True)
class NoOffer:
    """A slot of the grid that cannot be offered, and why."""

    slot: tuple[int, int]
    reason: Reason


@dataclass(frozen=True)
class DayOffers:
    """A day's offers, cheapest first; the slots without one; and why the day has none (when it has none)."""

    offers: tuple[Offer, ...]
    unavailable: tuple[NoOffer, ...]
    reason: Reason | None = None


def slot_grid(first_start_s: int, last_end_s: int, length_s: int) -> list[tuple[int, int]]:
    """Back-to-back slots of `length_s` from `first_start_s`, the last one ending by `last_end_s`."""
    if length_s <= 0:
        raise ValueError("a slot must last more than 0 seconds")
    return [(a, a + length_s) for a in range(first_start_s, last_end_s - length_s + 1, length_s)]


def offer_slots(
    problem: Problem,
    visit_id: str,
    *,
    routes: Mapping[str, Sequence[str]],
    slots: Sequence[tuple[int, int]],
    not_before: Mapping[str, int] | None = None,
    names: Mapping[str, str] | None = None,
) -> DayOffers:
    """Offers for `visit_id` (a visit of `problem`) in each of `slots`, inserted into `routes`, cheapest first.

    `routes` maps technician ids to their current visit ids in order (the visit itself is ignored
    there); `not_before` gives other visits' earliest allowed starts; `names` are for the reasons.
    """
    return _DayInsertion(problem, visit_id, routes=routes, not_before=not_before or {}, names=names or {}).offer(slots)


# --- offering the slots of one day -----------------------------------------------------------------


class _DayInsertion:
    def __init__(
        self,
        problem: Problem,
        visit_id: str,
        *,
        routes: Mapping[str, Sequence[str]],
        not_before: Mapping[str, int],
        names: Mapping[str, str],
    ):
        self.problem = problem
        self.visits = {v.id: v for v in problem.visits}
        self.visit = self.visits[visit_id]
        self.names = names
        self.not_before = {k: v for k, v in not_before.items() if k != visit_id}
        self.routes = {
            t.id: [self.visits[v] for v in routes.get(t.id, ()) if v != visit_id] for t in problem.technicians
        }
        self.skilled = [t for t in problem.technicians if self.visit.skills <= t.skills]
        self.suitable = [t for t in self.skilled if t.max_visits is None or len(self.routes[t.id]) < t.max_visits]
        self._prefix: dict[str, list[list[TimerState]]] = {}
        self.candidates = self._candidates()

    def offer(self, slots: Sequence[tuple[int, int]]) -> DayOffers:
        blocker = self._day_blocker()
        if blocker is not None:
            return DayOffers((), tuple(NoOffer(_pair(s), blocker) for s in slots), blocker)
        offers: list[Offer] = []
        unavailable: list[NoOffer] = []
        for slot in map(_pair, slots):
            found = self._cheapest(slot)
            if found is None:
                unavailable.append(NoOffer(slot, self._full_reason(slot)))
            else:
                offers.append(found)
        offers.sort(key=lambda o: (o.added_travel_s, o.slot))
        reason = None
        if not offers:
            reasons = {n.reason for n in unavailable}
            reason = reasons.pop() if len(reasons) == 1 else Reason("day_full", {**self._everyone(), **self._day()})
        return DayOffers(tuple(offers), tuple(unavailable), reason)

    # -- candidates: (added travel, technician, position), independent of the slot --------------------

    def _candidates(self) -> list[tuple[int, int, str, int]]:
        location = self.visit.location
        found = []
        for order, tech in enumerate(self.suitable):
            route = self.routes[tech.id]
            places = [tech.start] + [v.location for v in route] + [tech.end]
            # visits already under way keep their place at the head of the route
            first = sum(1 for _ in _leading_pins(route))
            for position in range(first, len(route) + 1):
                before, after = places[position], places[position + 1]
                added = (
                    self.problem.duration_s(before, location)
                    + self.problem.duration_s(location, after)
                    - (self.problem.duration_s(before, after) if route else 0)
                )
                found.append((added, order, tech.id, position))
        found.sort()
        return found

    def _prefix_states(self, tech: Technician) -> list[list[TimerState]]:
        """States after each prefix of the current route (index k: after its first k stops)."""
        if tech.id not in self._prefix:
            timer = RouteTimer(self.problem, tech, {}, self.not_before)
            states, place, prefix = timer.start_states(), tech.start, []
            prefix.append(states)
            for visit in self.routes[tech.id]:
                states = timer.advance(states, place, visit) if states else []
                place = visit.location
                prefix.append(states)
            self._prefix[tech.id] = prefix
        return self._prefix[tech.id]

    def _cheapest(self, slot: tuple[int, int]) -> Offer | None:
        techs = {t.id: t for t in self.suitable}
        blocked_from: dict[str, float] = {}  # a technician's first position that cannot make the slot
        for added, _, tech_id, position in self.candidates:
            if position >= blocked_from.get(tech_id, math.inf):
                continue
            tech = techs[tech_id]
            prefix = self._prefix_states(tech)[position]
            if not prefix:
                blocked_from[tech_id] = min(blocked_from.get(tech_id, math.inf), position)
                continue
            route = self.routes[tech_id]
            place = tech.start if position == 0 else route[position - 1].location
            earliest = min(s.ready for s in prefix) + self.problem.duration_s(place, self.visit.location)
            if earliest > slot[1]:
                # later positions only start later: this technician cannot make the slot from here on
                blocked_from[tech_id] = min(blocked_from.get(tech_id, math.inf), position)
                continue
            if not self._next_reachable(tech, route, position, max(earliest, slot[0])):
                continue
            timed = self._insert(tech, slot, position, prefix, place)
            if timed is not None:
                start = timed.stops[position].start
                return Offer(slot, tech_id, position, added, start, timed, self._cheap_reason(tech, added))
        return None

    def _next_reachable(self, tech: Technician, route: list[Visit], position: int, start: int) -> bool:
        """A quick necessary check (breaks ignored): the next stop or the way home still fits after the new visit."""
        done = start + self.visit.duration_s
        if position == len(route):
            return done + self.problem.duration_s(self.visit.location, tech.end) <= tech.shift[1]
        following = route[position]
        arrival = done + self.problem.duration_s(self.visit.location, following.location)
        latest = max((b for _, b in following.windows), default=tech.shift[1])
        return arrival <= latest

    def _insert(
        self, tech: Technician, slot: tuple[int, int], position: int, prefix: list[TimerState], place: str
    ) -> Route | None:
        timer = RouteTimer(self.problem, tech, {self.visit.id: (slot,)}, self.not_before)
        route = self.routes[tech.id]
        states = timer.advance(prefix, place, self.visit)
        place = self.visit.location
        for visit in route[position:]:
            if not states:
                return None
            states = timer.advance(states, place, visit)
            place = visit.location
        if not states:
            return None
        return timer.finish(states, place, route[:position] + [self.visit] + route[position:])

    # -- reasons (worded in scheduling/core/reasons.py) ----------------------------------------------------

    def _technician(self, tech_id: str) -> dict[str, Any]:
        return {"technician": tech_id, "technician_name": self.names.get(tech_id, tech_id)}

    def _cheap_reason(self, tech: Technician, added: int) -> Reason:
        params = {**self._technician(tech.id), "added_travel_s": added}
        if not self.routes[tech.id]:
            return Reason("slot_empty_route", params)
        if added <= 0:
            return Reason("slot_on_the_way", params)
        return Reason("slot_adds_travel", params)

    def _day_blocker(self) -> Reason | None:
        """Why no slot of the day can be offered at all, or None."""
        day = self._day()
        if not self.problem.technicians:
            return Reason("day_no_technician", day)
        if not self.skilled:
            return self._nobody_skilled(day)
        if not self.suitable:
            only = self._technician(self.skilled[0].id) if len(self.skilled) == 1 else {}
            return Reason("day_max_visits", {"technician_count": len(self.skilled), **only, **day})
        return None

    def _nobody_skilled(self, day: dict[str, str]) -> Reason:
        held = set().union(*(t.skills for t in self.problem.technicians))
        missing = sorted(self.visit.skills - held) or sorted(self.visit.skills)
        districts = [s[len(DISTRICT_SKILL_PREFIX) :] for s in missing if s.startswith(DISTRICT_SKILL_PREFIX)]
        skills = [s for s in missing if not s.startswith(DISTRICT_SKILL_PREFIX)]
        if not self.visit.skills - held:
            return Reason("day_no_skill_combination", {"skills": missing, **day})
        if skills:
            return Reason("day_no_skill", {"skills": skills, **day})
        return Reason("day_no_district", {"districts": districts, **day})

    def _everyone(self) -> dict[str, Any]:
        """How many suitable technicians there are, and who when there is only one."""
        only = self._technician(self.suitable[0].id) if len(self.suitable) == 1 else {}
        return {"technician_count": len(self.suitable), **only}

    def _full_reason(self, slot: tuple[int, int]) -> Reason:
        if not any(slot[1] >= t.shift[0] for t in self.suitable):
            return Reason("slot_before_shifts", {"slot": list(slot)})
        if not any(slot[0] + self.visit.duration_s <= t.shift[1] for t in self.suitable):
            return Reason("slot_past_shift_end", {"slot": list(slot), "duration_s": self.visit.duration_s})
        return Reason("slot_full", {"slot": list(slot), **self._everyone()})

    def _day(self) -> dict[str, str]:
        return {"date": self.problem.date} if self.problem.date else {}


def _pair(slot: Sequence[int]) -> tuple[int, int]:
    """A slot as a (start, end) tuple, however it came (JSON gives lists)."""
    start, end = slot
    return start, end


def _leading_pins(route: Sequence[Visit]) -> Iterator[Visit]:
    for visit in route:
        if visit.pinned is None or visit.pinned.sequence is None:
            return
        yield visit
