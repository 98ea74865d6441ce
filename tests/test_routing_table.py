"""The gateway's routing table: every Zou route reaches its one owner."""

import re

import pytest

from gateway.routing import RoutingTable

TABLE = RoutingTable.load()
SAMPLE = "3f1c2d9e-7a44-4c55-9d1e-0c2b7a9e1f00"


def concrete(path: str) -> str:
    return re.sub(r"\{[^{}]+\}", SAMPLE.replace("-", "")[:12], path)


def test_table_holds_every_zou_route_once():
    assert len(TABLE.rows) == 816
    assert len({(method, path) for method, path, _ in TABLE.rows}) == 816
    assert TABLE.services() == {"gateway", "auth", "data", "importer", "media", "reporting"}


@pytest.mark.parametrize("method,path,service", TABLE.rows, ids=lambda v: str(v))
def test_each_route_reaches_its_owner(method, path, service):
    match = TABLE.match(method, concrete(path))
    assert match is not None and match.service == service


def test_literal_segments_win_over_parameters():
    assert TABLE.match("GET", "/data/tasks/open-tasks/burndown").service == "reporting"
    assert TABLE.match("GET", f"/data/tasks/{SAMPLE}").service == "data"


def test_extension_segments_and_their_bare_twins():
    assert TABLE.match("GET", f"/pictures/thumbnails/preview-files/{SAMPLE}.png").service == "media"
    assert TABLE.match("POST", f"/pictures/thumbnails/projects/{SAMPLE}").service == "media"


def test_trailing_slash_is_ignored_and_unknown_paths_miss():
    assert TABLE.match("GET", "/data/projects/").service == "data"
    assert TABLE.match("GET", "/data/no-such-thing") is None
    assert TABLE.match("DELETE", "/status").service is None
