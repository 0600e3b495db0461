import multiprocessing
import os
import time

import pytest

from sitegen.errors import BuildFailed
from sitegen.parallel import run_chunks


def _pids(chunk):
    time.sleep(0.01)  # long enough for the fork to take chunks too
    return [(item, os.getpid()) for item in chunk]


def test_results_keep_item_order_and_this_process_takes_a_share():
    done = run_chunks(_pids, list(range(2000)), jobs=2, chunk_size=50)
    assert [item for item, _ in done] == list(range(2000))
    workers = {pid for _, pid in done}
    assert os.getpid() in workers
    assert len(workers) == 2


def test_the_first_job_runs_here_once_and_before_this_process_renders():
    seen = []
    done = run_chunks(
        _pids, list(range(1000)), jobs=2, chunk_size=50, first=lambda: seen.append(os.getpid())
    )
    assert seen == [os.getpid()]
    assert [item for item, _ in done] == list(range(1000))


def test_workers_keep_rendering_while_this_process_runs_the_first_job():
    """The first job (the search index, the data export…) takes seconds: the
    workers must not wait for it with only a chunk or two to do."""
    done = run_chunks(_pids, list(range(2000)), jobs=2, chunk_size=50, first=lambda: time.sleep(1))
    assert [item for item, _ in done] == list(range(2000))
    by_worker = sum(1 for _, pid in done if pid != os.getpid())
    assert by_worker >= 1500  # 40 chunks of 10 ms: the worker has done them all within the second


def _first_fails():
    time.sleep(0.2)
    raise BuildFailed("the first job failed")


def test_an_error_in_the_first_job_reaches_the_caller_after_it_ends():
    with pytest.raises(BuildFailed, match="first job failed"):
        run_chunks(_pids, list(range(2000)), jobs=2, chunk_size=50, first=_first_fails)


def test_the_first_job_runs_without_items_or_forks():
    seen = []
    assert run_chunks(_pids, [], jobs=2, first=lambda: seen.append(1)) == []
    assert seen == [1]


def _fails_on_777(chunk):
    if 777 in chunk:
        raise BuildFailed("item 777 is bad")
    return list(chunk)


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_an_error_in_any_worker_reaches_the_caller(jobs):
    with pytest.raises(BuildFailed, match="777"):
        run_chunks(_fails_on_777, list(range(3000)), jobs=jobs, chunk_size=100)


def _dies(chunk):
    if multiprocessing.parent_process() is not None:  # in a worker
        os._exit(3)
    time.sleep(0.01)  # leave chunks for the worker to take (and die on)
    return list(chunk)


def test_a_worker_that_dies_stops_the_run_with_a_message():
    with pytest.raises(BuildFailed, match="worker process died"):
        run_chunks(_dies, list(range(3000)), jobs=2, chunk_size=10)
