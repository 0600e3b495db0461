"""What sitegen does differently on one kind of machine, all in one place.

sitegen runs the same on Linux, macOS and Windows. A faster path that only
some systems offer is kept only where it measured a gain of 10% or more
(bench/README.md, "Machine-specific paths"), and each lives here behind
one function with a portable default. Setting the environment variable
SITEGEN_PORTABLE=1 switches all of them off, so that on Linux the tests
run as they would on macOS or Windows: CI runs the suite both ways.
"""

from __future__ import annotations

import ctypes
import errno
import multiprocessing
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

PORTABLE = os.environ.get("SITEGEN_PORTABLE", "") not in ("", "0")
LINUX = sys.platform == "linux" and not PORTABLE


def start_method() -> str:
    """How worker processes start: forked on Linux, where they inherit the
    build's documents and pages instead of unpickling them; spawned elsewhere,
    as macOS and Windows start them."""
    if LINUX and "fork" in multiprocessing.get_all_start_methods():
        return "fork"
    return "spawn"


def lock(path: Path) -> Callable[[], None] | None:
    """Hold the lock file `path` until the returned function is called; None
    while another process holds it.

    Where there is `fcntl` (Linux, macOS), the lock is the kernel's, and a
    killed build never leaves it held. Elsewhere (Windows, SITEGEN_PORTABLE)
    the lock is the file itself, made only if it does not exist and removed
    on release; a file left by a killed build is taken over (see `_stale`).
    """
    if fcntl is not None and not PORTABLE:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return None
        return lambda: os.close(fd)
    for _ in range(2):
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            if not _stale(path):
                return None
            continue
        try:
            os.write(fd, str(os.getpid()).encode())
        except OSError:  # a full disk: leave no lock file behind
            _release(fd, path)
            raise
        return lambda: _release(fd, path)
    return None


def _release(fd: int, path: Path) -> None:
    os.close(fd)
    path.unlink(missing_ok=True)


def _stale(path: Path) -> bool:
    """Whether a lock file was left by a build that no longer runs (then it is removed).

    Windows refuses to delete a file another process holds open, as the
    lock's holder does; elsewhere the file names the holder's process.
    """
    if os.name == "nt":
        try:
            path.unlink()
        except PermissionError:
            return False
        except FileNotFoundError:
            pass
        return True
    try:
        pid = int(path.read_text(encoding="ascii"))
    except (OSError, ValueError):  # being written this instant, or not ours: held
        return False
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except OSError as exc:
        if exc.errno != errno.ESRCH:
            return False  # alive, but another user's
    else:
        return False
    path.unlink(missing_ok=True)
    return True


def exchange_available() -> bool:
    return _renameat2 is not None


def exchange(a: str, b: str) -> bool:
    """Swap two files in one atomic step (Linux `renameat2` with RENAME_EXCHANGE).

    Replacing a page this way frees no inode and no disk block: the old file
    moves to the output's pool and a later build writes over it. False where
    the call is missing or refused; the caller then replaces the file.
    """
    if _renameat2 is None:
        return False
    return _renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0


def _libc_function(name: str, argtypes: list[Any]) -> Callable[..., int] | None:
    """A function of Linux's C library returning an int; None elsewhere or if missing."""
    if not LINUX:
        return None
    try:
        function = getattr(ctypes.CDLL(None, use_errno=True), name)
    except (OSError, AttributeError):
        return None
    function.argtypes = argtypes
    function.restype = ctypes.c_int
    return function


_AT_FDCWD, _RENAME_EXCHANGE = -100, 2
_renameat2 = _libc_function(
    "renameat2", [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
)
