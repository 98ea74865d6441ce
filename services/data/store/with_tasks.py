"""The `with-tasks` boards: entities with their tasks embedded, built as one JSON text by
PostgreSQL in a single statement whatever the production's size."""

import uuid
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection


def _date(column: str) -> str:
    return f"to_char({column}, 'YYYY-MM-DD\"T\"HH24:MI:SS')"


TASK_SQL = {
    "id": "t.id",
    "entity_id": "t.entity_id",
    "task_type_id": "t.task_type_id",
    "task_status_id": "t.task_status_id",
    "priority": "coalesce(t.priority, 0)",
    "estimation": "t.estimation",
    "duration": "t.duration",
    "retake_count": "t.retake_count",
    "real_start_date": _date("t.real_start_date"),
    "end_date": _date("t.end_date"),
    "start_date": _date("t.start_date"),
    "due_date": _date("t.due_date"),
    "done_date": _date("t.done_date"),
    "last_comment_date": _date("t.last_comment_date"),
    "last_preview_file_id": "t.last_preview_file_id",
    "nb_assets_ready": "t.nb_assets_ready",
    "difficulty": "t.difficulty",
    "nb_drawings": "t.nb_drawings",
    "data": "t.data",
    "is_subscribed": (
        "EXISTS (SELECT 1 FROM data.subscription s WHERE s.task_id = t.id AND s.person_id = :me)"
    ),
    "assignees": (
        "coalesce((SELECT json_agg(l.person_id) FROM data.task_person_link l "
        "WHERE l.task_id = t.id), '[]'::json)"
    ),
}
# A client reads the task's progress, never the studio side (who, how long, when).
CLIENT_BLANKS = {
    "assignees": "'[]'::json",
    "difficulty": "NULL",
    "done_date": "NULL",
    "due_date": "NULL",
    "duration": "0",
    "end_date": "NULL",
    "estimation": "0",
    "last_comment_date": "NULL",
    "nb_assets_ready": "0",
    "nb_drawings": "0",
    "priority": "0",
    "real_start_date": "NULL",
    "retake_count": "0",
    "start_date": "NULL",
}

SHOT_TASK_FIELDS = (
    "id duration due_date end_date done_date entity_id estimation is_subscribed "
    "last_comment_date last_preview_file_id nb_assets_ready priority real_start_date "
    "retake_count start_date difficulty nb_drawings task_status_id task_type_id assignees data"
).split()
ASSET_TASK_FIELDS = (
    "id due_date done_date duration entity_id estimation end_date is_subscribed "
    "last_comment_date last_preview_file_id priority real_start_date retake_count start_date "
    "difficulty task_status_id task_type_id assignees data"
).split()
ENTITY_TASK_FIELDS = (
    "id estimation entity_id end_date due_date done_date duration last_comment_date "
    "last_preview_file_id priority real_start_date retake_count start_date difficulty "
    "task_status_id task_type_id data is_subscribed assignees"
).split()
EDIT_TASK_FIELDS = (
    "id duration due_date entity_id end_date estimation last_comment_date last_preview_file_id "
    "nb_assets_ready priority real_start_date retake_count start_date task_status_id "
    "task_type_id data is_subscribed assignees"
).split()

DATA = "coalesce(e.data, '{}'::jsonb)"
SHOT_FIELDS = {
    "canceled": "e.canceled",
    "data": DATA,
    "description": "e.description",
    "entity_type_id": "e.entity_type_id",
    "episode_id": "ep.id",
    "episode_name": "coalesce(ep.name, '')",
    "fps": f"{DATA} -> 'fps'",
    "frame_in": f"{DATA} -> 'frame_in'",
    "frame_out": f"{DATA} -> 'frame_out'",
    "id": "e.id",
    "name": "e.name",
    "nb_frames": "e.nb_frames",
    "parent_id": "e.parent_id",
    "preview_file_id": "e.preview_file_id",
    "project_id": "e.project_id",
    "project_name": "p.name",
    "sequence_id": "sq.id",
    "sequence_name": "sq.name",
    "source_id": "e.source_id",
    "nb_entities_out": "e.nb_entities_out",
    "is_casting_standby": "e.is_casting_standby",
    "type": "'Shot'",
}
ASSET_FIELDS = {
    "id": "e.id",
    "name": "e.name",
    "preview_file_id": "coalesce(e.preview_file_id::text, '')",
    "description": "e.description",
    "asset_type_name": "et.name",
    "asset_type_id": "e.entity_type_id",
    "canceled": "e.canceled",
    # Zou prints the Python repr of a missing value here.
    "ready_for": "coalesce(e.ready_for::text, 'None')",
    "episode_id": "coalesce(e.source_id::text, '')",
    "casting_episode_ids": (
        "coalesce((SELECT json_agg(el.entity_in_id ORDER BY epi.name) FROM data.entity_link el "
        "JOIN data.entity epi ON epi.id = el.entity_in_id "
        "WHERE el.entity_out_id = e.id AND epi.entity_type_id = :episode_type), '[]'::json)"
    ),
    "is_casting_standby": "e.is_casting_standby",
    "is_shared": "e.is_shared",
    "data": DATA,
}
ENTITY_FIELDS = {
    "id": "e.id",
    "name": "e.name",
    "status": "coalesce(e.status, 'running')",
    "episode_id": "coalesce(e.parent_id::text, 'None')",
    "description": "e.description",
    "frame_in": f"{DATA} -> 'frame_in'",
    "frame_out": f"{DATA} -> 'frame_out'",
    "fps": f"{DATA} -> 'fps'",
    "preview_file_id": "coalesce(e.preview_file_id::text, '')",
    "canceled": "e.canceled",
    "data": DATA,
}
EDIT_FIELDS = {
    "canceled": "e.canceled",
    "data": DATA,
    "description": "e.description",
    "entity_type_id": "e.entity_type_id",
    "episode_id": "ep.id",
    "episode_name": "coalesce(ep.name, '')",
    "id": "e.id",
    "name": "e.name",
    "parent_id": "e.parent_id",
    "preview_file_id": "e.preview_file_id",
    "project_id": "e.project_id",
    "project_name": "p.name",
    "source_id": "e.source_id",
    "nb_entities_out": "e.nb_entities_out",
    "type": "'Edit'",
}


@dataclass
class Board:
    fields: dict
    task_fields: list
    joins: str
    order: str


SHOTS = Board(
    SHOT_FIELDS,
    SHOT_TASK_FIELDS,
    "JOIN data.project p ON p.id = e.project_id "
    "JOIN data.entity sq ON sq.id = e.parent_id "
    "LEFT JOIN data.entity ep ON ep.id = sq.parent_id",
    "sq.name, e.name",
)
ASSETS = Board(
    ASSET_FIELDS,
    ASSET_TASK_FIELDS,
    "JOIN data.entity_type et ON et.id = e.entity_type_id",
    "et.name, e.name",
)
ENTITIES = Board(ENTITY_FIELDS, ENTITY_TASK_FIELDS, "", "e.name")
EDITS = Board(
    EDIT_FIELDS,
    EDIT_TASK_FIELDS,
    "JOIN data.project p ON p.id = e.project_id LEFT JOIN data.entity ep ON ep.id = e.parent_id",
    "e.name",
)


@dataclass
class Filters:
    me: uuid.UUID
    type_condition: str = ""
    project_id: uuid.UUID | None = None
    projects: list | None = None  # None: every project (admins)
    entity_id: uuid.UUID | None = None
    episode_id: str | None = None  # an id, "all" or "main"
    episode_mode: str = "parent"  # how an episode filter applies: parent, sequence, asset
    assigned_only: bool = False  # vendors: only what they are assigned to
    client: bool = False


def _object(fields: dict) -> str:
    return "json_build_object(" + ", ".join(f"'{k}', {v}" for k, v in fields.items()) + ")"


def _conditions(filters: Filters, params: dict) -> list[str]:
    out = [filters.type_condition]
    if filters.project_id is not None:
        out.append("e.project_id = :project_id")
        params["project_id"] = filters.project_id
    if filters.projects is not None:
        out.append("e.project_id = ANY(:projects)")
        params["projects"] = list(filters.projects)
    if filters.entity_id is not None:
        out.append("e.id = :entity_id")
        params["entity_id"] = filters.entity_id
    episode = filters.episode_id
    if episode not in (None, "all"):
        if filters.episode_mode == "asset":
            if episode == "main":
                out.append("e.source_id IS NULL")
            else:
                out.append(
                    "(e.source_id = :episode_id OR EXISTS (SELECT 1 FROM data.entity_link el2 "
                    "WHERE el2.entity_out_id = e.id AND el2.entity_in_id = :episode_id))"
                )
                params["episode_id"] = uuid.UUID(episode)
        elif episode == "main":
            out.append("e.parent_id IS NULL")
        else:
            column = "sq.parent_id" if filters.episode_mode == "sequence" else "e.parent_id"
            out.append(f"{column} = :episode_id")
            params["episode_id"] = uuid.UUID(episode)
    if filters.assigned_only:
        out.append(
            "EXISTS (SELECT 1 FROM data.task ta JOIN data.task_person_link la "
            "ON la.task_id = ta.id WHERE ta.entity_id = e.id AND la.person_id = :me)"
        )
    return [c for c in out if c]


async def board(conn: AsyncConnection, kind: Board, filters: Filters, extra: dict) -> str:
    """The whole answer as JSON text."""
    params = {"me": filters.me, **extra}
    task_fields = {name: TASK_SQL[name] for name in kind.task_fields}
    if filters.client:
        task_fields.update({k: v for k, v in CLIENT_BLANKS.items() if k in task_fields})
    task_filter = ""
    if filters.assigned_only:
        task_filter = (
            " AND EXISTS (SELECT 1 FROM data.task_person_link lb "
            "WHERE lb.task_id = t.id AND lb.person_id = :me)"
        )
    fields = dict(kind.fields)
    fields["tasks"] = (
        f"coalesce((SELECT json_agg({_object(task_fields)} ORDER BY t.created_at, t.id) "
        f"FROM data.task t WHERE t.entity_id = e.id{task_filter}), '[]'::json)"
    )
    where = " AND ".join(_conditions(filters, params)) or "true"
    statement = (
        f"SELECT coalesce(json_agg({_object(fields)} ORDER BY {kind.order}), '[]'::json)::text "
        f"FROM data.entity e {kind.joins} WHERE {where}"
    )
    return (await conn.execute(sa.text(statement), params)).scalar()


CONCEPT_TASK_FIELDS = (
    "id duration due_date end_date entity_id estimation last_comment_date nb_assets_ready "
    "priority real_start_date retake_count start_date task_status_id task_type_id data "
    "is_subscribed assignees"
).split()
CONCEPT_FIELDS = {
    "canceled": "e.canceled",
    "data": DATA,
    "description": "e.description",
    "entity_type_id": "e.entity_type_id",
    "fps": f"{DATA} -> 'fps'",
    "frame_in": f"{DATA} -> 'frame_in'",
    "frame_out": f"{DATA} -> 'frame_out'",
    "id": "e.id",
    "name": "e.name",
    "nb_frames": "e.nb_frames",
    "parent_id": "e.parent_id",
    "preview_file_id": "e.preview_file_id",
    "preview_file_status": "pf.status",
    "project_id": "e.project_id",
    "project_name": "p.name",
    "source_id": "e.source_id",
    "nb_entities_out": "e.nb_entities_out",
    "is_casting_standby": "e.is_casting_standby",
    "entity_concept_links": (
        "coalesce((SELECT json_agg(cl.entity_out_id) FROM data.entity_concept_link cl "
        "WHERE cl.entity_in_id = e.id), '[]'::json)"
    ),
    "type": "'Concept'",
    "updated_at": _date("e.updated_at"),
    "created_at": _date("e.created_at"),
    "created_by": "e.created_by",
}
CONCEPTS = Board(
    CONCEPT_FIELDS,
    CONCEPT_TASK_FIELDS,
    "JOIN data.project p ON p.id = e.project_id "
    "LEFT JOIN data.preview_file pf ON pf.id = e.preview_file_id",
    "e.name",
)
