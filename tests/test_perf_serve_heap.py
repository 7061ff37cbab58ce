"""The serving process freezes its long-lived objects after start-up (framework.server.heap),
and a closed model is made collectable again."""
from __future__ import annotations

import asyncio
import gc
import weakref

import pytest

from framework.server import heap


@pytest.fixture(autouse=True)
def full_collections(monkeypatch):
    """tests/conftest.py turns start-up's full collections off for the rest of the suite."""
    monkeypatch.setattr(heap, "COLLECT", True)


class Node:
    pass


def live_cycle() -> tuple[Node, weakref.ref]:
    node = Node()
    node.me = node  # only the cyclic collector can free it once it is dropped
    return node, weakref.ref(node)


def test_frozen_objects_are_out_of_the_collectors_way_until_thawed():
    node, ref = live_cycle()

    async def main():
        try:
            assert heap.freeze_heap() > 0
            assert not any(o is node for o in gc.get_objects())  # a full collection no longer walks it
            heap.thaw_heap(refreeze_after=3600)
            assert gc.get_freeze_count() == 0
            assert any(o is node for o in gc.get_objects())
        finally:
            gc.unfreeze()

    asyncio.run(main())
    del node
    gc.collect()
    assert ref() is None


def test_start_up_collects_before_freezing_so_no_garbage_is_frozen():
    node, ref = live_cycle()
    del node  # garbage now, which only a full collection frees
    try:
        heap.freeze_heap()
        assert ref() is None
    finally:
        gc.unfreeze()


def test_a_dropped_model_frozen_at_start_up_is_collected_once_closed():
    model, ref = live_cycle()  # stands in for a model replaced by a hot reload

    async def main():
        nonlocal model
        context = heap.heap_ctx(None)
        await context.__anext__()  # start-up: collect and freeze
        try:
            del model
            gc.collect()
            assert ref() is not None  # frozen cyclic garbage stays: why close_model thaws
            heap.thaw_heap(refreeze_after=0.01)
            gc.collect()
            assert ref() is None
            await asyncio.sleep(0.05)
            assert gc.get_freeze_count() > 0  # frozen again while the app serves
        finally:
            await context.aclose()  # shutdown: unfrozen
        assert gc.get_freeze_count() == 0

    asyncio.run(main())


def test_no_refreeze_after_shutdown():
    async def main():
        context = heap.heap_ctx(None)
        await context.__anext__()
        await context.aclose()
        heap.thaw_heap(refreeze_after=0.01)  # e.g. a model closed during shutdown
        await asyncio.sleep(0.05)
        return gc.get_freeze_count()

    assert asyncio.run(main()) == 0


def test_the_server_freezes_last_and_thaws_a_closed_model():
    from concurrent.futures import ThreadPoolExecutor
    from types import SimpleNamespace

    from framework.server import app as app_module
    from framework.server.config import ServerConfig

    application = app_module.init(ServerConfig(domain_dir="domains/banking_en", webchat=False))
    assert list(application.cleanup_ctx)[-1] is heap.heap_ctx  # after everything the others opened

    class Batcher:
        async def stop(self):
            pass

    async def close_a_model():
        heap.freeze_heap()
        try:
            await app_module.close_model(SimpleNamespace(batcher=Batcher(), executor=ThreadPoolExecutor(1)))
            return gc.get_freeze_count()
        finally:
            gc.unfreeze()

    assert asyncio.run(close_a_model()) == 0
