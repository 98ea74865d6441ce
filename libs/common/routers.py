"""Collecting a service's routers: every module of its `routes` package that has one."""

import importlib
import pkgutil
from types import ModuleType

from fastapi import APIRouter
from starlette._utils import get_route_path
from starlette.routing import BaseRoute, Match
from starlette.types import Receive, Scope, Send


def discover(package: ModuleType) -> list[APIRouter]:
    found = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        router = getattr(module, "router", None)
        if isinstance(router, APIRouter):
            found.append(router)
    return found


def specificity(route) -> list[int]:
    """Sort key: at each segment a literal beats a `{param}`, so `/data/tasks/open-tasks`
    is tried before `/data/tasks/{task_id}` whatever module declared it."""
    path = getattr(route, "path", "")
    return [1 if segment.startswith("{") else 0 for segment in path.split("/")]


def merged(routers: list[APIRouter]) -> APIRouter:
    """One router holding every route, most specific paths first."""
    combined = APIRouter()
    routes = [route for router in routers for route in router.routes]
    combined.routes.extend(sorted(routes, key=specificity))
    return combined


class RouteIndex(BaseRoute):
    """Routes found by their first two path segments, tried in their own order.

    A service has hundreds of routes; trying each in turn cost milliseconds per request.
    Only routes whose first two segments are the request's (or parameters) can match, so
    those alone are tried, in the same order as before: the chosen route is the same."""

    def __init__(self, routes: list[BaseRoute]):
        self.routes = list(routes)
        self._buckets: dict[tuple, list[tuple[int, BaseRoute]]] = {}
        for order, route in enumerate(self.routes):
            self._buckets.setdefault(_route_key(route), []).append((order, route))
        self._first = {key[0] for key in self._buckets if key[0] is not _ANY}
        self._second = {key[1] for key in self._buckets if key[1] is not _ANY}
        self._candidates: dict[tuple, list[BaseRoute]] = {}

    def _for(self, path: str) -> list[BaseRoute]:
        parts = path.split("/", 3)
        first = parts[1] if len(parts) > 1 else None
        second = parts[2] if len(parts) > 2 else None
        key = (
            first if first in self._first else _OTHER,
            second if second in self._second else _OTHER,
        )
        found = self._candidates.get(key)
        if found is None:
            merged_rows = []
            for a in (key[0], _ANY):
                for b in (key[1], _ANY):
                    merged_rows += self._buckets.get((a, b), [])
            found = [route for _, route in sorted(merged_rows, key=lambda row: row[0])]
            self._candidates[key] = found
        return found

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        partial = None
        for route in self._for(get_route_path(scope)):
            match, child_scope = route.matches(scope)
            if match == Match.FULL:
                return match, {**child_scope, _CHOSEN: route}
            if match == Match.PARTIAL and partial is None:
                partial = {**child_scope, _CHOSEN: route}
        if partial is not None:
            return Match.PARTIAL, partial
        return Match.NONE, {}

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        await scope.pop(_CHOSEN).handle(scope, receive, send)


_ANY = object()  # a route segment holding a parameter
_OTHER = object()  # a request segment that no route names literally
_CHOSEN = "prodtrack.route"


def _route_key(route: BaseRoute) -> tuple:
    segments = getattr(route, "path", "/").split("/")[1:3]
    segments += [None] * (2 - len(segments))
    key = []
    for segment in segments:
        if segment is not None and "{" in segment:
            # A `{name:path}` parameter spans any number of segments.
            wild = ":path}" in segment
            key.append(_ANY)
            if wild:
                key += [_ANY] * (2 - len(key))
                break
        else:
            key.append(segment)
    return tuple(key[:2])
