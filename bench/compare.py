"""Run the same load against two servers in alternation (A B A B ...) and print, per
endpoint and concurrency, the ratio of their medians, so that noise on a shared machine
falls on both sides alike.

    python bench/compare.py http://127.0.0.1:5099 http://127.0.0.1:8080 \\
        --label-a zou --label-b prodtrack --events-url-a http://127.0.0.1:5098 \\
        --nats-url-b nats://127.0.0.1:4222 --rounds 3

Each side needs a seeded production: its ids from an earlier seed.py (default
bench/state/), or --seed SIZE to seed both first.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
import re
import statistics
import sys
from pathlib import Path

import load
import seed
from benchlib import (
    BENCH_DIR,
    BenchError,
    default_ids_path,
    require_loopback,
    result_path,
    run_header,
    write_json,
)

README = BENCH_DIR / "README.md"
TABLE_START = "<!-- comparison:start -->"
TABLE_END = "<!-- comparison:end -->"


def median(values: list[float]) -> float | None:
    values = [v for v in values if v is not None]
    return round(statistics.median(values), 2) if values else None


def ratio(top: float | None, bottom: float | None) -> float | None:
    if not top or not bottom:
        return None
    return round(top / bottom, 2)


def summarize(runs_a: list[dict], runs_b: list[dict]) -> list[dict]:
    """One row per endpoint and concurrency: medians of each side over its rounds."""
    rows = []
    for name, first in runs_a[0]["endpoints"].items():
        for concurrency in first["by_concurrency"]:

            def cells(runs, name=name, concurrency=concurrency):
                found = []
                for run in runs:
                    endpoint = run["endpoints"].get(name, {})
                    cell = endpoint.get("by_concurrency", {}).get(concurrency)
                    if cell:
                        found.append(cell)
                return found

            a, b = cells(runs_a), cells(runs_b)
            row = {"endpoint": name, "path": first["path"], "concurrency": int(concurrency)}
            for side, side_cells in (("a", a), ("b", b)):
                working = [c for c in side_cells if c["ok"]]
                row[f"{side}_rps"] = median([c["rps"] for c in working])
                row[f"{side}_p50_ms"] = median([c["p50_ms"] for c in working])
                row[f"{side}_p95_ms"] = median([c["p95_ms"] for c in working])
                row[f"{side}_failed"] = not working
                if not working and side_cells:
                    row[f"{side}_error"] = side_cells[0].get("first_error", "")[:120]
            row["rps_ratio"] = ratio(row["b_rps"], row["a_rps"])
            row["p95_ratio"] = ratio(row["a_p95_ms"], row["b_p95_ms"])
            rows.append(row)
    return rows


def summarize_events(runs_a: list[dict], runs_b: list[dict]) -> dict:
    out = {}
    for side, runs in (("a", runs_a), ("b", runs_b)):
        for run in runs:
            for source, figures in run.get("events", {}).items():
                entry = out.setdefault(f"{side}:{source}", {"p50": [], "p99": [], "missed": 0})
                if figures.get("available"):
                    entry["p50"].append(figures["p50_ms"])
                    entry["p99"].append(figures["p99_ms"])
                    entry["missed"] += figures["missed"]
                else:
                    entry["error"] = figures.get("error")
    return {
        key: {
            "p50_ms": median(value["p50"]),
            "p99_ms": median(value["p99"]),
            "missed": value["missed"],
            **({"error": value["error"]} if "error" in value else {}),
        }
        for key, value in out.items()
    }


def _fmt(value, failed: bool = False) -> str:
    if failed:
        return "failed"
    if value is None:
        return "-"
    return f"{value:.0f}" if abs(value) >= 100 else f"{value:.3g}"


def table(rows: list[dict], events: dict, label_a: str, label_b: str) -> str:
    lines = [
        f"| endpoint | conc | {label_a} req/s | {label_b} req/s | req/s ×"
        f" | {label_a} p95 ms | {label_b} p95 ms | p95 ÷ |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['endpoint']} | {row['concurrency']} "
            f"| {_fmt(row['a_rps'], row['a_failed'])} | {_fmt(row['b_rps'], row['b_failed'])} "
            f"| {_fmt(row['rps_ratio'])} "
            f"| {_fmt(row['a_p95_ms'], row['a_failed'])} "
            f"| {_fmt(row['b_p95_ms'], row['b_failed'])} | {_fmt(row['p95_ratio'])} |"
        )
    if events:
        lines += ["", "| event latency, write → received | p50 ms | p99 ms | missed |"]
        lines.append("|---|---:|---:|---:|")
        for key, figures in sorted(events.items()):
            side, source = key.split(":", 1)
            who = label_a if side == "a" else label_b
            if "error" in figures and figures["p50_ms"] is None:
                lines.append(f"| {who} via {source} | unavailable | | |")
            else:
                lines.append(
                    f"| {who} via {source} | {_fmt(figures['p50_ms'])} "
                    f"| {_fmt(figures['p99_ms'])} | {figures['missed']} |"
                )
    return "\n".join(lines)


def update_readme(text: str) -> None:
    readme = README.read_text()
    block = f"{TABLE_START}\n{text}\n{TABLE_END}"
    pattern = re.compile(re.escape(TABLE_START) + ".*?" + re.escape(TABLE_END), re.S)
    if not pattern.search(readme):
        raise BenchError(f"{README} has no {TABLE_START} ... {TABLE_END} block")
    README.write_text(pattern.sub(lambda _: block, readme))


def side_args(args, side: str):
    """The load options of one side: shared ones, with that side's overrides."""
    own = copy.copy(args)
    own.password = getattr(args, f"password_{side}") or args.password
    own.email = getattr(args, f"email_{side}") or args.email
    own.events_url = getattr(args, f"events_url_{side}") or getattr(args, f"url_{side}")
    own.nats_url = getattr(args, f"nats_url_{side}")
    own.nats_prefix = getattr(args, f"nats_prefix_{side}")
    return own


async def compare(args) -> dict:
    sides = {"a": side_args(args, "a"), "b": side_args(args, "b")}
    urls = {"a": args.url_a, "b": args.url_b}
    labels = {"a": args.label_a, "b": args.label_b}
    for url in urls.values():
        require_loopback(url)
    header = run_header("compare", a=urls["a"], b=urls["b"], labels=labels, rounds=args.rounds)
    ids = {}
    for side, url in urls.items():
        ids_path = getattr(args, f"ids_{side}") or default_ids_path(url)
        if args.seed:
            print(f"== seeding {labels[side]} ({url}) with --size {args.seed}", flush=True)
            own = sides[side]
            await seed.seed(
                url,
                args.seed,
                own.email,
                own.password,
                ids_path=ids_path,
                results_dir=args.results_dir,
            )
        ids[side] = load.load_ids(ids_path)
    runs: dict[str, list[dict]] = {"a": [], "b": []}
    for round_n in range(1, args.rounds + 1):
        for side in ("a", "b"):
            print(f"== round {round_n}/{args.rounds}: {labels[side]} ({urls[side]})", flush=True)
            load.print_header()
            run = await load.run_load(urls[side], ids[side], sides[side], labels[side])
            runs[side].append(run)
    rows = summarize(runs["a"], runs["b"])
    events = summarize_events(runs["a"], runs["b"])
    return {
        **header,
        "machine_after": run_header("")["machine"],
        "sizes": {side: ids[side].get("size") for side in ids},
        "rows": rows,
        "events": events,
        "runs": runs,
    }


def render(record: dict) -> str:
    """The README block of a comparison record: what ran, then the tables."""
    labels = record["labels"]
    duration = record["runs"]["a"][0]["params"]["duration"]
    header = (
        f"{labels['a']} = {record['a']}, {labels['b']} = {record['b']}; medians of "
        f"{record['rounds']} alternated rounds, {duration:g} s per cell, sizes "
        f"{record['sizes']['a']} / {record['sizes']['b']}; commit {record['commit']}, "
        f"load average {record['machine']['loadavg']}, {record['started_at']}. "
        f"req/s × = {labels['b']} ÷ {labels['a']}; p95 ÷ = {labels['a']} ÷ {labels['b']}."
    )
    return f"{header}\n\n{table(record['rows'], record['events'], labels['a'], labels['b'])}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url_a", nargs="?")
    parser.add_argument("url_b", nargs="?")
    parser.add_argument("--label-a", default="A")
    parser.add_argument("--label-b", default="B")
    parser.add_argument("--rounds", type=int, default=3, help="A B rounds (default 3)")
    parser.add_argument("--seed", choices=sorted(seed.SIZES), help="seed both sides first")
    parser.add_argument("--update-readme", action="store_true", help="put the table in README")
    parser.add_argument(
        "--from-result", type=Path, help="print (and --update-readme) a saved comparison"
    )
    for side in ("a", "b"):
        parser.add_argument(f"--ids-{side}", type=Path)
        parser.add_argument(f"--email-{side}")
        parser.add_argument(f"--password-{side}")
        parser.add_argument(f"--events-url-{side}", help="socket.io stream ('none' to skip)")
        parser.add_argument(f"--nats-url-{side}")
        parser.add_argument(f"--nats-prefix-{side}", default="prodtrack")
    load.add_load_arguments(parser)
    args = parser.parse_args(argv)
    if args.from_result:
        record = json.loads(args.from_result.read_text())
    elif not (args.url_a and args.url_b):
        parser.error("two URLs, or --from-result")
    else:
        try:
            record = asyncio.run(compare(args))
        except BenchError as error:
            print(f"compare failed: {error}", file=sys.stderr)
            return 1
        out = write_json(result_path("compare", None, args.results_dir), record)
        print(f"\nresult: {out}")
    text = render(record)
    print(f"\n{text}")
    if args.update_readme:
        update_readme(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
