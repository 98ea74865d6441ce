"""Tables of the data service's schema: Zou's production model, without credentials or bytes."""

from functools import partial

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from libs.common import columns
from libs.common.columns import base_columns, defaulted
from libs.common.events import event_tables

# Names follow PostgreSQL's own defaults (and so Zou's database), except indexes, which
# keep SQLAlchemy's `ix_<table>_<column>` as Zou's do. Check constraints are all named.
metadata = sa.MetaData(
    schema="data",
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "%(table_name)s_%(column_0_N_name)s_key",
        "fk": "%(table_name)s_%(column_0_name)s_fkey",
        "pk": "%(table_name)s_pkey",
    },
)

POSITIONS = ("supervisor", "lead", "artist")
SENIORITIES = ("senior", "mid", "junior")
ROLES = ("user", "admin", "supervisor", "manager", "client", "vendor")
PRODUCTION_STYLES = (
    "2d",
    "2dpaper",
    "3d",
    "2d3d",
    "ar",
    "vfx",
    "stop-motion",
    "motion-design",
    "archviz",
    "commercial",
    "catalog",
    "immersive",
    "nft",
    "video-game",
    "vr",
)
VALIDATION_STATUSES = ("validated", "rejected", "neutral")

# Allowed values of Zou's ChoiceType columns, stored as plain VARCHAR; the CRUD engine
# validates writes against this.
CHOICES: dict[tuple[str, str], tuple[str, ...]] = {
    ("budget_entry", "position"): POSITIONS,
    ("budget_entry", "seniority"): SENIORITIES,
    ("entity", "status"): ("standby", "running", "complete", "canceled"),
    ("metadata_descriptor", "data_type"): (
        "string",
        "number",
        "list",
        "taglist",
        "boolean",
        "checklist",
        "date",
        "url",
        "textarea",
        "person",
    ),
    ("notification", "type"): (
        "comment",
        "mention",
        "assignation",
        "reply",
        "reply-mention",
        "playlist-ready",
    ),
    ("output_file", "quality"): ("low", "mid", "high"),
    ("person", "contract_type"): (
        "open-ended",
        "fixed-term",
        "short-term",
        "freelance",
        "apprentice",
        "internship",
    ),
    ("person", "preferred_two_factor_authentication"): ("totp", "email_otp", "fido"),
    ("person", "role"): ROLES,
    ("person", "position"): POSITIONS,
    ("person", "seniority"): SENIORITIES,
    ("preview_file", "status"): ("processing", "ready", "broken", "missing"),
    ("preview_file", "validation_status"): VALIDATION_STATUSES,
    ("project", "production_style"): PRODUCTION_STYLES,
    ("project_person_link", "role"): ROLES,
    ("project_template", "production_style"): PRODUCTION_STYLES,
    ("salary_scale", "position"): POSITIONS,
    ("salary_scale", "seniority"): SENIORITIES,
    ("status_automation", "out_field_type"): ("status", "ready_for"),
    ("working_file", "validation_status"): VALIDATION_STATUSES,
}

ROLES_FOR_BOARD = ("user", "admin", "supervisor", "manager", "vendor")

choice = partial(columns.choice, CHOICES)
fk = partial(columns.fk, "data")


def roles_for_board() -> sa.Column:
    """Roles that see a task status on the board: by default every role but client."""
    return sa.Column(
        "roles_for_board",
        postgresql.ARRAY(sa.String(255)),
        default=lambda: list(ROLES_FOR_BOARD),
        server_default=sa.text(
            "ARRAY[" + ", ".join(f"'{role}'" for role in ROLES_FOR_BOARD) + "]::varchar(255)[]"
        ),
    )


api_event = sa.Table(
    "api_event",
    metadata,
    *base_columns(),
    sa.Column("name", sa.String(80), nullable=False, index=True),
    # No keys: the log holds every service's events, also about since-deleted rows.
    sa.Column("user_id", sa.Uuid, index=True),
    sa.Column("project_id", sa.Uuid, index=True),
    sa.Column("data", postgresql.JSONB),
    sa.Index("ix_api_event_project_id_created_at", "project_id", "created_at"),
    sa.Index("ix_api_event_created_at", "created_at"),
)

asset_instance = sa.Table(
    "asset_instance",
    metadata,
    *base_columns(),
    fk("asset_id", "entity.id", nullable=False),
    sa.Column("name", sa.String(80)),
    sa.Column("number", sa.Integer),
    sa.Column("description", sa.String(200)),
    defaulted("active", sa.Boolean, True),
    sa.Column("data", postgresql.JSONB),
    fk("scene_id", "entity.id"),
    fk("target_asset_id", "entity.id"),
    fk("entity_id", "entity.id"),
    fk("entity_type_id", "entity_type.id"),
    sa.UniqueConstraint(
        "asset_id", "target_asset_id", "scene_id", "number", name="asset_instance_uc"
    ),
)

asset_instance_link = sa.Table(
    "asset_instance_link",
    metadata,
    fk("entity_id", "entity.id", primary_key=True),
    fk("asset_instance_id", "asset_instance.id", primary_key=True),
)

# The record of a comment's or chat message's attached file; media keeps its bytes.
attachment_file = sa.Table(
    "attachment_file",
    metadata,
    *base_columns(),
    sa.Column("name", sa.String(250)),
    defaulted("size", sa.BigInteger, 1),
    sa.Column("extension", sa.String(6)),
    sa.Column("mimetype", sa.String(255)),
    fk("comment_id", "comment.id"),
    sa.Column("reply_id", sa.Uuid),  # an id inside comment.replies
    fk("chat_message_id", "chat_message.id"),
)

budget = sa.Table(
    "budget",
    metadata,
    *base_columns(),
    fk("project_id", "project.id"),
    defaulted("revision", sa.Integer, 1, nullable=False),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("currency", sa.String(3)),
)

budget_entry = sa.Table(
    "budget_entry",
    metadata,
    *base_columns(),
    fk("budget_id", "budget.id", nullable=False),
    fk("department_id", "department.id", nullable=False),
    fk("person_id", "person.id"),
    sa.Column("start_date", sa.Date, nullable=False),
    sa.Column("months_duration", sa.Integer, nullable=False),
    sa.Column("daily_salary", sa.Float, nullable=False),
    choice("budget_entry", "position", default="artist"),
    choice("budget_entry", "seniority", default="mid"),
    sa.Column("exceptions", postgresql.JSONB),
)

chat = sa.Table(
    "chat",
    metadata,
    *base_columns(),
    sa.Column("object_id", sa.Uuid, nullable=False, index=True),
    defaulted("object_type", sa.String(80), "entity", nullable=False, index=True),
    sa.Column("last_message", sa.DateTime),
)

chat_message = sa.Table(
    "chat_message",
    metadata,
    *base_columns(),
    fk("chat_id", "chat.id", nullable=False),
    fk("person_id", "person.id", nullable=False),
    sa.Column("text", sa.Text),
)

chat_participant = sa.Table(
    "chat_participant",
    metadata,
    fk("chat_id", "chat.id", primary_key=True),
    fk("person_id", "person.id", primary_key=True),
)

comment = sa.Table(
    "comment",
    metadata,
    *base_columns(),
    sa.Column("shotgun_id", sa.Integer),
    sa.Column("object_id", sa.Uuid, nullable=False, index=True),
    sa.Column("object_type", sa.String(80), nullable=False, index=True),
    sa.Column("text", sa.Text),
    sa.Column("data", postgresql.JSONB),
    defaulted("replies", postgresql.JSONB, []),
    defaulted("checklist", postgresql.JSONB, []),
    sa.Column("pinned", sa.Boolean),
    defaulted("for_client", sa.Boolean, False),
    sa.Column("links", postgresql.ARRAY(sa.String)),
    fk("task_status_id", "task_status.id"),
    fk("person_id", "person.id", nullable=False),
    fk("editor_id", "person.id"),
    fk("preview_file_id", "preview_file.id"),
)

# Zou's spelling of "acknowledgments", kept: the table name is part of the contract.
comment_acknoledgments = sa.Table(
    "comment_acknoledgments",
    metadata,
    fk("comment", "comment.id", primary_key=True),
    fk("person", "person.id", primary_key=True),
)

comment_department_mentions = sa.Table(
    "comment_department_mentions",
    metadata,
    fk("comment", "comment.id", primary_key=True),
    fk("department", "department.id", primary_key=True),
)

comment_mentions = sa.Table(
    "comment_mentions",
    metadata,
    fk("comment", "comment.id", primary_key=True),
    fk("person", "person.id", primary_key=True),
)

comment_preview_link = sa.Table(
    "comment_preview_link",
    metadata,
    fk("comment", "comment.id", primary_key=True),
    fk("preview_file", "preview_file.id", primary_key=True),
)

custom_action = sa.Table(
    "custom_action",
    metadata,
    *base_columns(),
    sa.Column("name", sa.String(80), nullable=False),
    sa.Column("url", sa.String(400)),
    defaulted("entity_type", sa.String(40), "all"),
    defaulted("is_ajax", sa.Boolean, False),
)

day_off = sa.Table(
    "day_off",
    metadata,
    *base_columns(),
    sa.Column("date", sa.Date, nullable=False),
    sa.Column("end_date", sa.Date, nullable=False),
    sa.Column("description", sa.Text),
    fk("person_id", "person.id"),
    sa.UniqueConstraint("person_id", "date", name="day_off_uc"),
    sa.CheckConstraint("date <= end_date", name="day_off_date_check"),
)

department = sa.Table(
    "department",
    metadata,
    *base_columns(),
    sa.Column("name", sa.String(80), nullable=False, unique=True),
    sa.Column("color", sa.String(7), nullable=False),
    defaulted("archived", sa.Boolean, False),
)

# Zou also declares UNIQUE department_link_uc on the primary key's columns.
# PostgreSQL drops such a duplicate, so declaring it would only make autogenerate
# re-add it each time.
department_link = sa.Table(
    "department_link",
    metadata,
    fk("person_id", "person.id", primary_key=True),
    fk("department_id", "department.id", primary_key=True),
)

# Zou also declares UNIQUE department_metadata_descriptor_link_uc on the primary key's columns.
# PostgreSQL drops such a duplicate, so declaring it would only make autogenerate
# re-add it each time.
department_metadata_descriptor_link = sa.Table(
    "department_metadata_descriptor_link",
    metadata,
    fk("metadata_descriptor_id", "metadata_descriptor.id", primary_key=True),
    fk("department_id", "department.id", primary_key=True),
)

desktop_login_log = sa.Table(
    "desktop_login_log",
    metadata,
    *base_columns(),
    fk("person_id", "person.id", nullable=False),
    sa.Column("date", sa.DateTime, nullable=False),
)

# Concept folders have no table of their own: they are entity rows of the ConceptFolder
# type, and a concept's parent_id names its folder.
entity = sa.Table(
    "entity",
    metadata,
    *base_columns(),
    sa.Column("name", sa.String(160), nullable=False),
    sa.Column("code", sa.String(160)),
    sa.Column("description", sa.Text),
    sa.Column("shotgun_id", sa.Integer),
    defaulted("canceled", sa.Boolean, False),
    sa.Column("nb_frames", sa.Integer),
    defaulted("nb_entities_out", sa.Integer, 0),
    defaulted("is_casting_standby", sa.Boolean, False),
    defaulted("is_shared", sa.Boolean, False, nullable=False),
    choice("entity", "status", default="running", nullable=False, index=True),
    fk("project_id", "project.id", nullable=False),
    fk("entity_type_id", "entity_type.id", nullable=False),
    fk("parent_id", "entity.id"),
    fk("source_id", "entity.id"),
    # entity -> preview_file -> task -> entity is a cycle: this key is added after the tables.
    fk("preview_file_id", "preview_file.id", use_alter=True),
    sa.Column("data", postgresql.JSONB),
    fk("ready_for", "task_type.id"),
    fk("created_by", "person.id"),
    sa.UniqueConstraint("name", "project_id", "entity_type_id", "parent_id", name="entity_uc"),
    sa.Index("ix_entity_project_type_status", "project_id", "entity_type_id", "status"),
    sa.Index("ix_entity_entity_type_parent", "entity_type_id", "parent_id"),
    sa.Index("ix_entity_entity_type_project", "entity_type_id", "project_id"),
)

# Zou's primary key here is (id, entity_in_id, entity_out_id); kept as is.
entity_concept_link = sa.Table(
    "entity_concept_link",
    metadata,
    *base_columns(),
    fk("entity_in_id", "entity.id", primary_key=True),
    fk("entity_out_id", "entity.id", primary_key=True),
)

entity_link = sa.Table(
    "entity_link",
    metadata,
    *base_columns(),
    fk("entity_in_id", "entity.id", primary_key=True),
    fk("entity_out_id", "entity.id", primary_key=True),
    sa.Column("data", postgresql.JSONB),
    defaulted("nb_occurences", sa.Integer, 1),
    defaulted("label", sa.String(80), ""),
    sa.UniqueConstraint("entity_in_id", "entity_out_id", name="entity_link_uc"),
)

entity_type = sa.Table(
    "entity_type",
    metadata,
    *base_columns(),
    sa.Column("name", sa.String(30), nullable=False, unique=True, index=True),
    sa.Column("short_name", sa.String(20)),
    sa.Column("description", sa.Text),
    defaulted("archived", sa.Boolean, False),
)

entity_version = sa.Table(
    "entity_version",
    metadata,
    *base_columns(),
    sa.Column("name", sa.String(160), nullable=False),
    sa.Column("data", postgresql.JSONB),
    fk("entity_id", "entity.id"),
    fk("person_id", "person.id"),
)

file_status = sa.Table(
    "file_status",
    metadata,
    *base_columns(),
    sa.Column("name", sa.String(40), nullable=False, unique=True),
    sa.Column("color", sa.String(7), nullable=False),
)

hardware_item = sa.Table(
    "hardware_item",
    metadata,
    *base_columns(),
    sa.Column("name", sa.String(40), nullable=False, unique=True),
    sa.Column("short_name", sa.String(20), nullable=False),
    defaulted("archived", sa.Boolean, False),
    defaulted("monthly_cost", sa.Integer, 0),
    defaulted("inventory_amount", sa.Integer, 0),
)

hardware_item_department_link = sa.Table(
    "hardware_item_department_link",
    metadata,
    *base_columns(),
    fk("department_id", "department.id", primary_key=True),
    fk("hardware_item_id", "hardware_item.id", primary_key=True),
    sa.UniqueConstraint(
        "hardware_item_id", "department_id", name="hardware_item_department_link_uc"
    ),
)

metadata_descriptor = sa.Table(
    "metadata_descriptor",
    metadata,
    *base_columns(),
    fk("project_id", "project.id", nullable=False),
    sa.Column("entity_type", sa.String(60), nullable=False, index=True),
    fk("task_type_id", "task_type.id"),
    sa.Column("name", sa.String(120), nullable=False),
    choice("metadata_descriptor", "data_type"),
    sa.Column("field_name", sa.String(120), nullable=False),
    sa.Column("choices", postgresql.JSONB),
    defaulted("for_client", sa.Boolean, False, index=True),
    sa.Column("position", sa.Integer),
    sa.Index(
        "metadata_descriptor_task_type_uc2",
        "project_id",
        "entity_type",
        "task_type_id",
        "field_name",
        unique=True,
    ),
    sa.Index("metadata_descriptor_uc2", "project_id", "entity_type", "field_name", unique=True),
    sa.Index(
        "metadata_descriptor_task_type_uc",
        "project_id",
        "entity_type",
        "task_type_id",
        "name",
        unique=True,
    ),
    sa.Index("metadata_descriptor_uc", "project_id", "entity_type", "name", unique=True),
)

milestone = sa.Table(
    "milestone",
    metadata,
    *base_columns(),
    sa.Column("date", sa.Date),
    sa.Column("name", sa.String(40), nullable=False),
    fk("project_id", "project.id"),
    fk("task_type_id", "task_type.id"),
)

news = sa.Table(
    "news",
    metadata,
    *base_columns(),
    defaulted("change", sa.Boolean, False, nullable=False),
    fk("author_id", "person.id", nullable=False),
    fk("comment_id", "comment.id"),
    fk("task_id", "task.id", nullable=False),
    fk("preview_file_id", "preview_file.id"),
)

notification = sa.Table(
    "notification",
    metadata,
    *base_columns(),
    defaulted("read", sa.Boolean, False, nullable=False),
    defaulted("change", sa.Boolean, False, nullable=False),
    choice("notification", "type", nullable=False),
    fk("person_id", "person.id", nullable=False),
    fk("author_id", "person.id", nullable=False),
    fk("comment_id", "comment.id"),
    fk("task_id", "task.id"),
    fk("playlist_id", "playlist.id"),
    sa.Column("reply_id", sa.Uuid, index=True),  # an id inside comment.replies
    sa.UniqueConstraint(
        "person_id",
        "author_id",
        "comment_id",
        "reply_id",
        "playlist_id",
        "type",
        name="notification_uc",
    ),
)

organisation = sa.Table(
    "organisation",
    metadata,
    *base_columns(),
    sa.Column("name", sa.String(80), nullable=False, unique=True),
    defaulted("hours_by_day", sa.Float, 8.0, nullable=False),
    defaulted("has_avatar", sa.Boolean, False),
    defaulted("use_original_file_name", sa.Boolean, False),
    defaulted("timesheets_locked", sa.Boolean, False),
    defaulted("format_duration_in_hours", sa.Boolean, False),
    defaulted("hd_by_default", sa.Boolean, False),
    defaulted("chat_token_slack", sa.String(80), ""),
    defaulted("chat_webhook_mattermost", sa.String(80), ""),
    defaulted("chat_token_discord", sa.String(80), ""),
    defaulted("dark_theme_by_default", sa.Boolean, False),
)

output_file = sa.Table(
    "output_file",
    metadata,
    *base_columns(),
    sa.Column("shotgun_id", sa.Integer),
    sa.Column("name", sa.String(250), nullable=False),
    defaulted("canceled", sa.Boolean, False, nullable=False),
    sa.Column("size", sa.Integer),
    sa.Column("checksum", sa.String(32)),
    sa.Column("description", sa.Text),
    sa.Column("comment", sa.Text),
    sa.Column("extension", sa.String(10)),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("representation", sa.String(20), index=True),
    defaulted("nb_elements", sa.Integer, 1),
    sa.Column("source", sa.String(40)),
    sa.Column("path", sa.String(400)),
    sa.Column("data", postgresql.JSONB),
    choice("output_file", "quality"),
    fk("file_status_id", "file_status.id", nullable=False),
    fk("entity_id", "entity.id"),
    fk("asset_instance_id", "asset_instance.id"),
    fk("output_type_id", "output_type.id"),
    fk("task_type_id", "task_type.id"),
    fk("person_id", "person.id"),
    fk("source_file_id", "working_file.id"),
    fk("temporal_entity_id", "entity.id"),
    sa.UniqueConstraint(
        "name",
        "entity_id",
        "asset_instance_id",
        "output_type_id",
        "task_type_id",
        "temporal_entity_id",
        "representation",
        "revision",
        name="output_file_uc",
    ),
)

output_type = sa.Table(
    "output_type",
    metadata,
    *base_columns(),
    sa.Column("name", sa.String(40), nullable=False, unique=True, index=True),
    sa.Column("short_name", sa.String(20), nullable=False),
)

# Credentials are the auth service's: password, jti, the TOTP and email OTP secrets,
# FIDO credentials, recovery codes and failed-login counters are not columns here.
person = sa.Table(
    "person",
    metadata,
    *base_columns(),
    sa.Column("first_name", sa.String(80), nullable=False),
    sa.Column("last_name", sa.String(80), nullable=False),
    sa.Column("email", sa.String(255)),
    sa.Column("phone", sa.String(30)),
    sa.Column("country", sa.String(2)),
    choice("person", "contract_type", default="open-ended", nullable=False),
    defaulted("active", sa.Boolean, True),
    defaulted("archived", sa.Boolean, False),
    sa.Column("last_presence", sa.Date),
    sa.Column("desktop_login", sa.String(80)),
    defaulted("totp_enabled", sa.Boolean, False),
    defaulted("email_otp_enabled", sa.Boolean, False),
    defaulted("fido_enabled", sa.Boolean, False),
    choice("person", "preferred_two_factor_authentication"),
    sa.Column("shotgun_id", sa.Integer, unique=True),
    defaulted("timezone", sa.String(50), "Europe/Paris"),
    defaulted("locale", sa.String(10), "en_US"),
    defaulted("use_12_hour_clock", sa.Boolean, False),
    defaulted("display_date_format", sa.String(20), "YYYY-MM-DD"),
    sa.Column("data", postgresql.JSONB),
    choice("person", "role", default="user", nullable=False),
    choice("person", "position", default="artist"),
    choice("person", "seniority", default="mid"),
    defaulted("daily_salary", sa.Integer, 0),
    defaulted("has_avatar", sa.Boolean, False),
    defaulted("notifications_enabled", sa.Boolean, False),
    defaulted("notifications_slack_enabled", sa.Boolean, False),
    defaulted("notifications_slack_userid", sa.String(60), ""),
    defaulted("notifications_mattermost_enabled", sa.Boolean, False),
    defaulted("notifications_mattermost_userid", sa.String(60), ""),
    defaulted("notifications_discord_enabled", sa.Boolean, False),
    defaulted("notifications_discord_userid", sa.String(60), ""),
    defaulted("is_bot", sa.Boolean, False, nullable=False),
    defaulted("is_guest", sa.Boolean, False, nullable=False),
    fk("preview_project_id", "project.id", unique=True),
    sa.Column("preview_opened_at", sa.DateTime),
    sa.Column("preview_open_until", sa.DateTime),
    sa.Column("expiration_date", sa.Date),
    defaulted("is_generated_from_ldap", sa.Boolean, False),
    sa.Column("ldap_uid", sa.String(60), unique=True),
    sa.Column("oidc_issuer", sa.Text),
    sa.Column("oidc_subject", sa.String(255)),
    sa.Column("saml_issuer", sa.Text),
    sa.Column("saml_subject", sa.String(255)),
    fk("studio_id", "studio.id"),
    sa.Index("only_one_email_by_person", "email", "is_bot", unique=True),
    sa.UniqueConstraint("oidc_issuer", "oidc_subject", name="person_oidc_identity_uc"),
    sa.UniqueConstraint("saml_issuer", "saml_subject", name="person_saml_identity_uc"),
)

playlist = sa.Table(
    "playlist",
    metadata,
    *base_columns(),
    sa.Column("name", sa.String(80), nullable=False),
    sa.Column("shots", postgresql.JSONB),
    fk("project_id", "project.id"),
    fk("episode_id", "entity.id"),
    fk("task_type_id", "task_type.id"),
    defaulted("for_client", sa.Boolean, False, index=True),
    defaulted("for_entity", sa.String(10), "shot", index=True),
    defaulted("is_for_all", sa.Boolean, False),
    fk("created_by", "person.id"),
    sa.UniqueConstraint("name", "project_id", "episode_id", name="playlist_uc"),
)

playlist_share_link = sa.Table(
    "playlist_share_link",
    metadata,
    *base_columns(),
    sa.Column("token", sa.String(64), nullable=False, unique=True, index=True),
    fk("playlist_id", "playlist.id", nullable=False),
    fk("created_by", "person.id", nullable=False),
    sa.Column("expiration_date", sa.DateTime),
    defaulted("is_active", sa.Boolean, True, nullable=False),
    defaulted("can_comment", sa.Boolean, True, nullable=False),
    sa.Column("password", sa.String(255)),
    sa.Index("ix_playlist_share_link_playlist_active", "playlist_id", "is_active"),
)

plugin = sa.Table(
    "plugin",
    metadata,
    *base_columns(),
    sa.Column("plugin_id", sa.String(80), nullable=False, unique=True, index=True),
    sa.Column("name", sa.String(80), nullable=False, index=True),
    sa.Column("description", sa.Text),
    sa.Column("version", sa.String(50), nullable=False),
    sa.Column("maintainer_name", sa.String(200), nullable=False),
    sa.Column("maintainer_email", sa.String(255)),
    sa.Column("website", sa.Text),
    sa.Column("license", sa.String(80), nullable=False),
    sa.Column("revision", sa.String(12)),
    defaulted("frontend_project_enabled", sa.Boolean, False),
    defaulted("frontend_studio_enabled", sa.Boolean, False),
    sa.Column("icon", sa.String(255)),
)

preview_background_file = sa.Table(
    "preview_background_file",
    metadata,
    *base_columns(),
    sa.Column("name", sa.String(40), nullable=False),
    defaulted("archived", sa.Boolean, False),
    defaulted("is_default", sa.Boolean, False, index=True),
    sa.Column("original_name", sa.String(250)),
    sa.Column("extension", sa.String(6)),
    defaulted("file_size", sa.BigInteger, 0),
)

# The record is data's; media stores the bytes and reports size, dimensions and status
# back with events.
preview_file = sa.Table(
    "preview_file",
    metadata,
    *base_columns(),
    sa.Column("name", sa.String(250)),
    sa.Column("original_name", sa.String(250)),
    defaulted("revision", sa.Integer, 1),
    defaulted("position", sa.Integer, 1),
    sa.Column("extension", sa.String(6)),
    sa.Column("description", sa.Text),
    sa.Column("path", sa.String(400)),
    sa.Column("source", sa.String(40)),
    defaulted("file_size", sa.BigInteger, 0),
    choice("preview_file", "status", default="processing", nullable=False),
    choice("preview_file", "validation_status", default="neutral", nullable=False),
    sa.Column("annotations", postgresql.JSONB),
    defaulted("width", sa.Integer, 0),
    defaulted("height", sa.Integer, 0),
    defaulted("duration", sa.Float, 0.0),
    sa.Column("data", postgresql.JSONB),
    sa.Column("token_in", sa.Integer),
    sa.Column("token_out", sa.Integer),
    fk("task_id", "task.id"),
    fk("person_id", "person.id"),
    fk("source_file_id", "output_file.id"),
    sa.Column("shotgun_id", sa.Integer, unique=True),
    defaulted("is_movie", sa.Boolean, False),
    sa.Column("url", sa.String(600)),
    sa.Column("uploaded_movie_url", sa.String(600)),
    sa.Column("uploaded_movie_name", sa.String(150)),
    sa.UniqueConstraint("name", "task_id", "revision", name="preview_uc"),
)

production_schedule_version = sa.Table(
    "production_schedule_version",
    metadata,
    *base_columns(),
    sa.Column("name", sa.String(80), nullable=False),
    fk("project_id", "project.id", ondelete="CASCADE", nullable=False),
    fk("production_schedule_from", "production_schedule_version.id", ondelete="SET NULL"),
    defaulted("locked", sa.Boolean, False),
    defaulted("canceled", sa.Boolean, False),
    sa.UniqueConstraint("name", "project_id", name="production_schedule_version_uc"),
)

production_schedule_version_task_link = sa.Table(
    "production_schedule_version_task_link",
    metadata,
    *base_columns(),
    fk(
        "production_schedule_version_id",
        "production_schedule_version.id",
        ondelete="CASCADE",
        nullable=False,
    ),
    fk("task_id", "task.id", ondelete="CASCADE", nullable=False),
    sa.Column("start_date", sa.DateTime),
    sa.Column("due_date", sa.DateTime),
    defaulted("estimation", sa.Float, 0.0),
    sa.UniqueConstraint(
        "production_schedule_version_id",
        "task_id",
        name="production_schedule_version_task_link_uc",
    ),
)

production_schedule_version_task_link_person_link = sa.Table(
    "production_schedule_version_task_link_person_link",
    metadata,
    fk(
        "production_schedule_version_task_link_id",
        "production_schedule_version_task_link.id",
        ondelete="CASCADE",
        primary_key=True,
    ),
    fk("person_id", "person.id", ondelete="CASCADE", primary_key=True),
)

project = sa.Table(
    "project",
    metadata,
    *base_columns(),
    sa.Column("name", sa.String(80), nullable=False, unique=True, index=True),
    sa.Column("code", sa.String(80)),
    sa.Column("description", sa.Text),
    sa.Column("shotgun_id", sa.Integer),
    sa.Column("file_tree", postgresql.JSONB),
    sa.Column("data", postgresql.JSONB),
    defaulted("has_avatar", sa.Boolean, False),
    # Zou's default here is the integer 25 in a VARCHAR column; stored as "25" either way.
    defaulted("fps", sa.String(10), "25"),
    defaulted("ratio", sa.String(10), "16:9"),
    defaulted("resolution", sa.String(12), "1920x1080"),
    defaulted("production_type", sa.String(20), "short"),
    choice("project", "production_style", default="2d3d", nullable=False),
    sa.Column("start_date", sa.Date),
    sa.Column("end_date", sa.Date),
    sa.Column("man_days", sa.Integer),
    defaulted("nb_episodes", sa.Integer, 0),
    defaulted("episode_span", sa.Integer, 0),
    defaulted("max_retakes", sa.Integer, 0),
    defaulted("is_clients_isolated", sa.Boolean, False),
    defaulted("is_client_stats_visible", sa.Boolean, True),
    defaulted("is_client_task_list_visible", sa.Boolean, True),
    defaulted("is_client_task_panel_visible", sa.Boolean, True),
    defaulted("is_preview_download_allowed", sa.Boolean, False),
    defaulted("is_set_preview_automated", sa.Boolean, False),
    defaulted("homepage", sa.String(80), "assets"),
    defaulted("is_publish_default_for_artists", sa.Boolean, False),
    defaulted("is_bot_collaboration_enabled", sa.Boolean, False),
    defaulted("is_single_preview_per_revision", sa.Boolean, False),
    defaulted("is_frame_in_numbering", sa.Boolean, False),
    defaulted("revision_padding", sa.Integer, 0, nullable=False),
    sa.Column("hd_bitrate_compression", sa.Integer),
    sa.Column("ld_bitrate_compression", sa.Integer),
    fk("project_status_id", "project_status.id"),
    fk("default_preview_background_file_id", "preview_background_file.id"),
    # project <-> production_schedule_version is a cycle: this key is added after both tables.
    fk(
        "from_schedule_version_id",
        "production_schedule_version.id",
        ondelete="SET NULL",
        use_alter=True,
    ),
)

project_asset_type_link = sa.Table(
    "project_asset_type_link",
    metadata,
    fk("project_id", "project.id", primary_key=True),
    fk("asset_type_id", "entity_type.id", primary_key=True),
)

project_person_link = sa.Table(
    "project_person_link",
    metadata,
    fk("project_id", "project.id", primary_key=True),
    fk("person_id", "person.id", primary_key=True),
    sa.Column("shotgun_id", sa.Integer),
    choice("project_person_link", "role"),
)

project_preview_background_file_link = sa.Table(
    "project_preview_background_file_link",
    metadata,
    fk("project_id", "project.id", primary_key=True),
    fk("preview_background_file_id", "preview_background_file.id", primary_key=True),
)

project_status = sa.Table(
    "project_status",
    metadata,
    *base_columns(),
    sa.Column("name", sa.String(20), nullable=False, unique=True, index=True),
    sa.Column("color", sa.String(7), nullable=False),
)

project_status_automation_link = sa.Table(
    "project_status_automation_link",
    metadata,
    fk("project_id", "project.id", primary_key=True),
    fk("status_automation_id", "status_automation.id", primary_key=True),
)

project_task_status_link = sa.Table(
    "project_task_status_link",
    metadata,
    *base_columns(),
    fk("project_id", "project.id", primary_key=True),
    fk("task_status_id", "task_status.id", primary_key=True),
    sa.Column("priority", sa.Integer),
    roles_for_board(),
    sa.Column("is_client_allowed", sa.Boolean),
    sa.UniqueConstraint("project_id", "task_status_id", name="project_taskstatus_uc"),
)

project_task_type_link = sa.Table(
    "project_task_type_link",
    metadata,
    *base_columns(),
    fk("project_id", "project.id", primary_key=True),
    fk("task_type_id", "task_type.id", primary_key=True),
    sa.Column("priority", sa.Integer),
    sa.Column("hd_bitrate_compression", sa.Integer),
    sa.Column("ld_bitrate_compression", sa.Integer),
    defaulted("is_client_visible", sa.Boolean, True),
    sa.UniqueConstraint("project_id", "task_type_id", name="project_tasktype_uc"),
)

project_task_type_software_link = sa.Table(
    "project_task_type_software_link",
    metadata,
    *base_columns(),
    fk("project_id", "project.id", ondelete="CASCADE", primary_key=True),
    fk("task_type_id", "task_type.id", ondelete="CASCADE", primary_key=True),
    fk("software_id", "software.id", ondelete="CASCADE", primary_key=True),
    sa.UniqueConstraint(
        "project_id", "task_type_id", "software_id", name="project_task_type_software_uc"
    ),
)

project_template = sa.Table(
    "project_template",
    metadata,
    *base_columns(),
    sa.Column("name", sa.String(80), nullable=False, unique=True, index=True),
    sa.Column("description", sa.Text),
    defaulted("fps", sa.String(10), "25"),
    defaulted("ratio", sa.String(10), "16:9"),
    defaulted("resolution", sa.String(12), "1920x1080"),
    defaulted("production_type", sa.String(20), "short"),
    choice("project_template", "production_style", default="2d3d", nullable=False),
    defaulted("max_retakes", sa.Integer, 0),
    defaulted("is_clients_isolated", sa.Boolean, False),
    defaulted("is_client_stats_visible", sa.Boolean, True),
    defaulted("is_client_task_list_visible", sa.Boolean, True),
    defaulted("is_client_task_panel_visible", sa.Boolean, True),
    defaulted("is_preview_download_allowed", sa.Boolean, False),
    defaulted("is_set_preview_automated", sa.Boolean, False),
    defaulted("is_publish_default_for_artists", sa.Boolean, False),
    defaulted("is_single_preview_per_revision", sa.Boolean, False),
    defaulted("is_frame_in_numbering", sa.Boolean, False),
    defaulted("revision_padding", sa.Integer, 0, nullable=False),
    defaulted("homepage", sa.String(80), "assets"),
    sa.Column("hd_bitrate_compression", sa.Integer),
    sa.Column("ld_bitrate_compression", sa.Integer),
    sa.Column("file_tree", postgresql.JSONB),
    sa.Column("data", postgresql.JSONB),
    defaulted("metadata_descriptors", postgresql.JSONB, []),
    fk("default_preview_background_file_id", "preview_background_file.id"),
)

project_template_asset_type_link = sa.Table(
    "project_template_asset_type_link",
    metadata,
    fk("project_template_id", "project_template.id", primary_key=True),
    fk("asset_type_id", "entity_type.id", primary_key=True),
)

project_template_preview_background_file_link = sa.Table(
    "project_template_preview_background_file_link",
    metadata,
    fk("project_template_id", "project_template.id", primary_key=True),
    fk("preview_background_file_id", "preview_background_file.id", primary_key=True),
)

project_template_status_automation_link = sa.Table(
    "project_template_status_automation_link",
    metadata,
    fk("project_template_id", "project_template.id", primary_key=True),
    fk("status_automation_id", "status_automation.id", primary_key=True),
)

project_template_task_status_link = sa.Table(
    "project_template_task_status_link",
    metadata,
    *base_columns(),
    fk("project_template_id", "project_template.id", primary_key=True),
    fk("task_status_id", "task_status.id", primary_key=True),
    sa.Column("priority", sa.Integer),
    roles_for_board(),
    sa.Column("is_client_allowed", sa.Boolean),
    sa.UniqueConstraint(
        "project_template_id", "task_status_id", name="project_template_taskstatus_uc"
    ),
)

project_template_task_type_link = sa.Table(
    "project_template_task_type_link",
    metadata,
    *base_columns(),
    fk("project_template_id", "project_template.id", primary_key=True),
    fk("task_type_id", "task_type.id", primary_key=True),
    sa.Column("priority", sa.Integer),
    sa.Column("hd_bitrate_compression", sa.Integer),
    sa.Column("ld_bitrate_compression", sa.Integer),
    defaulted("is_client_visible", sa.Boolean, True),
    sa.UniqueConstraint("project_template_id", "task_type_id", name="project_template_tasktype_uc"),
)

salary_scale = sa.Table(
    "salary_scale",
    metadata,
    *base_columns(),
    fk("department_id", "department.id", ondelete="CASCADE", nullable=False),
    choice("salary_scale", "position", default="artist"),
    choice("salary_scale", "seniority", default="mid"),
    defaulted("salary", sa.Integer, 0, nullable=False),
)

schedule_item = sa.Table(
    "schedule_item",
    metadata,
    *base_columns(),
    sa.Column("start_date", sa.Date),
    sa.Column("end_date", sa.Date),
    sa.Column("man_days", sa.Integer),
    fk("project_id", "project.id"),
    fk("task_type_id", "task_type.id"),
    sa.Column("object_id", sa.Uuid, index=True),
    sa.UniqueConstraint("project_id", "task_type_id", "object_id", name="schedule_item_uc"),
)

search_filter = sa.Table(
    "search_filter",
    metadata,
    *base_columns(),
    sa.Column("list_type", sa.String(80), nullable=False, index=True),
    sa.Column("entity_type", sa.String(80)),
    defaulted("name", sa.String(200), "", nullable=False),
    defaulted("search_query", sa.String(500), "", nullable=False),
    defaulted("is_shared", sa.Boolean, False, nullable=False),
    fk("department_id", "department.id"),
    fk("search_filter_group_id", "search_filter_group.id"),
    fk("person_id", "person.id"),
    fk("project_id", "project.id"),
)

search_filter_group = sa.Table(
    "search_filter_group",
    metadata,
    *base_columns(),
    sa.Column("list_type", sa.String(80), nullable=False, index=True),
    sa.Column("entity_type", sa.String(80)),
    defaulted("name", sa.String(200), "", nullable=False),
    defaulted("color", sa.String(8), "", nullable=False),
    defaulted("is_shared", sa.Boolean, False, nullable=False),
    fk("person_id", "person.id"),
    fk("project_id", "project.id"),
    fk("department_id", "department.id"),
)

software = sa.Table(
    "software",
    metadata,
    *base_columns(),
    sa.Column("name", sa.String(40), nullable=False, unique=True),
    sa.Column("short_name", sa.String(20), nullable=False),
    defaulted("archived", sa.Boolean, False),
    sa.Column("version", sa.String(20)),
    sa.Column("file_extension", sa.String(20), nullable=False),
    sa.Column("secondary_extensions", postgresql.JSONB),
    defaulted("monthly_cost", sa.Integer, 0),
    defaulted("inventory_amount", sa.Integer, 0),
)

software_department_link = sa.Table(
    "software_department_link",
    metadata,
    *base_columns(),
    fk("department_id", "department.id", primary_key=True),
    fk("software_id", "software.id", primary_key=True),
    sa.UniqueConstraint("department_id", "software_id", name="software_department_link_uc"),
)

status_automation = sa.Table(
    "status_automation",
    metadata,
    *base_columns(),
    defaulted("entity_type", sa.String(40), "asset"),
    fk("in_task_type_id", "task_type.id"),
    fk("in_task_status_id", "task_status.id"),
    choice("status_automation", "out_field_type", default="status", nullable=False),
    fk("out_task_type_id", "task_type.id"),
    fk("out_task_status_id", "task_status.id"),
    defaulted("import_last_revision", sa.Boolean, False),
    defaulted("archived", sa.Boolean, False),
)

studio = sa.Table(
    "studio",
    metadata,
    *base_columns(),
    sa.Column("name", sa.String(80), nullable=False, unique=True),
    sa.Column("color", sa.String(7), nullable=False),
    defaulted("archived", sa.Boolean, False),
)

subscription = sa.Table(
    "subscription",
    metadata,
    *base_columns(),
    fk("person_id", "person.id", nullable=False),
    fk("task_id", "task.id"),
    fk("entity_id", "entity.id"),
    fk("task_type_id", "task_type.id"),
    sa.UniqueConstraint("person_id", "task_id", name="subscription_task_uc"),
    sa.UniqueConstraint("person_id", "task_type_id", "entity_id", name="subscription_entity_uc"),
)

task = sa.Table(
    "task",
    metadata,
    *base_columns(),
    sa.Column("name", sa.String(80), nullable=False),
    sa.Column("description", sa.Text),
    defaulted("priority", sa.Integer, 0),
    defaulted("difficulty", sa.Integer, 3, nullable=False),
    defaulted("duration", sa.Float, 0.0),
    defaulted("estimation", sa.Float, 0.0),
    defaulted("completion_rate", sa.Integer, 0),
    defaulted("retake_count", sa.Integer, 0),
    defaulted("sort_order", sa.Integer, 0),
    sa.Column("start_date", sa.DateTime),
    sa.Column("due_date", sa.DateTime),
    sa.Column("real_start_date", sa.DateTime),
    sa.Column("end_date", sa.DateTime),
    sa.Column("done_date", sa.DateTime),
    sa.Column("last_comment_date", sa.DateTime),
    defaulted("nb_assets_ready", sa.Integer, 0),
    sa.Column("data", postgresql.JSONB),
    defaulted("nb_drawings", sa.Integer, 0),
    sa.Column("shotgun_id", sa.Integer),
    sa.Column("last_preview_file_id", sa.Uuid),  # -> preview_file.id; no key in Zou
    fk("project_id", "project.id"),
    fk("task_type_id", "task_type.id"),
    fk("task_status_id", "task_status.id"),
    fk("entity_id", "entity.id"),
    fk("assigner_id", "person.id"),
    sa.UniqueConstraint("name", "project_id", "task_type_id", "entity_id", name="task_uc"),
    sa.CheckConstraint("difficulty > 0 AND difficulty < 6", name="check_difficulty"),
    sa.Index("ix_task_entity_project", "entity_id", "project_id"),
)

task_person_link = sa.Table(
    "task_person_link",
    metadata,
    fk("task_id", "task.id", primary_key=True),
    fk("person_id", "person.id", primary_key=True),
)

task_status = sa.Table(
    "task_status",
    metadata,
    *base_columns(),
    sa.Column("name", sa.String(40), nullable=False),
    defaulted("archived", sa.Boolean, False),
    sa.Column("short_name", sa.String(10), nullable=False, unique=True, index=True),
    sa.Column("description", sa.Text),
    sa.Column("color", sa.String(7), nullable=False),
    defaulted("priority", sa.Integer, 1),
    defaulted("is_done", sa.Boolean, False, index=True),
    defaulted("is_artist_allowed", sa.Boolean, True),
    defaulted("is_client_allowed", sa.Boolean, True),
    defaulted("is_retake", sa.Boolean, False),
    defaulted("is_feedback_request", sa.Boolean, False, index=True),
    defaulted("is_default", sa.Boolean, False, index=True),
    defaulted("is_wip", sa.Boolean, False, index=True),
    sa.Column("shotgun_id", sa.Integer),
    defaulted("for_concept", sa.Boolean, False),
)

task_type = sa.Table(
    "task_type",
    metadata,
    *base_columns(),
    sa.Column("name", sa.String(40), nullable=False),
    sa.Column("short_name", sa.String(20)),
    sa.Column("description", sa.Text),
    defaulted("color", sa.String(7), "#FFFFFF"),
    defaulted("priority", sa.Integer, 1),
    defaulted("for_entity", sa.String(30), "Asset"),
    defaulted("allow_timelog", sa.Boolean, True),
    defaulted("archived", sa.Boolean, False),
    sa.Column("shotgun_id", sa.Integer, index=True),
    fk("department_id", "department.id"),
    sa.UniqueConstraint("name", "for_entity", "department_id", name="task_type_uc"),
)

# Zou also declares UNIQUE task_type_asset_type_link_uc on the primary key's columns.
# PostgreSQL drops such a duplicate, so declaring it would only make autogenerate
# re-add it each time.
task_type_asset_type_link = sa.Table(
    "task_type_asset_type_link",
    metadata,
    fk("asset_type_id", "entity_type.id", primary_key=True),
    fk("task_type_id", "task_type.id", primary_key=True),
)

time_spent = sa.Table(
    "time_spent",
    metadata,
    *base_columns(),
    sa.Column("duration", sa.Float, nullable=False),
    sa.Column("date", sa.Date, nullable=False),
    fk("task_id", "task.id"),
    fk("person_id", "person.id"),
    sa.UniqueConstraint("person_id", "task_id", "date", name="time_spent_uc"),
    sa.CheckConstraint("duration > 0", name="check_duration_positive"),
)

working_file = sa.Table(
    "working_file",
    metadata,
    *base_columns(),
    sa.Column("shotgun_id", sa.Integer, index=True),
    sa.Column("name", sa.String(250)),
    sa.Column("description", sa.Text),
    sa.Column("comment", sa.Text),
    sa.Column("revision", sa.Integer),
    sa.Column("size", sa.Integer),
    sa.Column("checksum", sa.Integer),
    sa.Column("path", sa.String(400)),
    sa.Column("data", postgresql.JSONB),
    choice("working_file", "validation_status", default="neutral", nullable=False),
    fk("task_id", "task.id"),
    fk("entity_id", "entity.id"),
    fk("person_id", "person.id"),
    fk("software_id", "software.id"),
    sa.UniqueConstraint("name", "task_id", "entity_id", "revision", name="working_file_uc"),
)

outbox, inbox = event_tables(metadata)
