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
