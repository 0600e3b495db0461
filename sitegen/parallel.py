"""Run independent work over forked worker processes.

Workers are forked, so they inherit the build's data (documents, pages,
the Jinja environment) without pickling it; only chunk bounds go in and
small results come out. Where fork is unavailable, or the work is small,
everything runs in this process.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_PARALLEL = 200  # below this, starting processes costs more than it saves


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def run_chunks(
    work: Callable[[Sequence[T]], list[R]],
    items: Sequence[T],
    jobs: int,
    chunk_size: int = 250,
    progress: Callable[[int, int], None] | None = None,
) -> list[R]:
    """`work` over `items` in chunks; results in item order.

    An exception in a worker is re-raised here (it must be picklable).
    """
    total = len(items)
    if jobs <= 1 or total < MIN_PARALLEL or "fork" not in multiprocessing.get_all_start_methods():
        results: list[R] = []
        for start in range(0, total, chunk_size):
            results += work(items[start : start + chunk_size])
            if progress:
                progress(min(start + chunk_size, total), total)
        return results
    ctx = multiprocessing.get_context("fork")
    tasks = ctx.SimpleQueue()
    done = ctx.SimpleQueue()
    bounds = [(s, min(s + chunk_size, total)) for s in range(0, total, chunk_size)]
    for bound in bounds:
        tasks.put(bound)
    workers = min(jobs, len(bounds))
    for _ in range(workers):
        tasks.put(None)

    def child() -> None:
        while (bound := tasks.get()) is not None:
            start, end = bound
            try:
                done.put((start, work(items[start:end]), None))
            except Exception as exc:  # reported in the parent, which stops the build
                done.put((start, None, exc))

    processes = [ctx.Process(target=child, daemon=True) for _ in range(workers)]
    for process in processes:
        process.start()
    parts: dict[int, list[R]] = {}
    failure: BaseException | None = None
    finished = 0
    try:
        for _ in bounds:
            start, result, error = done.get()
            if error is not None and failure is None:
                failure = error
            parts[start] = result or []
            finished += len(parts[start])
            if progress:
                progress(finished, total)
    finally:
        for process in processes:
            if failure is not None:
                process.terminate()
            process.join()
    if failure is not None:
        raise failure
    return [r for start, _ in bounds for r in parts[start]]


def in_background(work: Callable[[], R]) -> Callable[[], R]:
    """Start `work` in a forked process; the returned function waits for its result.

    Without fork, `work` runs at once. An exception in the worker is raised
    by the waiting function.
    """
    if "fork" not in multiprocessing.get_all_start_methods():
        value = work()
        return lambda: value
    ctx = multiprocessing.get_context("fork")
    done = ctx.SimpleQueue()

    def child() -> None:
        try:
            done.put((work(), None))
        except Exception as exc:  # reported in the parent
            done.put((None, exc))

    process = ctx.Process(target=child, daemon=True)
    process.start()

    def wait() -> R:
        value, error = done.get()
        process.join()
        if error is not None:
            raise error
        return value

    return wait
