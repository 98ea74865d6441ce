"""Who may see or change which picture, decided with libs.common's rules from the
facts data gives about the record (its project, the caller's team membership)."""

import uuid

from libs.common import permissions as p
from libs.common.errors import Forbidden

SELF_OR_ADMIN = p.ADMIN | p.OWNER


def _caller(user: p.User, project_id, member: bool) -> p.Caller:
    return p.Caller(user, frozenset({project_id}) if member and project_id else frozenset())


def check_project(user: p.User, project: dict, rule: p.Rule = p.TEAM_MEMBER) -> None:
    project_id = uuid.UUID(project["id"])
    rule.check(_caller(user, project_id, project["member"]), p.Target(project_id=project_id))


def check_person(user: p.User, person_id: uuid.UUID) -> None:
    SELF_OR_ADMIN.check(p.Caller(user), p.Target(owner_id=person_id))


def _check_task(user: p.User, facts: dict) -> None:
    """Zou's task access: the project's team, and a vendor only on entities they work on."""
    project_id = uuid.UUID(facts["project_id"]) if facts.get("project_id") else None
    p.TEAM_MEMBER.check(_caller(user, project_id, facts["member"]), p.Target(project_id))
    if user.role == "vendor" and not facts["assigned"]:
        raise Forbidden()


def check_preview_picture(user: p.User, facts: dict) -> None:
    """Thumbnails and originals: also anyone but vendors when the preview is the main one of
    an entity shared across projects."""
    shared = (
        facts["entity_is_shared"]
        and facts["entity_preview_file_id"] == facts["preview_file"]["id"]
        and user.role != "vendor"
    )
    if not shared:
        _check_task(user, facts)


def check_preview_file(user: p.User, facts: dict) -> None:
    _check_task(user, facts)


def check_preview_upload(user: p.User, facts: dict) -> None:
    """Zou's task action access: admins; in the team, managers, supervisors and clients,
    or the task's assignees."""
    if user.is_admin:
        return
    in_team = facts["member"] and (
        user.role in ("manager", "supervisor", "client") or facts["assigned"]
    )
    if not in_team:
        raise Forbidden()
