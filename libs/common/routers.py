"""Collecting a service's routers: every module of its `routes` package that has one."""

import importlib
import pkgutil
from types import ModuleType

from fastapi import APIRouter


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
