"""Health of the whole system, in Zou's /status shape plus one flag per service."""

import asyncio

import httpx

from libs.common.settings import SERVICES


async def service_health(client: httpx.AsyncClient, urls: dict[str, str]) -> dict[str, dict]:
    async def one(name: str) -> tuple[str, dict]:
        try:
            response = await client.get(f"{urls[name]}/healthz", timeout=2)
            return name, response.json()
        except (httpx.HTTPError, ValueError):
            return name, {}

    return dict(await asyncio.gather(*(one(name) for name in SERVICES)))


def status_body(version: str, health: dict[str, dict], nats_up: bool) -> dict:
    services_up = {name: bool(h.get("database-up")) for name, h in health.items()}
    return {
        "name": "prodtrack",
        "version": version,
        "database-up": bool(health) and all(h.get("database-up") for h in health.values()),
        "key-value-store-up": nats_up,
        "event-stream-up": nats_up,
        "job-queue-up": services_up.get("media", False),
        "indexer-up": False,
        "services": services_up,
    }


def status_text(body: dict) -> str:
    lines = [f"name: {body['name']}", f"version: {body['version']}"]
    for key in ("database-up", "key-value-store-up", "event-stream-up", "job-queue-up"):
        lines.append(f"{key}: {'up' if body[key] else 'down'}")
    lines.append(f"indexer-up: {'up' if body['indexer-up'] else 'down'}")
    for name, up in body["services"].items():
        lines.append(f"{name}-up: {'up' if up else 'down'}")
    return "\n".join(lines) + "\n"
