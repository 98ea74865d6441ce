"""One OpenAPI document for the whole API, merged from every service's own."""

import asyncio

import httpx


async def merged_openapi(
    client: httpx.AsyncClient, urls: dict[str, str], own: dict, version: str
) -> dict:
    async def fetch(name: str) -> dict:
        try:
            response = await client.get(f"{urls[name]}/openapi.json", timeout=5)
            return response.json()
        except (httpx.HTTPError, ValueError):
            return {}

    documents = [own, *await asyncio.gather(*(fetch(name) for name in urls))]
    merged: dict = {
        "openapi": own.get("openapi", "3.1.0"),
        "info": {"title": "prodtrack", "version": version},
        "paths": {},
        "components": {"schemas": {}},
    }
    for document in documents:
        for path, operations in document.get("paths", {}).items():
            merged["paths"].setdefault(path, {}).update(operations)
        schemas = document.get("components", {}).get("schemas", {})
        merged["components"]["schemas"].update(schemas)
    return merged
