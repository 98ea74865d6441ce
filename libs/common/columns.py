"""Column helpers for every service's tables: Zou's base columns, defaults, choices and keys."""

import uuid
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

NOW_UTC = sa.text("(now() at time zone 'utc')")


def utcnow() -> datetime:
    """Naive UTC, as Zou stores every timestamp."""
    return datetime.now(UTC).replace(tzinfo=None)


def base_columns() -> list[sa.Column]:
    """Zou's BaseMixin: uuid id, created_at, updated_at."""
    return [
        sa.Column(
            "id",
            sa.Uuid,
            primary_key=True,
            default=uuid.uuid4,
            server_default=sa.text("gen_random_uuid()"),
        ),
        sa.Column("created_at", sa.DateTime, default=utcnow, server_default=NOW_UTC),
        sa.Column(
            "updated_at", sa.DateTime, default=utcnow, onupdate=utcnow, server_default=NOW_UTC
        ),
    ]


def defaulted(name: str, type_: Any, value: Any, **kwargs: Any) -> sa.Column:
    """A column whose Python default is also its server default, so raw SQL inserts get it."""
    if isinstance(value, bool):
        server_default = sa.true() if value else sa.false()
    elif isinstance(value, int | float):
        server_default = sa.text(str(value))
    elif isinstance(value, str):
        server_default = value
    elif value == []:
        server_default = sa.text("'[]'::jsonb")
        value = list
    else:
        raise TypeError(f"no server default for {value!r}")
    return sa.Column(name, type_, default=value, server_default=server_default, **kwargs)


def choice(
    choices: dict[tuple[str, str], tuple[str, ...]],
    table: str,
    name: str,
    default: str | None = None,
    **kwargs: Any,
) -> sa.Column:
    """A ChoiceType column: VARCHAR as wide as its longest allowed value in `choices`."""
    type_ = sa.String(max(len(value) for value in choices[(table, name)]))
    if default is None:
        return sa.Column(name, type_, **kwargs)
    return defaulted(name, type_, default, **kwargs)


def fk(
    schema: str,
    name: str,
    target: str,
    ondelete: str | None = None,
    use_alter: bool = False,
    **kwargs: Any,
) -> sa.Column:
    """A uuid column referencing `target` ("table.column") in `schema`, indexed."""
    foreign_key = sa.ForeignKey(f"{schema}.{target}", ondelete=ondelete, use_alter=use_alter)
    return sa.Column(name, sa.Uuid, foreign_key, index=True, **kwargs)
