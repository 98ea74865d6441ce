"""The generic `/data/<model>` resources, one declaration each, read by the CRUD engine.

Access follows Zou 1.0.97's per-model overrides of its generic resources: the default
for every action is admin-only; shared vocabularies (statuses, types, departments...)
are readable by everyone; production objects are readable by their project's team.
"""

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from libs.common import permissions as p
from libs.common.errors import WrongParameter
from services.data import tables as t
from services.data.crud import credentials
from services.data.store import day_offs, project_hooks


@dataclass(frozen=True)
class Relation:
    """A many-to-many list of ids, serialized with `relations=true`, filterable and
    writable as a list of ids."""

    link: sa.Table
    own: str
    other: str


@dataclass(frozen=True)
class ProjectOf:
    """Where a row's project is: its own column, or the `project_id` of the row that
    `column` points to in `via`."""

    column: str
    via: sa.Table | None = None


@dataclass(frozen=True)
class Access:
    list: p.Rule = p.ADMIN
    read: p.Rule = p.ADMIN
    create: p.Rule = p.ADMIN
    update: p.Rule = p.ADMIN
    delete: p.Rule = p.ADMIN


@dataclass
class Model:
    path: str
    table: sa.Table
    type_name: str
    access: Access = field(default_factory=Access)
    relations: dict[str, Relation] = field(default_factory=dict)
    project: ProjectOf | None = None
    owner: str | None = None
    # Never returned and never filterable (credentials, SSO identities).
    hidden: frozenset[str] = frozenset()
    # Returned and filterable for admins only.
    admin_fields: frozenset[str] = frozenset()
    # Silently dropped from writes, as Zou drops id/created_at/updated_at.
    protected: frozenset[str] = frozenset()
    # Extra checks on a create/update body: (values, creating) -> values; raise WrongParameter.
    validate: Callable[[dict[str, Any], bool], dict[str, Any]] | None = None
    # Zou's event prefix and id key; entities and entity types relabel theirs.
    event_prefix: str | None = None
    # Fields only admins may write; dropped from others' bodies (a person editing self).
    admin_writes: frozenset[str] = frozenset()
    # Values filled on create when the body has none: name -> (caller) -> value or SQL.
    create_defaults: dict[str, Callable[[p.Caller], Any]] = field(default_factory=dict)
    # The fields a non-admin caller sees (None: every readable column).
    view: Callable[[p.Caller], tuple[str, ...] | None] | None = None
    # The fields a non-admin caller may filter on (None: every readable field).
    filter_view: Callable[[p.Caller], tuple[str, ...] | None] | None = None
    # An extra narrowing of lists for some callers (SQL condition or None).
    list_filter: Callable[[p.Caller], Any] | None = None
    only_create: bool = False
    # Body keys taken out before the write and handed to the hooks (Zou's
    # `project_template_id` on a new project).
    hook_keys: frozenset[str] = frozenset()
    # Run in the write's transaction after the row is written: (conn, outbox, caller,
    # row, hook values) -> extra fields merged into the answer (e.g. `first_episode_id`).
    after_create: Callable[..., Awaitable[dict]] | None = None
    after_update: Callable[..., Awaitable[dict]] | None = None
    # Run once the write has committed, for calls to other services: (app state, action
    # "new"/"update"/"delete", row, request body) -> extra fields merged into the answer.
    after_commit: Callable[..., Awaitable[dict]] | None = None

    @property
    def event_name(self) -> str:
        return self.event_prefix or self.table.name.replace("_", "-")

    @property
    def id_key(self) -> str:
        return f"{self.table.name}_id"


def _hex_color(*names: str):
    def check(values: dict, creating: bool) -> dict:
        for name in names:
            value = values.get(name)
            if value is not None and (
                not isinstance(value, str) or len(value) != 7 or not value.startswith("#")
            ):
                raise WrongParameter(f"{name} must be a colour like #ff0000", field=name)
        return values

    return check


def _person_checks(values: dict, creating: bool) -> dict:
    # A password in a new person's body goes to auth once the person exists (Zou hashes
    # it on create); on update Zou drops it.
    password = values.get("password")
    if creating and password is not None and not isinstance(password, str):
        raise WrongParameter("Password must be a string.", field="password")
    expires = values.get("expiration_date")
    if creating and isinstance(expires, str) and expires[:10] < dt.date.today().isoformat():
        raise WrongParameter("Expiration date can't be in the past.", field="expiration_date")
    email = values.get("email")
    if email is not None:
        if not isinstance(email, str) or "@" not in email.strip():
            raise WrongParameter("Email is not valid.", field="email")
        values["email"] = email.strip()
    return values


def _salary_scale_checks(values: dict, creating: bool) -> dict:
    if creating:
        raise WrongParameter("Salary scales cannot be created")
    return values


PERSON_MINIMAL = (
    "id",
    "first_name",
    "last_name",
    "full_name",
    "has_avatar",
    "active",
    "departments",
    "studio_id",
    "role",
    "desktop_login",
    "is_bot",
)
PERSON_CLIENT = tuple(
    f for f in PERSON_MINIMAL if f not in ("departments", "studio_id", "desktop_login")
)
# Zou lets every user look people up by email (gazu.person.get_person_by_email).
PERSON_FILTERS = (*PERSON_MINIMAL, "email", "is_guest")


def _person_view(caller: p.Caller) -> tuple[str, ...] | None:
    if caller.user.has_at_least("manager"):
        return None
    return PERSON_CLIENT if caller.role == "client" else PERSON_MINIMAL


def _person_list_filter(caller: p.Caller):
    # Preview accounts are not people of the studio; clients see their teams only.
    condition = t.person.c.preview_project_id.is_(None)
    if caller.role == "client":
        link = t.project_person_link
        team = sa.select(link.c.person_id).where(link.c.project_id.in_(list(caller.projects)))
        condition = condition & t.person.c.id.in_(team)
    return condition


def _open_status(caller: p.Caller):
    status = t.project_status
    return sa.select(status.c.id).where(status.c.name == "Open").limit(1).scalar_subquery()


TEAM_READ = p.TEAM_MEMBER
# Zou lets the team see a production's objects; vendors and clients get less.
TEAM_STAFF = p.STAFF & p.TEAM_MEMBER

ENTITY_PROJECT = ProjectOf("project_id")
VIA_TASK = lambda column: ProjectOf(column, t.task)  # noqa: E731
VIA_ENTITY = lambda column: ProjectOf(column, t.entity)  # noqa: E731

PERSON_SECRETS = frozenset({"oidc_issuer", "oidc_subject", "saml_issuer", "saml_subject"})
PERSON_PREVIEW = frozenset({"preview_project_id", "preview_opened_at", "preview_open_until"})
ORGANISATION_SECRETS = frozenset(
    {"chat_token_slack", "chat_webhook_mattermost", "chat_token_discord"}
)

VOCABULARY = Access(list=p.ANYONE, read=p.ANYONE)

MODELS: list[Model] = [
    Model(
        "asset-instances",
        t.asset_instance,
        "AssetInstance",
        Access(read=TEAM_READ, update=TEAM_READ),
        project=VIA_ENTITY("asset_id"),
    ),
    Model("attachment-files", t.attachment_file, "AttachmentFile"),
    Model("budgets", t.budget, "Budget", project=ProjectOf("project_id")),
    Model(
        "budget-entries",
        t.budget_entry,
        "BudgetEntry",
        project=ProjectOf("budget_id", t.budget),
    ),
    Model(
        "chats",
        t.chat,
        "Chat",
        relations={"participants": Relation(t.chat_participant, "chat_id", "person_id")},
    ),
    Model("chat-messages", t.chat_message, "ChatMessage", owner="person_id"),
    Model(
        "comments",
        t.comment,
        "Comment",
        Access(
            read=TEAM_READ,
            update=p.OWNER | p.TEAM_MANAGER,
            delete=p.OWNER | p.TEAM_MANAGER,
        ),
        relations={
            "mentions": Relation(t.comment_mentions, "comment", "person"),
            "department_mentions": Relation(t.comment_department_mentions, "comment", "department"),
            "acknowledgements": Relation(t.comment_acknoledgments, "comment", "person"),
            "previews": Relation(t.comment_preview_link, "comment", "preview_file"),
        },
        project=VIA_TASK("object_id"),
        owner="person_id",
    ),
    Model("custom-actions", t.custom_action, "CustomAction", Access(list=p.ANYONE)),
    Model(
        "day-offs",
        t.day_off,
        "DayOff",
        Access(
            read=p.ADMIN | p.OWNER,
            create=p.ADMIN | p.OWNER,
            update=p.ADMIN | p.OWNER,
            delete=p.ADMIN | p.OWNER,
        ),
        owner="person_id",
        after_create=day_offs.after_write,
        after_update=day_offs.after_write,
    ),
    Model("departments", t.department, "Department", VOCABULARY, validate=_hex_color("color")),
    Model(
        "entities",
        t.entity,
        "Entity",
        Access(
            list=p.TEAM_MEMBER,
            read=TEAM_READ,
            create=p.TEAM_MANAGER,
            update=p.TEAM_SUPERVISOR,
            delete=p.TEAM_MANAGER | p.OWNER,
        ),
        relations={
            "entities_out": Relation(t.entity_link, "entity_in_id", "entity_out_id"),
            "entity_concept_links": Relation(
                t.entity_concept_link, "entity_in_id", "entity_out_id"
            ),
            "instance_casting": Relation(t.asset_instance_link, "entity_id", "asset_instance_id"),
        },
        project=ENTITY_PROJECT,
        owner="created_by",
        create_defaults={"created_by": lambda caller: caller.user.id},
    ),
    Model("entity-links", t.entity_link, "EntityLink", project=VIA_ENTITY("entity_in_id")),
    Model(
        "entity-types",
        t.entity_type,
        "EntityType",
        VOCABULARY,
        relations={
            "task_types": Relation(t.task_type_asset_type_link, "asset_type_id", "task_type_id")
        },
        event_prefix="asset-type",
    ),
    Model("events", t.api_event, "ApiEvent", project=ProjectOf("project_id")),
    Model("file-status", t.file_status, "FileStatus", VOCABULARY, validate=_hex_color("color")),
    Model("hardware-items", t.hardware_item, "HardwareItem"),
    Model(
        "metadata-descriptors",
        t.metadata_descriptor,
        "MetadataDescriptor",
        Access(list=p.TEAM_MEMBER),
        relations={
            "departments": Relation(
                t.department_metadata_descriptor_link, "metadata_descriptor_id", "department_id"
            )
        },
        project=ProjectOf("project_id"),
    ),
    Model(
        "milestones",
        t.milestone,
        "Milestone",
        Access(read=TEAM_READ, create=p.TEAM_MANAGER, update=p.TEAM_MANAGER, delete=p.TEAM_MANAGER),
        project=ProjectOf("project_id"),
    ),
    Model("news", t.news, "News", project=VIA_TASK("task_id")),
    Model("notifications", t.notification, "Notification", owner="person_id"),
    Model(
        "organisations",
        t.organisation,
        "Organisation",
        VOCABULARY,
        admin_fields=ORGANISATION_SECRETS,
    ),
    Model(
        "output-files",
        t.output_file,
        "OutputFile",
        Access(list=p.NOT_VENDOR & p.TEAM_MEMBER, read=TEAM_READ, update=p.TEAM_MANAGER),
        project=VIA_ENTITY("entity_id"),
    ),
    Model("output-types", t.output_type, "OutputType", VOCABULARY),
    Model(
        "persons",
        t.person,
        "Person",
        Access(list=p.ANYONE, read=p.ANYONE, update=p.ADMIN | p.OWNER),
        relations={"departments": Relation(t.department_link, "person_id", "department_id")},
        owner="id",
        hidden=PERSON_SECRETS,
        protected=PERSON_PREVIEW | {"password"},
        admin_writes=frozenset(
            {"role", "departments", "is_bot", "active", "archived", "studio_id", "email"}
        ),
        validate=_person_checks,
        view=_person_view,
        filter_view=lambda caller: None if caller.user.has_at_least("manager") else PERSON_FILTERS,
        list_filter=_person_list_filter,
        after_commit=credentials.after_person_write,
    ),
    Model(
        "playlists",
        t.playlist,
        "Playlist",
        Access(
            list=p.TEAM_MEMBER,
            read=TEAM_READ,
            create=p.TEAM_SUPERVISOR,
            update=p.TEAM_SUPERVISOR,
            delete=p.TEAM_SUPERVISOR,
        ),
        project=ProjectOf("project_id"),
    ),
    Model("plugins", t.plugin, "Plugin"),
    Model(
        "preview-background-files",
        t.preview_background_file,
        "PreviewBackgroundFile",
        VOCABULARY,
    ),
    Model(
        "preview-files",
        t.preview_file,
        "PreviewFile",
        Access(list=p.TEAM_MEMBER, read=TEAM_READ, update=p.TEAM_MANAGER),
        project=VIA_TASK("task_id"),
    ),
    Model(
        "production-schedule-versions",
        t.production_schedule_version,
        "ProductionScheduleVersion",
        Access(
            list=p.ADMIN,
            read=TEAM_STAFF,
            create=p.TEAM_MANAGER,
            update=p.TEAM_MANAGER,
            delete=p.TEAM_MANAGER,
        ),
        project=ProjectOf("project_id"),
    ),
    Model(
        "production-schedule-version-task-links",
        t.production_schedule_version_task_link,
        "ProductionScheduleVersionTaskLink",
        Access(
            list=p.ADMIN,
            read=TEAM_STAFF,
            create=p.TEAM_MANAGER,
            update=p.TEAM_MANAGER,
            delete=p.TEAM_MANAGER,
        ),
        relations={
            "assignees": Relation(
                t.production_schedule_version_task_link_person_link,
                "production_schedule_version_task_link_id",
                "person_id",
            )
        },
        project=ProjectOf("production_schedule_version_id", t.production_schedule_version),
    ),
    Model(
        "project-status",
        t.project_status,
        "ProjectStatus",
        VOCABULARY,
        validate=_hex_color("color"),
    ),
    Model(
        "project-templates",
        t.project_template,
        "ProjectTemplate",
        Access(list=p.MANAGER, read=p.MANAGER),
        relations={
            "task_types": Relation(
                t.project_template_task_type_link, "project_template_id", "task_type_id"
            ),
            "task_statuses": Relation(
                t.project_template_task_status_link, "project_template_id", "task_status_id"
            ),
            "asset_types": Relation(
                t.project_template_asset_type_link, "project_template_id", "asset_type_id"
            ),
            "status_automations": Relation(
                t.project_template_status_automation_link,
                "project_template_id",
                "status_automation_id",
            ),
            "preview_background_files": Relation(
                t.project_template_preview_background_file_link,
                "project_template_id",
                "preview_background_file_id",
            ),
        },
    ),
    Model(
        "projects",
        t.project,
        "Project",
        Access(list=p.TEAM_MEMBER, read=TEAM_READ, update=p.TEAM_MANAGER),
        relations={
            "team": Relation(t.project_person_link, "project_id", "person_id"),
            "asset_types": Relation(t.project_asset_type_link, "project_id", "asset_type_id"),
            "task_statuses": Relation(t.project_task_status_link, "project_id", "task_status_id"),
            "task_types": Relation(t.project_task_type_link, "project_id", "task_type_id"),
            "status_automations": Relation(
                t.project_status_automation_link, "project_id", "status_automation_id"
            ),
            "preview_background_files": Relation(
                t.project_preview_background_file_link,
                "project_id",
                "preview_background_file_id",
            ),
        },
        project=ProjectOf("id"),
        create_defaults={"project_status_id": _open_status},
        after_create=project_hooks.after_create,
        after_update=project_hooks.after_update,
    ),
    Model(
        "salary-scales",
        t.salary_scale,
        "SalaryScale",
        validate=_salary_scale_checks,
    ),
    Model(
        "schedule-items",
        t.schedule_item,
        "ScheduleItem",
        Access(create=p.TEAM_MANAGER, update=p.TEAM_SUPERVISOR, delete=p.TEAM_MANAGER),
        project=ProjectOf("project_id"),
    ),
    Model("search-filter-groups", t.search_filter_group, "SearchFilterGroup", owner="person_id"),
    Model("search-filters", t.search_filter, "SearchFilter", owner="person_id"),
    Model("softwares", t.software, "Software", VOCABULARY),
    Model(
        "status-automations",
        t.status_automation,
        "StatusAutomation",
        Access(list=p.NOT_VENDOR),
    ),
    Model("studios", t.studio, "Studio", VOCABULARY, validate=_hex_color("color")),
    Model("subscriptions", t.subscription, "Subscription", owner="person_id"),
    Model("task-status", t.task_status, "TaskStatus", VOCABULARY, validate=_hex_color("color")),
    Model(
        "task-types",
        t.task_type,
        "TaskType",
        VOCABULARY,
        validate=_hex_color("color"),
    ),
    Model(
        "tasks",
        t.task,
        "Task",
        Access(
            list=p.TEAM_MEMBER,
            read=TEAM_READ,
            update=p.TEAM_SUPERVISOR,
            delete=p.TEAM_MANAGER,
        ),
        relations={"assignees": Relation(t.task_person_link, "task_id", "person_id")},
        project=ProjectOf("project_id"),
    ),
    Model(
        "time-spents",
        t.time_spent,
        "TimeSpent",
        Access(delete=p.ADMIN | p.OWNER),
        project=VIA_TASK("task_id"),
        owner="person_id",
    ),
    Model(
        "working-files",
        t.working_file,
        "WorkingFile",
        Access(list=p.NOT_VENDOR & p.TEAM_MEMBER, read=TEAM_READ, update=TEAM_READ),
        project=VIA_TASK("task_id"),
    ),
    Model(
        "task-status-links",
        t.project_task_status_link,
        "ProjectTaskStatusLink",
        project=ProjectOf("project_id"),
        only_create=True,
    ),
    Model(
        "task-type-links",
        t.project_task_type_link,
        "ProjectTaskTypeLink",
        project=ProjectOf("project_id"),
        only_create=True,
    ),
]

BY_PATH = {model.path: model for model in MODELS}
