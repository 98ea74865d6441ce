"""Zou's production checks as one dependency: who the caller is, which teams they are in,
and their effective role on each project (the team link's role, else the global one)."""

import json
import uuid
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request

from libs.common.errors import Forbidden, MalformedId, WrongParameter
from libs.common.permissions import CurrentUser, User
from services.data.store import teams

MANAGERS = ("admin", "manager")
SUPERVISORS = ("admin", "manager", "supervisor")


@dataclass(frozen=True)
class Viewer:
    user: User
    roles: dict = field(default_factory=dict)
    departments: frozenset = frozenset()

    @property
    def id(self) -> uuid.UUID:
        return self.user.id

    @property
    def is_admin(self) -> bool:
        return self.user.is_admin

    def member(self, project_id) -> bool:
        return project_id in self.roles

    def role_in(self, project_id=None) -> str:
        # Admin is a global-only role: a project link saying "admin" grants nothing more.
        role = self.roles.get(project_id) if project_id is not None else None
        return role if role not in (None, "admin") else self.user.role

    def visible_projects(self) -> list | None:
        """None for admins (every project), else the projects of the caller's teams."""
        return None if self.is_admin else list(self.roles)

    def can_see(self, project_id) -> bool:
        return self.is_admin or self.member(project_id)

    def check_project(self, project_id) -> None:
        if not self.can_see(project_id):
            raise Forbidden()

    def check_manager(self, project_id) -> None:
        if not (
            self.is_admin or (self.member(project_id) and self.role_in(project_id) in MANAGERS)
        ):
            raise Forbidden()

    def check_supervisor(self, project_id) -> None:
        allowed = self.member(project_id) and self.role_in(project_id) in SUPERVISORS
        if not (self.is_admin or allowed):
            raise Forbidden()

    def is_manager(self, project_id=None) -> bool:
        return self.role_in(project_id) in MANAGERS

    def is_client(self, project_id=None) -> bool:
        return self.role_in(project_id) == "client"

    def is_vendor(self, project_id=None) -> bool:
        return self.role_in(project_id) == "vendor"

    def block_client(self, project_id=None) -> None:
        if self.is_client(project_id):
            raise Forbidden()

    def block_vendor(self, project_id=None) -> None:
        if self.is_vendor(project_id):
            raise Forbidden()

    def check_admin(self) -> None:
        if not self.is_admin:
            raise Forbidden()

    def check_global_manager(self) -> None:
        if self.user.role not in MANAGERS:
            raise Forbidden()


async def viewer(request: Request, user: CurrentUser) -> Viewer:
    async with request.app.state.db.read() as conn:
        roles = await teams.roles_of(conn, user.id)
        departments = await teams.departments_of(conn, user.id)
    return Viewer(user, roles, departments)


ViewerDep = Annotated[Viewer, Depends(viewer)]


def uid(raw: str | None, required: bool = True) -> uuid.UUID | None:
    """A path or query id, 400 when malformed."""
    if raw is None or raw == "":
        if required:
            raise MalformedId()
        return None
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        raise MalformedId() from None


async def json_body(request: Request) -> dict:
    """The request's JSON object (empty when there is no body), 400 otherwise."""
    raw = await request.body()
    if not raw:
        return {}
    try:
        body = json.loads(raw)
    except ValueError:
        raise WrongParameter("The body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise WrongParameter("The body must be a JSON object.")
    return body


def text(body: dict, key: str, required: bool = False, max_length: int | None = None):
    value = body.get(key)
    if value is None or (required and value == ""):
        if required:
            raise WrongParameter(f"{key} is required.")
        return None
    if not isinstance(value, str):
        raise WrongParameter(f"{key} must be a string.")
    if max_length and len(value) > max_length:
        raise WrongParameter(f"{key} is too long (at most {max_length} characters).")
    return value


def integer(body: dict, key: str):
    value = body.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise WrongParameter(f"{key} must be an integer.")
    try:
        return int(value)
    except ValueError:
        raise WrongParameter(f"{key} must be an integer.") from None


def mapping(body: dict, key: str):
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise WrongParameter(f"{key} must be a JSON object.")
    return value


def body_id(body: dict, key: str, required: bool = False) -> uuid.UUID | None:
    value = body.get(key)
    if value in (None, ""):
        if required:
            raise WrongParameter(f"{key} is required.")
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise WrongParameter(f"{key} is not a valid id.") from None


def flag(raw: str | None) -> bool:
    return (raw or "").lower() in ("true", "1", "yes")
