"""Data's batch read for reporting's projections (behind the gateway): several rows of a
kind in one request, gone rows as null, bad ids refused."""

import uuid

import httpx

from tests.support.studio import asset_task


def test_rows_of_a_kind_come_in_one_request(system, admin):
    _, _, task = asset_task(admin, "facts")
    gone = str(uuid.uuid4())
    data = system.service_urls()["data"]
    answer = httpx.get(f"{data}/internal/reporting/tasks", params={"ids": f"{task['id']},{gone}"})
    assert answer.status_code == 200, answer.text
    found = answer.json()
    assert found[task["id"]]["id"] == task["id"]
    assert found[gone] is None


def test_bad_ids_and_kinds_are_refused(system):
    data = system.service_urls()["data"]
    bad = httpx.get(f"{data}/internal/reporting/tasks", params={"ids": "not-an-id"})
    assert bad.status_code == 400
    assert bad.json()["error"] is True
    unknown = httpx.get(f"{data}/internal/reporting/spaceships", params={"ids": ""})
    assert unknown.status_code == 404
