"""Which service answers a request: Zou's 816 routes, each with exactly one owner.

`routing.tsv` (method, path, service) was derived once from the reference route list.
Paths are matched segment by segment; a literal segment wins over a `{param}` one, so
`/data/tasks/open-tasks` does not fall into `/data/tasks/{task_id}`. Trailing slashes
are ignored, as Zou's `strict_slashes=False` does.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

TABLE_PATH = Path(__file__).with_name("routing.tsv")


@dataclass
class Node:
    literal: dict[str, "Node"] = field(default_factory=dict)
    # Segments mixing text and parameters, such as `{instance_id}.png`.
    patterns: dict[str, tuple[re.Pattern, "Node"]] = field(default_factory=dict)
    param: "Node | None" = None
    methods: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Match:
    service: str | None  # None: the path exists but not with this method (405)


class RoutingTable:
    def __init__(self, rows: list[tuple[str, str, str]]):
        self.root = Node()
        self.rows = rows
        for method, path, service in rows:
            node = self.root
            for segment in _segments(path):
                if _WHOLE_PARAM.fullmatch(segment):
                    node.param = node.param or Node()
                    node = node.param
                elif "{" in segment:
                    if segment not in node.patterns:
                        node.patterns[segment] = (_segment_pattern(segment), Node())
                    node = node.patterns[segment][1]
                else:
                    node = node.literal.setdefault(segment, Node())
            node.methods[method] = service

    @classmethod
    def load(cls, path: Path = TABLE_PATH) -> "RoutingTable":
        rows = []
        for line in path.read_text().splitlines():
            if line.strip():
                method, route, service = line.split("\t")
                rows.append((method, route, service))
        return cls(rows)

    def match(self, method: str, path: str) -> Match | None:
        node = self._find(self.root, _segments(path))
        if node is None:
            return None
        if method == "HEAD":
            method = "GET"
        if method == "OPTIONS":
            return Match(next(iter(node.methods.values())))
        return Match(node.methods.get(method))

    def _find(self, node: Node, segments: list[str]) -> Node | None:
        if not segments:
            return node if node.methods else None
        head, rest = segments[0], segments[1:]
        child = node.literal.get(head)
        if child is not None:
            found = self._find(child, rest)
            if found is not None:
                return found
        for pattern, child in node.patterns.values():
            if pattern.fullmatch(head):
                found = self._find(child, rest)
                if found is not None:
                    return found
        if node.param is not None and head:
            return self._find(node.param, rest)
        return None

    def services(self) -> set[str]:
        return {service for _, _, service in self.rows}


_WHOLE_PARAM = re.compile(r"\{[^{}]+\}")


def _segment_pattern(segment: str) -> re.Pattern:
    """`{instance_id}.png` -> a regex where each parameter is any non-empty text."""
    parts = re.split(r"\{[^{}]+\}", segment)
    return re.compile(".+?".join(re.escape(part) for part in parts))


def _segments(path: str) -> list[str]:
    return [s for s in path.strip("/").split("/") if s] if path.strip("/") else []
