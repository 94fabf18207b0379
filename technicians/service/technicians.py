"""Technician use cases: register, list, look up and change technicians; the skill and parts catalogues."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from common.auth import hash_password
from common.db import db
from common.errors import Conflict, NotFound, RuleViolation
from common.models import Role, User
from dispatch.models import Skill
from technicians.models import Part, Technician
from technicians.rules import check_working_days, check_working_hours

# The columns a dispatcher sets on a technician's profile (everything else is managed by the system).
PROFILE_FIELDS = frozenset(
    {
        "name",
        "phone",
        "region",
        "home_address",
        "home_lat",
        "home_lon",
        "shift_start",
        "shift_end",
        "break_start",
        "break_end",
        "break_duration_min",
        "working_days",
        "service_districts",
        "max_visits_per_day",
        "active",
    }
)
# The working-hours fields checked together, with the model's defaults for those a request leaves out.
HOURS_DEFAULTS: dict[str, Any] = {
    "shift_start": None,
    "shift_end": None,
    "break_start": None,
    "break_end": None,
    "break_duration_min": 45,
    "working_days": [1, 2, 3, 4, 5, 6],
}


def create_technician(
    name: str, *, skills: list[str], username: str | None = None, password: str | None = None, **profile: Any
) -> Technician:
    """Register a technician with their skills and hours; with `username` and `password`, also their login."""
    _check_profile_keys(profile)
    _check_hours({**HOURS_DEFAULTS, **profile})
    technician = Technician(name=name, skills=_skills_by_code(skills), **profile)
    if username is not None:
        technician.user = _new_login(username, password=password, display_name=name)
    db.session.add(technician)
    _commit_or_conflict("username_taken" if username else None, username=username)
    return technician


def update_technician(technician_id: int, *, skills: list[str] | None = None, **changes: Any) -> Technician:
    """Change only the given fields of a technician's profile; hours are re-checked as a whole."""
    _check_profile_keys(changes)
    technician = _technician(technician_id)
    # Check the hours as they will be, and the skills, before changing anything.
    _check_hours({key: changes.get(key, getattr(technician, key)) for key in HOURS_DEFAULTS})
    new_skills = _skills_by_code(skills) if skills is not None else None
    for key, value in changes.items():
        setattr(technician, key, value)
    if new_skills is not None:
        technician.skills = new_skills
    if technician.user is not None and "name" in changes:
        technician.user.display_name = technician.name
    if technician.user is not None and "active" in changes:
        technician.user.active = technician.active
    db.session.commit()
    return technician


def list_technicians(
    *, region: str | None = None, skill: str | None = None, active: bool | None = None
) -> list[Technician]:
    """Technicians, by name, optionally only those of a region, with a skill, or (in)active."""
    query = select(Technician).order_by(Technician.name, Technician.id)
    if region is not None:
        query = query.where(Technician.region == region)
    if skill is not None:
        query = query.where(Technician.skills.any(Skill.code == skill))
    if active is not None:
        query = query.where(Technician.active.is_(active))
    return list(db.session.scalars(query))


def get_technician(technician_id: int, *, by: User) -> Technician:
    """One technician; a technician may look up only themselves."""
    technician = _technician(technician_id)
    if by.role is Role.TECHNICIAN and technician.user_id != by.id:
        raise NotFound("technician_not_found", params={"technician_id": technician_id})
    return technician


def create_skill(code: str, *, name: str) -> Skill:
    """Add a skill to the catalogue; codes are unique."""
    if db.session.scalar(select(Skill.id).where(Skill.code == code)) is not None:
        raise Conflict("skill_code_taken", params={"code": code})
    skill = Skill(code=code, name=name)
    db.session.add(skill)
    _commit_or_conflict("skill_code_taken", code=code)
    return skill


def list_skills() -> list[Skill]:
    """The skill catalogue, by code."""
    return list(db.session.scalars(select(Skill).order_by(Skill.code)))


def list_parts() -> list[Part]:
    """The active parts technicians may record on a service report, by SKU."""
    return list(db.session.scalars(select(Part).where(Part.active.is_(True)).order_by(Part.sku)))


def _technician(technician_id: int) -> Technician:
    technician = db.session.get(Technician, technician_id)
    if technician is None:
        raise NotFound("technician_not_found", params={"technician_id": technician_id})
    return technician


def _check_profile_keys(values: dict[str, Any]) -> None:
    unknown = set(values) - PROFILE_FIELDS
    if unknown:
        raise TypeError(f"not profile fields: {sorted(unknown)}")


def _check_hours(hours: dict[str, Any]) -> None:
    check_working_hours(
        shift_start=hours["shift_start"],
        shift_end=hours["shift_end"],
        break_start=hours["break_start"],
        break_end=hours["break_end"],
        break_duration_min=hours["break_duration_min"],
    )
    check_working_days(list(hours["working_days"]))


def _skills_by_code(codes: list[str]) -> list[Skill]:
    wanted = list(dict.fromkeys(codes))
    found = {s.code: s for s in db.session.scalars(select(Skill).where(Skill.code.in_(wanted)))} if wanted else {}
    unknown = [code for code in wanted if code not in found]
    if unknown:
        raise RuleViolation("unknown_skills", field="skills", unknown=unknown)
    return [found[code] for code in wanted]


def _new_login(username: str, *, password: str | None, display_name: str) -> User:
    if not password:
        raise RuleViolation("password_needed", field="password")
    if db.session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict("username_taken", params={"username": username})
    return User(
        username=username, display_name=display_name, password_hash=hash_password(password), role=Role.TECHNICIAN
    )


def _commit_or_conflict(message_code: str | None, **params) -> None:
    """Commit; a unique constraint hit by a concurrent request becomes a 409 instead of a 500."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(message_code or "saved_at_the_same_time", params=params) from None
