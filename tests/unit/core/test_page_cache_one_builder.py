"""``cached``: threads that miss the same key at once build it once (the board pack's layout took
about 300 MB of working memory per thread that built it, so a change followed by several readers
grew a worker's memory); different keys build side by side; a failed build lets the next one try."""

from __future__ import annotations

import threading
import time

import pytest

from saferhub.core import page_cache


@pytest.fixture(autouse=True)
def _no_database(monkeypatch):
    monkeypatch.setattr(page_cache, "generations", lambda names: tuple(0 for _ in names))


def _together(count: int, call) -> list:
    start, out = threading.Barrier(count), []

    def run(i: int) -> None:
        start.wait()
        out.append(call(i))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return out


def test_threads_missing_the_same_key_build_it_once():
    builds = []

    def build():
        builds.append(threading.get_ident())
        time.sleep(0.3)
        return {"pack": "laid out"}

    got = _together(6, lambda i: page_cache.cached("test:pack", ("meeting", 1), build))
    assert builds and len(builds) == 1
    assert got == [{"pack": "laid out"}] * 6


def test_different_keys_are_built_side_by_side():
    inside = []
    most = [0]
    lock = threading.Lock()

    def build(i):
        with lock:
            inside.append(i)
            most[0] = max(most[0], len(inside))
        time.sleep(0.3)
        with lock:
            inside.remove(i)
        return i

    got = _together(3, lambda i: page_cache.cached("test:each", (i,), lambda: build(i)))
    assert sorted(got) == [0, 1, 2]
    assert most[0] == 3  # not one after the other


def test_a_failed_build_is_tried_again_by_the_next_reader():
    calls = []

    def build():
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("the first layout failed")
        return "second"

    with pytest.raises(RuntimeError):
        page_cache.cached("test:retry", (), build)
    assert page_cache.cached("test:retry", (), build) == "second"
    assert page_cache._one_builder._locks == {}  # nothing left held
