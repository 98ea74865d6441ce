"""What a new installation holds before anyone creates anything (Zou's init-data).

Idempotent: run by every `prodtrack migrate` / `prodtrack up`; a row already there (by
name, case-insensitively) is left as the studio made it. The domain (`prodtrack migrate
--domain 2d|3d|vfx|games`) picks the asset types, departments and task types, as Zou's
`init-data --domain` does; it only adds rows.
"""

import os

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.common.db import Database
from services.data.store import organisation
from services.data.tables import department, entity_type, project_status, task_status, task_type

DOMAINS = ("2d", "3d", "vfx", "games")
PROJECT_STATUSES = [("Open", "#000000"), ("Closed", "#000000")]
# Episode, sequence, shot and edit are what init-data makes; scene, concept and
# concept folder are there in every Zou database as well (its migrations add them).
BASE_ENTITY_TYPES = ["Shot", "Scene", "Sequence", "Episode", "Edit", "Concept", "ConceptFolder"]
ASSET_TYPES = {
    "2d": ["Character", "Prop", "Background", "FX"],
    "3d": ["Character", "Prop", "Environment", "FX"],
    "vfx": ["Character", "Prop", "Environment", "FX", "Vehicle"],
    "games": ["Character", "Prop", "Environment", "FX", "UI"],
}
DEPARTMENTS = {
    "2d": [
        ("Concept", "#8D6E63"),
        ("Layout", "#7CB342"),
        ("Animation", "#009688"),
        ("Compositing", "#F06292"),
    ],
    "3d": [
        ("Modeling", "#78909C"),
        ("Animation", "#009688"),
        ("FX", "#26C6DA"),
        ("Compositing", "#F06292"),
        ("Concept", "#8D6E63"),
        ("Layout", "#7CB342"),
    ],
    "vfx": [
        ("Modeling", "#78909C"),
        ("Animation", "#009688"),
        ("FX", "#26C6DA"),
        ("Compositing", "#F06292"),
        ("Concept", "#8D6E63"),
        ("Layout", "#7CB342"),
        ("Matchmove", "#5C6BC0"),
        ("DMP", "#8D6E63"),
    ],
    "games": [
        ("Game Design", "#7B1FA2"),
        ("Level Design", "#00897B"),
        ("Character Art", "#78909C"),
        ("Environment Art", "#43A047"),
        ("Animation", "#009688"),
        ("VFX", "#26C6DA"),
        ("QA", "#E53935"),
    ],
}
# (department, name, colour, priority, for_entity)
TASK_TYPES = {
    "2d": [
        ("Concept", "Concept", "#8D6E63", 1, "Asset"),
        ("Concept", "Storyboard", "#43A047", 1, "Shot"),
        ("Layout", "Layout", "#7CB342", 2, "Shot"),
        ("Animation", "Animation", "#009688", 3, "Shot"),
        ("Animation", "Clean-up", "#4DB6AC", 4, "Shot"),
        ("Compositing", "Color", "#F9A825", 5, "Shot"),
        ("Compositing", "Compositing", "#ff5252", 6, "Shot"),
        ("Compositing", "Edit", "#9b298c", 7, "Edit"),
        (None, "Concept", "#8D6E63", 1, "Concept"),
    ],
    "3d": [
        ("Concept", "Concept", "#8D6E63", 1, "Asset"),
        ("Modeling", "Modeling", "#78909C", 2, "Asset"),
        ("Modeling", "Shading", "#64B5F6", 3, "Asset"),
        ("Animation", "Rigging", "#9CCC65", 4, "Asset"),
        ("Concept", "Storyboard", "#43A047", 1, "Shot"),
        ("Layout", "Layout", "#7CB342", 2, "Shot"),
        ("Animation", "Animation", "#009688", 3, "Shot"),
        ("Compositing", "Lighting", "#F9A825", 4, "Shot"),
        ("FX", "FX", "#26C6DA", 5, "Shot"),
        ("Compositing", "Rendering", "#F06292", 6, "Shot"),
        ("Compositing", "Compositing", "#ff5252", 7, "Shot"),
        ("Compositing", "Edit", "#9b298c", 8, "Edit"),
        (None, "Concept", "#8D6E63", 1, "Concept"),
    ],
    "vfx": [
        ("Concept", "Concept", "#8D6E63", 1, "Asset"),
        ("Modeling", "Modeling", "#78909C", 2, "Asset"),
        ("Modeling", "Shading", "#64B5F6", 3, "Asset"),
        ("Animation", "Rigging", "#9CCC65", 4, "Asset"),
        ("Matchmove", "Matchmove", "#5C6BC0", 1, "Shot"),
        ("Matchmove", "Rotomation", "#7986CB", 2, "Shot"),
        ("Concept", "Storyboard", "#43A047", 1, "Shot"),
        ("Layout", "Layout", "#7CB342", 2, "Shot"),
        ("Animation", "Animation", "#009688", 3, "Shot"),
        ("Compositing", "Lighting", "#F9A825", 4, "Shot"),
        ("FX", "FX", "#26C6DA", 5, "Shot"),
        ("Compositing", "Rendering", "#F06292", 6, "Shot"),
        ("Compositing", "Compositing", "#ff5252", 7, "Shot"),
        ("DMP", "DMP", "#A1887F", 8, "Shot"),
        ("Compositing", "Edit", "#9b298c", 9, "Edit"),
        (None, "Concept", "#8D6E63", 1, "Concept"),
    ],
    "games": [
        ("Game Design", "Game Design", "#7B1FA2", 1, "Asset"),
        ("Level Design", "Level Design", "#00897B", 2, "Asset"),
        ("Character Art", "Character Art", "#78909C", 3, "Asset"),
        ("Environment Art", "Environment Art", "#43A047", 4, "Asset"),
        ("Animation", "Animation", "#009688", 5, "Asset"),
        ("VFX", "VFX", "#26C6DA", 6, "Asset"),
        (None, "Concept", "#8D6E63", 1, "Concept"),
        ("QA", "QA", "#E53935", 1, "Shot"),
    ],
}
_STATUS_FLAGS = ("is_default", "is_wip", "is_feedback_request", "is_retake", "is_done")
# (name, short name, colour, flags); concept statuses are for_concept.
TASK_STATUSES = [
    ("Todo", "todo", "#f5f5f5", {"is_default": True}),
    ("Work In Progress", "wip", "#3273dc", {"is_wip": True}),
    ("Waiting For Approval", "wfa", "#ab26ff", {"is_feedback_request": True}),
    ("Retake", "retake", "#ff3860", {"is_retake": True}),
    ("Done", "done", "#22d160", {"is_done": True}),
    ("Ready To Start", "ready", "#fbc02d", {}),
    ("Neutral", "neutral", "#CCCCCC", {"is_default": True, "for_concept": True}),
    ("Approved", "approved", "#66BB6A", {"for_concept": True}),
    ("Rejected", "rejected", "#E81123", {"for_concept": True}),
]


async def _names(conn: AsyncConnection, column) -> set[str]:
    return {name.lower() for name in (await conn.execute(sa.select(column))).scalars()}


async def _ensure_names(conn: AsyncConnection, table, rows: list[dict]) -> None:
    existing = await _names(conn, table.c.name)
    missing = [row for row in rows if row["name"].lower() not in existing]
    if missing:
        await conn.execute(sa.insert(table), missing)


async def ensure(db: Database, domain: str | None = None) -> None:
    domain = (domain or os.environ.get("PRODTRACK_DOMAIN") or "3d").lower()
    if domain not in DOMAINS:
        raise ValueError(f"unknown domain {domain!r}, expected one of {', '.join(DOMAINS)}")
    async with db.write() as conn:
        await organisation.get_or_create(conn)
        await _ensure_names(
            conn, project_status, [{"name": n, "color": c} for n, c in PROJECT_STATUSES]
        )
        types = [*ASSET_TYPES[domain], *BASE_ENTITY_TYPES]
        await _ensure_names(conn, entity_type, [{"name": name} for name in types])
        await _ensure_names(
            conn, department, [{"name": n, "color": c} for n, c in DEPARTMENTS[domain]]
        )
        await _ensure_task_types(conn, domain)
        await _ensure_task_statuses(conn)


async def _ensure_task_types(conn: AsyncConnection, domain: str) -> None:
    departments = dict((await conn.execute(sa.select(department.c.name, department.c.id))).all())
    rows = await conn.execute(sa.select(task_type.c.name, task_type.c.for_entity))
    existing = {(name.lower(), for_entity) for name, for_entity in rows}
    for dept, name, color, priority, for_entity in TASK_TYPES[domain]:
        if (name.lower(), for_entity) in existing:
            continue
        await conn.execute(
            sa.insert(task_type).values(
                name=name,
                short_name="",
                color=color,
                priority=priority,
                for_entity=for_entity,
                department_id=departments.get(dept),
            )
        )


async def _ensure_task_statuses(conn: AsyncConnection) -> None:
    existing = await _names(conn, task_status.c.short_name)
    for name, short_name, color, flags in TASK_STATUSES:
        if short_name in existing:
            continue
        await conn.execute(
            sa.insert(task_status).values(
                name=name, short_name=short_name, color=color, priority=1, **flags
            )
        )
