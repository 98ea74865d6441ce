"""Access rules shared by every service, as FastAPI dependencies.

Zou's global roles: admin > manager > supervisor > user (artist); client and vendor are
outside that ladder. Routes declare what they need (`Depends(at_least("manager"))`).
"""

from dataclasses import dataclass, field
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


MANAGERS = ("admin", "manager")
SUPERVISORS = ("admin", "manager", "supervisor")


@dataclass(frozen=True)
class Caller:
    """A user, the productions whose team they are in, and their effective role on each
    (the team link's role when set, else the global one), as Zou resolves it.

    `projects` alone (no roles) is enough for the declarative rules; the `check_*`
    methods are Zou's permissions_service checks for hand-written routes."""

    user: User
    projects: frozenset = frozenset()
    roles: dict = field(default_factory=dict)
    departments: frozenset = frozenset()

    def __post_init__(self):
        if self.roles and not self.projects:
            object.__setattr__(self, "projects", frozenset(self.roles))

    @property
    def id(self):
        return self.user.id

    @property
    def role(self) -> str:
        return self.user.role

    @property
    def is_admin(self) -> bool:
        return self.user.is_admin

    def member(self, project_id) -> bool:
        return project_id in self.projects

    def role_in(self, project_id=None) -> str:
        # Admin is a global-only role: a project link saying "admin" grants nothing more.
        role = self.roles.get(project_id) if project_id is not None else None
        return role if role not in (None, "admin") else self.user.role

    def has_at_least(self, role: str, project_id=None) -> bool:
        return LADDER.get(self.role_in(project_id), -1) >= LADDER[role]

    def visible_projects(self) -> list | None:
        """None for admins (every project), else the projects of the caller's teams."""
        return None if self.is_admin else list(self.projects)

    def can_see(self, project_id) -> bool:
        return self.is_admin or self.member(project_id)

    def is_manager(self, project_id=None) -> bool:
        return self.role_in(project_id) in MANAGERS

    def is_client(self, project_id=None) -> bool:
        return self.role_in(project_id) == "client"

    def is_vendor(self, project_id=None) -> bool:
        return self.role_in(project_id) == "vendor"

    def check_project(self, project_id) -> None:
        """Zou's check_project_access: admins and the production's team."""
        if not self.can_see(project_id):
            raise Forbidden()

    def check_manager(self, project_id) -> None:
        """Zou's check_manager_project_access: admins, managers in the team."""
        if not (self.is_admin or (self.member(project_id) and self.is_manager(project_id))):
            raise Forbidden()

    def check_supervisor(self, project_id) -> None:
        """Zou's check_supervisor_project_access: admins, managers and supervisors in
        the team."""
        allowed = self.member(project_id) and self.role_in(project_id) in SUPERVISORS
        if not (self.is_admin or allowed):
            raise Forbidden()

    def check_departments(self, project_id, departments) -> None:
        """Zou's check_all_departments_access: admins and the team's managers; a team
        supervisor only when every department of theirs is among `departments`."""
        if self.is_admin or (self.member(project_id) and self.is_manager(project_id)):
            return
        if self.member(project_id) and self.has_at_least("supervisor", project_id):
            wanted = {str(d) for d in departments}
            if wanted and all(str(d) in wanted for d in self.departments):
                return
        raise Forbidden()

    def check_department_lead(self, project_id, department_id) -> None:
        """Zou's check_supervisor_project_task_type_access: admins and the team's managers;
        a team supervisor when in no department or in the task type's one."""
        if self.is_admin or (self.member(project_id) and self.is_manager(project_id)):
            return
        if self.member(project_id) and self.has_at_least("supervisor", project_id):
            if not self.departments or department_id in self.departments:
                return
        raise Forbidden()

    def leads(self) -> dict:
        """Projects the caller manages or supervises, with that role (Zou's day-off
        read scopes)."""
        out = {}
        for project_id in self.projects:
            role = self.role_in(project_id)
            if role in ("manager", "supervisor"):
                out[project_id] = role
        return out

    def check_lead(self) -> None:
        """A global manager or supervisor (Zou reads others' logged time with this)."""
        if self.user.role not in ("admin", "manager", "supervisor"):
            raise Forbidden()

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


# Hand-written routes have called it a viewer; it is the same thing.
Viewer = Caller


async def current_caller(request: Request, user: CurrentUser) -> Caller:
    """The caller with their teams. A service that knows teams sets
    `app.state.memberships(db, person_id) -> (roles by project, departments)`;
    elsewhere the caller is in no team."""
    if user.is_admin:
        return Caller(user)
    load = getattr(request.app.state, "memberships", None)
    if load is None:
        return Caller(user)
    roles, departments = await load(request.app.state.db, user.id)
    return Caller(user, frozenset(roles), dict(roles), frozenset(departments))


CallerDep = Annotated[Caller, Depends(current_caller)]


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
        if self.role and not caller.has_at_least(self.role, target.project_id):
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
