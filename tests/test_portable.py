import os
import subprocess
import sys
import textwrap

import pytest

from sitegen import portable

HOLD = """
import os, sys, time
from pathlib import Path
from sitegen import portable
release = portable.lock(Path(sys.argv[1]))
print("held" if release else "refused", flush=True)
if sys.argv[2] == "die":
    os._exit(0)  # killed, in effect: the lock is never released
time.sleep(60)
"""


def holder(path, then, portable_mode):
    """Another process that takes the lock, then dies or keeps it."""
    env = {**os.environ, "SITEGEN_PORTABLE": "1" if portable_mode else "0"}
    child = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(HOLD), str(path), then],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert child.stdout.readline().strip() == "held"
    return child


@pytest.fixture(params=[False, True], ids=["os-lock", "lock-file"])
def mode(request, monkeypatch):
    """Each lock test runs with the kernel's lock and with the lock file that
    Windows (and SITEGEN_PORTABLE) use."""
    monkeypatch.setattr(portable, "PORTABLE", request.param)
    return request.param


def test_a_lock_held_by_a_running_build_is_refused_then_free_once_it_ends(tmp_path, mode):
    path = tmp_path / "lock"
    child = holder(path, "keep", mode)
    try:
        assert portable.lock(path) is None
    finally:
        child.kill()
        child.wait()
    release = portable.lock(path)
    assert release is not None
    assert portable.lock(path) is None  # this process holds it now
    release()
    again = portable.lock(path)
    assert again is not None
    again()


def test_a_lock_left_by_a_killed_build_is_taken_over(tmp_path, mode):
    path = tmp_path / "lock"
    child = holder(path, "die", mode)
    child.wait()
    assert path.exists()  # what the killed build left
    release = portable.lock(path)
    assert release is not None
    release()


def test_a_lock_file_that_names_no_process_is_held(tmp_path, monkeypatch):
    """Half written, or not ours: never taken over on a guess."""
    monkeypatch.setattr(portable, "PORTABLE", True)
    path = tmp_path / "lock"
    path.write_text("")
    assert portable.lock(path) is None
    assert path.exists()


def test_workers_are_spawned_where_the_linux_paths_are_off(monkeypatch):
    monkeypatch.setattr(portable, "LINUX", False)
    assert portable.start_method() == "spawn"
    monkeypatch.setattr(portable, "LINUX", True)
    assert portable.start_method() == "fork"
