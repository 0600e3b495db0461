"""Run independent work over forked worker processes.

Workers are forked, so they inherit the build's data (documents, pages,
the Jinja environment) without pickling it; only chunk bounds go in and
results come out, and this process works alongside them. Where fork is
unavailable, or the work is small, everything runs in this process.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

from sitegen.errors import BuildFailed

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
    first: Callable[[], object] | None = None,
) -> list[R]:
    """`work` over `items` in chunks; results in item order.

    With `jobs` > 1, this process is one of the workers and forks the
    others: it would only wait otherwise, and its own results need no
    pickling. It runs `first` (one job that cannot be split, such as the
    search index) before it takes its share of chunks, so the shared queue
    balances the two. A thread collects the forked workers' results
    meanwhile, so they never wait on a full pipe. An exception in a worker
    is re-raised here (it must be picklable).
    """
    total = len(items)
    bounds = [(s, min(s + chunk_size, total)) for s in range(0, total, chunk_size)]
    forks = min(jobs, len(bounds)) - 1
    if forks < 1 or total < MIN_PARALLEL or "fork" not in multiprocessing.get_all_start_methods():
        if first is not None:
            first()
        results: list[R] = []
        for start, end in bounds:
            results += work(items[start:end])
            if progress:
                progress(end, total)
        return results
    ctx = multiprocessing.get_context("fork")
    tasks = ctx.SimpleQueue()
    for bound in [*bounds, *[None] * (forks + 1)]:  # one stop mark per worker, this one too
        tasks.put(bound)
    # Results come back on a pipe only the forks write to: once they are all
    # gone, however they ended, the collecting thread reads its end.
    results, results_out = ctx.Pipe(duplex=False)
    sending = ctx.Lock()

    def child() -> None:
        results.close()
        while (bound := tasks.get()) is not None:
            start, end = bound
            try:
                message = (start, work(items[start:end]), None)
            except Exception as exc:  # reported in the parent, which stops the build
                message = (start, None, exc)
            with sending:
                results_out.send(message)

    parts: dict[int, list[R]] = {}
    errors: list[BaseException] = []
    finished = [0]

    def note(start: int, result: list[R]) -> None:
        parts[start] = result
        finished[0] += len(result)
        if progress:
            progress(finished[0], total)

    def collect() -> None:
        while True:
            try:
                start, result, error = results.recv()
            except (EOFError, OSError):
                return  # every fork has exited
            if error is not None:
                errors.append(error)
            else:
                note(start, result)

    processes = [ctx.Process(target=child, daemon=True) for _ in range(forks)]
    gc.freeze()  # the forks share the data built so far; keep this process's GC off it
    for process in processes:
        process.start()
    results_out.close()
    collector = threading.Thread(target=collect, daemon=True)
    collector.start()
    try:
        if first is not None:
            first()
        while not errors and (bound := tasks.get()) is not None:
            note(bound[0], work(items[bound[0] : bound[1]]))
        if errors:
            raise errors[0]
        collector.join()
        if errors:
            raise errors[0]
        if len(parts) < len(bounds):
            raise BuildFailed("a worker process died; run again with --jobs 1 to see why")
    except BaseException:
        for process in processes:
            process.terminate()
        raise
    finally:
        for process in processes:
            process.join()
        collector.join()
        results.close()
        gc.unfreeze()
    return [r for start, _ in bounds for r in parts[start]]
