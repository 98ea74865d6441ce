"""Reporting's pure logic: the quota table's buckets and the shots sheet's layout."""

import datetime as dt

from services.reporting import shot_sheet
from services.reporting.store.quotas import Table, _business_days


def test_quota_buckets_follow_the_local_day_and_the_iso_week():
    table = Table("America/New_York", fps=25.0)
    # 02:00 UTC on New Year's day is still New Year's Eve in New York, and that
    # Wednesday belongs to the first ISO week of 2026.
    table.add("p", dt.datetime(2026, 1, 1, 2, 0), frames=50, drawings=3, count=0.5)
    # A logged day is a calendar day: no timezone shift.
    table.add("p", dt.date(2026, 1, 1), frames=25, drawings=0, count=0.25)
    quota = table.rounded()["p"]
    assert quota["day"]["frames"] == {"2025-12-31": 50, "2026-01-01": 25}
    assert quota["day"]["entries"] == {"2025-12": 1, "2026-01": 1}
    assert quota["week"]["frames"] == {"2026-1": 75}
    assert quota["week"]["entries"] == {"2026": 1}
    assert quota["month"]["seconds"] == {"2025-12": 2.0, "2026-01": 1.0}
    assert quota["month"]["entries"] == {"2025": 1, "2026": 1}
    assert quota["year"] == {
        "frames": {"2025": 50, "2026": 25},
        "seconds": {"2025": 2.0, "2026": 1.0},
        "count": {"2025": 0.5, "2026": 0.25},
        "drawings": {"2025": 3, "2026": 0},
    }
    assert "entries" not in quota["year"]


def test_weighted_counts_are_rounded_once_all_shares_are_in():
    table = Table("UTC", fps=24.0)
    for _ in range(3):
        table.add("p", dt.date(2024, 3, 4), frames=1, drawings=0, count=1 / 3)
    assert table.rounded()["p"]["day"]["count"] == {"2024-03-04": 1.0}


def test_business_days_count_week_days_after_the_start():
    monday = dt.datetime(2024, 3, 4, 9)
    assert _business_days(monday, monday) == 0
    assert _business_days(monday, monday + dt.timedelta(days=2)) == 2
    assert _business_days(monday, monday + dt.timedelta(days=7)) == 5
    assert _business_days(monday, monday - dt.timedelta(days=1)) == 0


def test_shots_sheet_layout():
    export = {
        "descriptors": [["Rig OK", "rig", "boolean"], ["Tags", "tags", "taglist"]],
        "shots": [
            {
                "name": "SH020",
                "description": None,
                "nb_frames": None,
                "data": {"rig": True, "tags": "a,b"},
                "sequence_name": "SQ01",
                "episode_name": "",
                "tasks": [
                    {
                        "task_type": "Layout",
                        "priority": 2,
                        "status": "wip",
                        "duration": 600,
                        "assignees": ["Ann Lee", "Bob Ray"],
                    },
                    {
                        "task_type": "Animation",
                        "priority": 2,
                        "status": "todo",
                        "duration": None,
                        "assignees": [],
                    },
                ],
            },
            {
                "name": "SH010",
                "description": "x",
                "nb_frames": 12,
                "data": None,
                "sequence_name": "SQ01",
                "episode_name": "",
                "tasks": [],
            },
        ],
    }
    rows = shot_sheet.rows("Show", export)
    assert rows[0][10:] == ["Rig OK", "Tags", "Animation", "Assignations", "Layout", "Assignations"]
    assert [r[3] for r in rows[1:]] == ["SH010", "SH020"]
    assert rows[1][5:] == ["0.00", 12, "", "", "", "false", "", "", "", "", ""]
    assert rows[2][5] == "1.25"
    assert rows[2][10:] == ["true", "a,b", "todo", "", "wip", "Ann Lee,Bob Ray"]
    blank = shot_sheet.rows("Show", export, for_client=True)[2]
    assert blank[5] == "0.00" and blank[13:] == ["", "wip", ""]
    assert shot_sheet.file_name("Élan's Show 2") == "elans_show_2_shots"
