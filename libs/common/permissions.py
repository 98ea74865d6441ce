"""Access rules shared by every service, as FastAPI dependencies.

Zou's global roles: admin > manager > supervisor > user (artist); client and vendor are
outside that ladder. Routes declare what they need (`Depends(at_least("manager"))`).
"""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from libs.common.errors import Forbidden, TokenError
from libs.common.identity import Principal, current_principal
from libs.common.people import Person

LADDER = {"admin": 3, "manager": 2, "supervisor": 1, "user": 0}


@dataclass(frozen=True)
class User:
    principal: Principal
    person: Person

    @property
    def id(self):
        return self.person.id

    @property
    def role(self) -> str:
        return self.person.role

    @property
    def is_admin(self) -> bool:
        return self.person.role == "admin"

    def has_at_least(self, role: str) -> bool:
        return LADDER.get(self.person.role, -1) >= LADDER[role]


async def current_user(
    request: Request, principal: Annotated[Principal, Depends(current_principal)]
) -> User:
    person = await request.app.state.people.get(principal.id)
    if person is None or not person.active:
        raise TokenError("User is not active or does not exist")
    return User(principal=principal, person=person)


CurrentUser = Annotated[User, Depends(current_user)]


def at_least(role: str):
    """Dependency: the caller's global role is `role` or above."""

    async def check(user: CurrentUser) -> User:
        if not user.has_at_least(role):
            raise Forbidden()
        return user

    check.__name__ = f"at_least_{role}"
    return check


Admin = Annotated[User, Depends(at_least("admin"))]
Manager = Annotated[User, Depends(at_least("manager"))]
Supervisor = Annotated[User, Depends(at_least("supervisor"))]


# --- Declarative access rules -------------------------------------------------------
# A CRUD model (or any route) names one rule per action; the rule decides from who the
# caller is and which projects' teams they are in. A rule also says how a list is
# narrowed for the caller: every row, only rows of the caller's projects, only the
# caller's own rows, or nothing (403).

ALL = "all"
PROJECTS = "projects"
OWN = "own"


@dataclass(frozen=True)
class Caller:
    """A user and the projects whose team they belong to (project_person_link)."""

    user: User
    projects: frozenset = frozenset()

    @property
    def role(self) -> str:
        return self.user.role

    @property
    def is_admin(self) -> bool:
        return self.user.is_admin


@dataclass(frozen=True)
class Target:
    """What a rule may look at in the row being read or written."""

    project_id: object = None
    owner_id: object = None


class Rule:
    def allows(self, caller: Caller, target: Target) -> bool:
        raise NotImplementedError

    def scope(self, caller: Caller) -> str:
        """How a list is narrowed for this caller; Forbidden when it may not list at all."""
        raise NotImplementedError

    def check(self, caller: Caller, target: Target = Target()) -> None:
        if not self.allows(caller, target):
            raise Forbidden()

    def __or__(self, other: "Rule") -> "Rule":
        return AnyOf((self, other))

    def __and__(self, other: "Rule") -> "Rule":
        return AllOf((self, other))


@dataclass(frozen=True)
class RoleAtLeast(Rule):
    role: str

    def allows(self, caller, target):
        return caller.user.has_at_least(self.role)

    def scope(self, caller):
        if not caller.user.has_at_least(self.role):
            raise Forbidden()
        return ALL


@dataclass(frozen=True)
class Anyone(Rule):
    def allows(self, caller, target):
        return True

    def scope(self, caller):
        return ALL


@dataclass(frozen=True)
class NoOne(Rule):
    def allows(self, caller, target):
        return False

    def scope(self, caller):
        raise Forbidden()


@dataclass(frozen=True)
class NotRoles(Rule):
    """Everyone but these global roles (Zou keeps vendors and clients off some lists)."""

    roles: tuple[str, ...]

    def allows(self, caller, target):
        return caller.role not in self.roles

    def scope(self, caller):
        if caller.role in self.roles:
            raise Forbidden()
        return ALL


@dataclass(frozen=True)
class ProjectTeam(Rule):
    """Admins, or callers of at least `role` in the team of the row's project."""

    role: str | None = None

    def allows(self, caller, target):
        if caller.is_admin:
            return True
        if self.role and not caller.user.has_at_least(self.role):
            return False
        return target.project_id is not None and target.project_id in caller.projects

    def scope(self, caller):
        if caller.is_admin:
            return ALL
        if self.role and not caller.user.has_at_least(self.role):
            raise Forbidden()
        return PROJECTS


@dataclass(frozen=True)
class Owner(Rule):
    """The person the row belongs to (its `person_id`, or the person itself)."""

    def allows(self, caller, target):
        return target.owner_id is not None and target.owner_id == caller.user.id

    def scope(self, caller):
        return OWN


@dataclass(frozen=True)
class AnyOf(Rule):
    rules: tuple[Rule, ...]

    def allows(self, caller, target):
        return any(rule.allows(caller, target) for rule in self.rules)

    def scope(self, caller):
        scopes = []
        for rule in self.rules:
            try:
                scopes.append(rule.scope(caller))
            except Forbidden:
                continue
        if not scopes:
            raise Forbidden()
        for widest in (ALL, PROJECTS, OWN):
            if widest in scopes:
                return widest
        return scopes[0]


@dataclass(frozen=True)
class AllOf(Rule):
    rules: tuple[Rule, ...]

    def allows(self, caller, target):
        return all(rule.allows(caller, target) for rule in self.rules)

    def scope(self, caller):
        scopes = [rule.scope(caller) for rule in self.rules]
        for narrowest in (OWN, PROJECTS):
            if narrowest in scopes:
                return narrowest
        return ALL


ADMIN = RoleAtLeast("admin")
MANAGER = RoleAtLeast("manager")
SUPERVISOR = RoleAtLeast("supervisor")
ANYONE = Anyone()
NO_ONE = NoOne()
NOT_VENDOR = NotRoles(("vendor",))
STAFF = NotRoles(("vendor", "client"))
TEAM_MEMBER = ProjectTeam()
TEAM_SUPERVISOR = ProjectTeam("supervisor")
TEAM_MANAGER = ProjectTeam("manager")
OWNER = Owner()
