"""Who the caller is in a production, as Zou's project checks see it, asked of data on
each request (team roles are data's, and a member added a moment ago must get in)."""

import uuid

from fastapi import Request

from libs.common.errors import NotFound
from libs.common.permissions import Caller, User


async def project_caller(request: Request, user: User, raw_project_id: str) -> tuple[Caller, dict]:
    """The caller with their role on the project, and the project (id, name, fps, the
    caller's timezone). An unknown or malformed id is Zou's 404."""
    try:
        project_id = uuid.UUID(raw_project_id)
    except ValueError:
        raise NotFound() from None
    viewer = await request.app.state.data_api.project_viewer(project_id, user.id)
    if viewer is None:
        raise NotFound()
    # An admin keeps the global role whatever their team link says, as in Zou.
    roles = {project_id: viewer["role"]} if viewer["member"] and not user.is_admin else {}
    return Caller(user, frozenset(roles), roles), {**viewer, "id": project_id}
