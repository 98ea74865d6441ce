"""A production's file tree: paths and names rendered from its templates, and paths read
back into the templates' tokens. Pure logic; the rows it needs come from store.file_paths.

A tree maps a mode ("working", "output", ...) to a mountpoint, a root, and `folder_path` /
`file_name` templates per kind of entity, with `<Token>` or `<Token.field>` placeholders."""

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from libs.common.errors import WrongParameter

FIELDS = {"short_name", "name", "number", "id"}
UUID = re.compile(r"[a-f0-9]{8}-[a-f0-9]{4}-4[a-f0-9]{3}-[89aAbB][a-f0-9]{3}-[a-f0-9]{12}")
TOKEN = re.compile(r"<([\w\.]*)>")
TEMPORAL_KINDS = ("Shot", "Sequence", "Scene", "Episode")


class MalformedTree(WrongParameter):
    """Zou answers 400 when a tree lacks what a path needs."""


@dataclass
class Context:
    """What the tokens of one path read: rows as dicts (id, name, short_name, ...)."""

    project: dict
    entity: dict
    kind: str  # the entity's type name: Shot, Sequence, Scene, Episode, or an asset type
    entity_type: dict
    sequence: dict | None = None
    episode: dict | None = None
    task: dict | None = None
    task_type: dict | None = None
    department: dict | None = None
    software: dict | None = None
    output_type: dict | None = None
    asset: dict | None = None
    asset_type: dict | None = None
    asset_instance: dict | None = None
    name: str = ""
    representation: str = ""
    revision: int = 1
    defaults: dict = field(default_factory=dict)  # software / output type when none given


def slugify(text: Any, separator: str = "_") -> str:
    """python-slugify's default rules: ASCII, lower case, every run of other characters
    (dashes and underscores included) becomes one separator, none at the ends."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    text = text.lower().replace("'", "").replace('"', "")
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text.replace("-", separator)


def apply_style(text: str, style: str) -> str:
    if style == "uppercase":
        return text.upper()
    if style == "lowercase":
        return text.lower()
    return text


def _mode(tree: dict | None, mode: str) -> dict:
    if tree is None:
        raise MalformedTree("No tree can be found for given project.")
    if mode not in tree:
        raise MalformedTree(f"Mode {mode} cannot be found on given tree.")
    return tree[mode]


def root_path(tree: dict | None, mode: str, sep: str) -> str:
    branch = _mode(tree, mode)
    try:
        mountpoint, root = branch["mountpoint"], branch["root"]
    except (KeyError, TypeError):
        raise MalformedTree(f"Can't find given mode ({mode}) in given tree.") from None
    return f"{mountpoint}{sep}{root}{sep}" if root else f"{mountpoint}{sep}"


def _template(tree: dict, mode: str, ctx: Context, section: str) -> str:
    if ctx.asset_instance is not None:
        key = "instance_asset" if ctx.asset_instance.get("target_asset_id") else "instance"
    elif ctx.kind in TEMPORAL_KINDS:
        key = ctx.kind.lower()
    else:
        key = "asset"
    try:
        return tree[mode][section][key]
    except (KeyError, TypeError):
        raise MalformedTree("") from None


def _style(tree: dict, mode: str, section: str) -> str:
    return (tree[mode].get(section) or {}).get("style", "")


def _value(token: str, attr: str, ctx: Context) -> Any:
    """What one token stands for; None leaves the token as written."""
    if token == "Project":
        return ctx.project[attr]
    if token == "Task":
        return ctx.task[attr] if ctx.task else None
    if token == "TaskType":
        return ctx.task_type[attr] if ctx.task_type else ""
    if token == "Department":
        return ctx.department[attr] if ctx.department else ""
    if token in ("Shot", "TemporalEntity"):
        return ctx.entity[attr]
    if token == "TemporalEntityType":
        return str(ctx.entity_type[attr]).lower()
    if token == "AssetType":
        return (ctx.asset_type or ctx.entity_type)[attr]
    if token == "Asset":
        source = ctx.asset or ctx.entity
        return source[attr]
    if token == "Sequence":
        name = str(ctx.sequence[attr]) if ctx.sequence else ""
        # Zou files SeqN under S00N.
        return f"S{name[3:].zfill(3)}" if "Seq" in name else name
    if token == "Episode":
        return ctx.episode[attr] if ctx.episode and ctx.episode.get(attr) else "e001"
    if token == "Scene":
        return ctx.entity[attr]
    if token == "Software":
        return (ctx.software or ctx.defaults["software"])[attr]
    if token == "OutputType":
        return str((ctx.output_type or ctx.defaults["output_type"])[attr]).lower()
    if token == "Instance":
        if ctx.asset_instance is None:
            return ""
        number = str(ctx.asset_instance.get("number") or 0).zfill(4)
        if attr == "name":
            return ctx.asset_instance.get("name") or number
        return number
    if token == "Representation":
        return ctx.representation
    if token in ("Name", "OutputFile", "WorkingFile"):
        return ctx.name
    if token in ("Version", "Revision"):
        return str(ctx.revision).zfill(3)
    raise MalformedTree(f"Unknown data type: {token}.")


def _fill(template: str, ctx: Context, style: str) -> str:
    out = template
    for variable in TOKEN.findall(template):
        token, _, attr = variable.partition(".")
        attr = attr if attr in FIELDS else "name"
        found = _value(token, attr, ctx)
        if found is not None:
            text = str(found) if attr == "id" else apply_style(slugify(found), style)
            out = out.replace(f"<{variable}>", text)
    return out


def needs(tree: dict | None, mode: str, token: str) -> bool:
    """Whether a mode's templates use a token (Zou creates defaults only then)."""
    try:
        return f"<{token}" in str(tree[mode])
    except (KeyError, TypeError):
        return False


def folder_path(tree: dict | None, mode: str, ctx: Context, sep: str = "/") -> str:
    root = root_path(tree, mode, sep)
    rendered = _fill(
        _template(tree, mode, ctx, "folder_path"), ctx, _style(tree, mode, "folder_path")
    )
    rendered = rendered.replace("/", sep)
    return join(root, rendered, "")


def file_name(tree: dict | None, mode: str, ctx: Context, nb_elements: int = 1) -> str:
    _mode(tree, mode)
    rendered = _fill(_template(tree, mode, ctx, "file_name"), ctx, "lowercase")
    style = _style(tree, mode, "file_name")
    kept = UUID.findall(rendered)
    rendered = apply_style(slugify(rendered), style)
    for found in kept:
        rendered = rendered.replace(apply_style(slugify(found), style), found)
    if nb_elements > 1:
        rendered += f"_[1-{nb_elements}]"
    return rendered


def join(left: str, right: str, sep: str) -> str:
    if left == "":
        return right
    if right == "":
        return left
    return f"{left}{sep}{right}"


# --- Reading a path back --------------------------------------------------------------

SEGMENT_TOKEN = re.compile(r"(?P<prefix>\w*)<(?P<token>\w*)>(?P<suffix>\w*)")


class NoMatch(Exception):
    pass


def path_tokens(elements: list[str], template_elements: list[str]) -> dict[str, str]:
    """Each template token's value at the same place in the path (`v<Version>` on `v003`
    gives `003`; underscores read as spaces; the first occurrence wins)."""
    found: dict[str, str] = {}
    for i, template_element in enumerate(
        template_elements[: min(len(elements), len(template_elements))]
    ):
        token = SEGMENT_TOKEN.search(template_element)
        if token is None:
            if template_element == elements[i]:
                continue
            raise NoMatch()
        value = elements[i].replace("_", " ")
        value = value[len(token.group("prefix")) : len(value) - len(token.group("suffix"))]
        found.setdefault(token.group("token"), value)
    return found


def candidates(tree: dict | None, file_path: str, sep: str):
    """(mode, template name, template elements, tokens) for every folder template the
    path can be read with, in the tree's order."""
    if tree is None:
        raise MalformedTree("No tree can be found for given project.")
    for mode in tree:
        style = (tree[mode].get("folder_path") or {}).get("style", "")
        root = apply_style(root_path(tree, mode, sep), style)
        styled = apply_style(file_path, style)
        if not styled.startswith(root):
            continue
        elements = styled[len(root) :].split(sep)
        for template, template_path in tree[mode]["folder_path"].items():
            template_elements = str(template_path).split(sep)
            try:
                tokens = path_tokens(elements, template_elements)
            except NoMatch:
                continue
            if tokens:
                yield mode, template, template_elements, tokens
