"""Run independent work over worker processes, the same way on every system.

The standard library's process pool does the work, with the start method
`portable.start_method` picks: workers forked on Linux inherit the work
and its items without pickling them; workers spawned (macOS, Windows, and
anywhere with SITEGEN_PORTABLE=1) receive them pickled once each. Only
chunk bounds go to a worker and its results come back. This process works
alongside the workers, so a build on two cores starts one. Where the work
is small, everything runs in this process.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import (
    FIRST_COMPLETED,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    wait,
)
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from sitegen.errors import BuildFailed
from sitegen.portable import start_method

T = TypeVar("T")
R = TypeVar("R")

MIN_PARALLEL = 200  # below this, starting processes costs more than it saves
QUEUED = 2  # chunks waiting per worker, so none waits while this process works


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def run_chunks(
    work: Callable[[Sequence[T]], list[R]],
    items: Sequence[T],
    jobs: int,
    chunk_size: int = 250,
    progress: Callable[[int, int], None] | None = None,
    first: Callable[[], object] | None = None,
) -> list[R]:
    """`work` over `items` in chunks; results in item order.

    `work` must be a module-level function (or a `functools.partial` of
    one) and the items picklable, since spawned workers receive them. With
    `jobs` > 1, this process is one of the workers: it runs `first` (one
    job that cannot be split, such as the search index) on a thread while
    it keeps the others fed, then takes chunks from the end while they take
    them from the start, and its own results need no pickling. An exception
    in a worker, or in `first`, is re-raised here.
    """
    total = len(items)
    bounds = deque((s, min(s + chunk_size, total)) for s in range(0, total, chunk_size))
    starts = [start for start, _ in bounds]
    workers = min(jobs, len(bounds)) - 1
    parts: dict[int, list[R]] = {}

    def note(start: int, result: list[R]) -> None:
        parts[start] = result
        if progress:
            progress(sum(map(len, parts.values())), total)

    if workers < 1 or total < MIN_PARALLEL:
        if first is not None:
            first()
        for start, end in bounds:
            note(start, work(items[start:end]))
        return [r for start in starts for r in parts[start]]

    context = multiprocessing.get_context(start_method())
    pool = ProcessPoolExecutor(workers, context, initializer=_install, initargs=(work, items))
    queued: dict[Future, int] = {}

    def top_up() -> None:
        while bounds and len(queued) < QUEUED * workers:
            start, end = bounds.popleft()
            queued[pool.submit(_run_installed, start, end)] = start

    def collect(done: set[Future]) -> None:
        for future in done:
            note(queued.pop(future), future.result())

    # `first` runs on a thread of this process while this thread keeps the
    # workers fed: run first and alone, it left them idle once their queued
    # chunks were done (the search index and the data export take seconds).
    side = ThreadPoolExecutor(1, thread_name_prefix="first")
    try:
        top_up()  # forked workers start here, before the thread: fork copies one thread
        mine = side.submit(first) if first is not None else None
        while bounds or queued or (mine is not None and not mine.done()):
            collect({f for f in queued if f.done()})
            top_up()
            if mine is not None:
                if not mine.done():
                    wait([*queued, mine], return_when=FIRST_COMPLETED)
                    continue
                mine.result()  # its error, if any, is the build's
                mine = None
            if bounds:
                start, end = bounds.pop()
                note(start, work(items[start:end]))
            elif queued:
                collect(wait(queued, return_when=FIRST_COMPLETED).done)
    except BrokenProcessPool:
        raise BuildFailed("a worker process died; run again with --jobs 1 to see why") from None
    finally:
        side.shutdown(wait=True)  # a failed build waits for `first` to end before cleaning up
        pool.shutdown(wait=True, cancel_futures=True)
    return [r for start in starts for r in parts[start]]


# The work and its items, in a worker process: set once when it starts.
_installed: tuple[Callable[[Sequence[Any]], list[Any]], Sequence[Any]] | None = None


def _install(work: Callable[[Sequence[T]], list[R]], items: Sequence[T]) -> None:
    """A worker's start: keep the work and its items, and take them out of the
    collector's sight (a forked worker inherits them; a spawned one has just
    unpickled them; either way they live as long as the worker)."""
    global _installed
    _installed = work, items
    gc.freeze()


def _run_installed(start: int, end: int) -> list[Any]:
    assert _installed is not None, "run in a worker started by run_chunks"
    work, items = _installed
    return work(items[start:end])
