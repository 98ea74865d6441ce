"""Kept answers (libs/common/answers.py), in one process: concurrent asks for the same board
share one build, and an ask that comes after a write never gets a build begun before it."""

import asyncio

from starlette.requests import Request

from libs.common.answers import KEPT_HEADER, AnswerCache


def _request(path: str = "/data/assets/with-tasks", query: bytes = b"project_id=1") -> Request:
    return Request(
        {"type": "http", "method": "GET", "path": path, "query_string": query, "headers": []}
    )


def test_concurrent_asks_share_one_build_and_the_answer_is_kept():
    async def scenario():
        cache = AnswerCache(mark_kept=True)
        builds = 0
        release = asyncio.Event()

        async def build():
            nonlocal builds
            builds += 1
            await release.wait()
            return '{"board": 1}'

        asks = [asyncio.create_task(cache.respond(_request(), "me", build)) for _ in range(8)]
        await asyncio.sleep(0.01)
        release.set()
        answers = await asyncio.gather(*asks)
        assert builds == 1
        assert {a.body for a in answers} == {b'{"board": 1}'}
        assert all(KEPT_HEADER in a.headers for a in answers)
        await cache.respond(_request(), "me", build)
        assert builds == 1

    asyncio.run(scenario())


def test_an_ask_after_a_write_waits_for_a_build_of_its_own():
    async def scenario():
        cache = AnswerCache(mark_kept=True)
        versions = iter(["before", "after"])
        started = asyncio.Event()
        release = asyncio.Event()

        async def build():
            version = next(versions)
            started.set()
            if version == "before":
                await release.wait()
            return f'"{version}"'

        early = asyncio.create_task(cache.respond(_request(), "me", build))
        await started.wait()
        cache.forget()  # a write commits while the first build runs
        late = await cache.respond(_request(), "me", build)
        release.set()
        first = await early
        assert late.body == b'"after"'
        assert first.body == b'"before"'
        # The build that raced the write is not kept; the late one is.
        assert KEPT_HEADER not in first.headers
        kept = await cache.respond(_request(), "me", build)
        assert kept.body == b'"after"'

    asyncio.run(scenario())


def test_each_caller_and_query_has_its_own_answer():
    async def scenario():
        cache = AnswerCache(mark_kept=True)

        def build_for(value):
            async def build():
                return value

            return build

        await cache.respond(_request(), "me", build_for('"mine"'))
        other = await cache.respond(_request(), "you", build_for('"yours"'))
        project_2 = await cache.respond(_request(query=b"project_id=2"), "me", build_for('"p2"'))
        assert other.body == b'"yours"' and project_2.body == b'"p2"'

    asyncio.run(scenario())
