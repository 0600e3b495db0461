"""The single write point of a build.

A build writes nothing outside its output folder. New and changed files go
into a staging folder inside the output's own `.sitegen/` folder (which
also holds the build cache); only a build that finished moves them into
place, so a crash leaves the previous site untouched. Over an existing
site that folder is `.sitegen/pool/`, which keeps the previous version of
each replaced file for the next build to overwrite: at the price of that
disk space, a re-render allocates and frees no files (`--clean` drops it).
Paths are checked segment by segment, two sources may not claim one file
(nor one a file where the other needs a folder), and a file whose bytes did
not change is not written, so its modification time stays put for rsync
and deploys.
"""

from __future__ import annotations

import errno
import hashlib
import mmap
import os
import shutil
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from sitegen import portable
from sitegen.errors import BuildFailed, OutputPathError

INTERNAL = ".sitegen"  # ours, inside the output: cache and staging; marks the folder as ours
_INTERNAL_PREFIX = INTERNAL + "/"
_BAD_SEGMENTS = frozenset({"", ".", ".."})


def check_output_dir(output: Path, site_dir: Path) -> None:
    """Refuse output folders whose replacement would destroy something else."""
    output, site_dir = output.resolve(), site_dir.resolve()
    protected = {
        "the site folder": site_dir,
        "content/": site_dir / "content",
        "themes/": site_dir / "themes",
        "the current folder": Path.cwd().resolve(),
        "your home folder": Path.home().resolve(),
    }
    if output == Path(output.anchor):
        raise OutputPathError(
            "refusing to use / as the output folder",
            output,
            hint="pass --output pointing to a folder of its own",
        )
    for name, path in protected.items():
        if output == path or path.is_relative_to(output):
            raise OutputPathError(
                f"refusing to build into {output}: it is or contains {name}",
                output,
                hint="choose a dedicated folder such as output/",
            )
    for name in ("content/", "themes/"):
        if output.is_relative_to(protected[name]):
            raise OutputPathError(
                f"refusing to build inside {name}",
                output,
                hint="choose a folder outside content/ and themes/",
            )
    if output.exists():
        if not output.is_dir():
            raise OutputPathError(
                "the output path is a file", output, hint="remove it or pick another"
            )
        if any(output.iterdir()) and not (output / INTERNAL).is_dir():
            raise OutputPathError(
                "the output folder has files sitegen did not write",
                output,
                hint="empty it yourself or choose another --output; sitegen replaces it",
            )


def safe_relpath(rel: str) -> str:
    """Validate a site-relative file path; raise if it could leave the output."""
    if "\\" in rel or "\x00" in rel or rel.startswith("/"):
        raise BuildFailed(f"unsafe output path {rel!r}")
    if not _BAD_SEGMENTS.isdisjoint(rel.split("/")):
        raise BuildFailed(f"unsafe output path {rel!r}")
    return rel


class Writer:
    """Stage new and changed files; `commit` moves them into the output at the end.

    A file whose bytes did not change is not written at all, so its
    modification time stays put for rsync and deploys. Until `commit`, the
    output folder is not touched: a crash or a failed template leaves the
    previous site as it was.
    """

    def __init__(
        self,
        output: Path,
        previous: set[str] | None = None,
        keep_pool: bool = True,
        lock: OutputLock | None = None,
    ) -> None:
        self.output = output.resolve()
        self.previous = previous  # files of the last build, when known
        self.claims: dict[str, str] = {}  # casefolded path → origin
        self.folders: set[str] = set()  # casefolded folders that claimed files sit in
        self.trees: dict[str, str] = {}  # casefolded top-level folder → the origin of all in it
        self.paths: list[str] = []
        self.staged: list[str] = []
        self.unchanged = 0
        # Into an output holding no site yet, files are staged as the tree they
        # will form, and the commit moves a handful of top-level entries.
        self.fresh = not previous and not _has_site(self.output)
        self._made: set[str] = set()
        # A build holds the output from reading its cache to saving it (see
        # `OutputLock`); a writer made on its own locks the output itself.
        self._lock = None if lock is not None else OutputLock(self.output)
        pool = self.output / INTERNAL / "pool"
        try:
            if self.fresh or not keep_pool:
                shutil.rmtree(pool, ignore_errors=True)
            for left in (self.output / INTERNAL).glob("staging*"):  # a killed build's, if any
                shutil.rmtree(left, ignore_errors=True)
            self.staging = self.output / INTERNAL / "staging" if self.fresh else pool
            self.staging.mkdir(exist_ok=True)
        except OSError as exc:
            self._unlock(failed=True)  # a preview server builds again in this process
            raise os_failure(exc, self.output / INTERNAL, "cannot prepare the output") from None
        except BaseException:
            self._unlock(failed=True)
            raise

    def __getstate__(self) -> dict[str, Any]:
        """What a spawned render worker needs to stage files (see `stage`): not
        the claims of every file of the site, nor the lock, which stay here."""
        return {
            "output": self.output,
            "fresh": self.fresh,
            "staging": self.staging,
            "_made": set(),
            "_lock": None,
        }

    @property
    def written(self) -> int:
        return len(self.staged)

    def claim(self, rel: str, origin: str) -> bool:
        """Reserve `rel` for `origin`; False if another source already has it,
        or has a file where `rel` needs a folder, or files inside a folder `rel`."""
        key = safe_relpath(rel).casefold()
        claims, folders = self.claims, self.folders
        if key in claims or key in folders or key.startswith(_INTERNAL_PREFIX) or key == INTERNAL:
            return False
        if self.trees and key.partition("/")[0] in self.trees:
            return False
        folder = key.rpartition("/")[0]
        if folder and folder not in folders:
            parents = []
            while folder and folder not in folders:
                if folder in claims:
                    return False
                parents.append(folder)
                folder = folder.rpartition("/")[0]
            folders.update(parents)
        claims[key] = origin
        self.paths.append(rel)
        return True

    def claim_tree(self, folder: str, origin: str) -> bool:
        """Reserve a top-level folder and all below it for `origin`, which then puts
        its files there with `place` and `keep_placed`, claiming none by one: for
        thousands of files no one else may hold (a document's /id/ pages).
        False if anything already stands at or in `folder`."""
        key = safe_relpath(folder).casefold()
        if "/" in key or key in self.claims or key in self.folders or key in self.trees:
            return False
        self.trees[key] = origin
        return True

    def place(self, rel: str, data: bytes) -> None:
        """Stage a file in a claimed tree (see `claim_tree`)."""
        self.paths.append(safe_relpath(rel))
        self.put(rel, data)

    def keep_placed(self, rels: list[str]) -> None:
        """Keep the previous build's files, in a claimed tree, as they are."""
        self.paths.extend(rels)
        self.unchanged += len(rels)

    def owner(self, rel: str) -> str:
        """Who holds `rel` or a file where it needs a folder; for `claim`'s warnings."""
        key = rel.casefold()
        if key.partition("/")[0] in self.trees:
            return self.trees[key.partition("/")[0]]
        while key:
            if key in self.claims:
                return self.claims[key]
            key = key.rpartition("/")[0]
        return "files in a folder of that name" if rel.casefold() in self.folders else ""

    def _target(self, rel: str) -> str:
        """Where to stage a claimed `rel` (a string: a build stages 30,000 files).

        Over an existing site, staged files sit flat in the pool folder, named
        by a hash of their path: no folder is made or removed for them, and
        the commit swaps each changed file into the existing tree. Into a
        fresh output they are staged as their final tree (see `__init__`).
        """
        if not self.fresh:
            return os.path.join(self.staging, _staged_name(rel))
        path = os.path.join(self.staging, rel)
        folder = os.path.dirname(path)
        if folder not in self._made:
            try:
                os.mkdir(folder)  # its parent is usually there: a page's folder in a day's
            except FileExistsError:
                pass
            except FileNotFoundError:
                os.makedirs(folder, exist_ok=True)
            self._made.add(folder)
        return path

    def stage(self, rel: str, data: bytes | Iterable[bytes]) -> None:
        """Write a claimed file's new bytes to its staging place (safe in forked workers).

        Over an existing site that place is the file's slot in the pool,
        which holds the version the last change replaced: it is overwritten
        in place, so its inode and disk blocks are reused (see `portable.exchange`).
        A full disk stops the build with a message naming the file.
        """
        try:
            self._stage(rel, data)
        except OSError as exc:
            raise os_failure(exc, self.output / rel, "cannot write") from None

    def _stage(self, rel: str, data: bytes | Iterable[bytes]) -> None:
        path = self._target(rel)
        parts = (data,) if isinstance(data, bytes) else data
        if self.fresh:  # a new file in a new tree: nothing stands there to check
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            try:
                for part in parts:
                    write_all(fd, part)
            finally:
                os.close(fd)
            return
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | _NOFOLLOW, 0o666)
        except OSError:  # a symlink or folder stands there: never write through it
            _unlink_any(path)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            info = os.fstat(fd)
            if info.st_nlink > 1:  # linked from elsewhere (a backup?): never write through
                os.close(fd)
                fd = -1
                os.unlink(path)
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            size = 0
            for part in parts:
                write_all(fd, part)
                size += len(part)
            os.ftruncate(fd, size)
        finally:
            if fd >= 0:
                os.close(fd)

    def keep(self, rel: str, origin: str) -> bool:
        """Claim `rel` and keep the previous build's file as it is."""
        if not self.claim(rel, origin):
            return False
        self.unchanged += 1
        return True

    def write(self, rel: str, data: bytes, origin: str) -> bool:
        if not self.claim(rel, origin):
            return False
        self.put(rel, data)
        return True

    def write_parts(self, rel: str, parts: Iterable[bytes], origin: str) -> bool:
        """`write` for a large file made in parts (the data export's JSONL): each
        is written as it comes, so the whole is never held at once, and compared
        on the way with the file the output holds, which stays if they are the same."""
        if not self.claim(rel, origin):
            return False
        verdict: list[bool] = []
        self.stage(
            rel, parts if self.fresh else _compared(self.output / safe_relpath(rel), parts, verdict)
        )
        self.staged_by_worker(rel, self.fresh or not verdict[0])
        return True

    def differs(self, rel: str, data: bytes) -> bool:
        """Whether the output does not hold exactly `data` at `rel` (a fresh one holds nothing)."""
        return self.fresh or not same_bytes(self.output / safe_relpath(rel), data)

    def put(self, rel: str, data: bytes) -> bool:
        """Stage `data` unless the output already holds exactly these bytes."""
        changed = self.differs(rel, data)
        if changed:
            self.stage(rel, data)
        self.staged_by_worker(rel, changed)
        return changed

    def staged_by_worker(self, rel: str, changed: bool) -> None:
        if changed:
            self.staged.append(rel)
        else:
            self.unchanged += 1

    def copy(self, rel: str, source: Path, origin: str) -> bool:
        if not self.claim(rel, origin):
            return False
        try:
            before, now = (self.output / rel).stat(), source.stat()
            if before.st_size == now.st_size and before.st_mtime_ns == now.st_mtime_ns:
                self.unchanged += 1
                return True
        except OSError:
            pass
        try:
            target = self._target(rel)
            if os.path.lexists(target):  # copy2 would write through a pool file's links
                _unlink_any(target)
            shutil.copy2(source, target)
        except OSError as exc:
            raise os_failure(exc, self.output / rel, "cannot copy") from None
        self.staged.append(rel)
        return True

    def commit(self) -> set[str]:
        """Move staged files into the output and remove files no source claims.

        Returns the set of files the output now holds. A failure here is rare
        (moving files takes no space) and leaves each file whole, old or new.
        """
        try:
            return self._commit()
        except OSError as exc:
            where = exc.filename or self.output
            raise os_failure(exc, where, "cannot move the new site into place") from None

    def _commit(self) -> set[str]:
        out, staging = str(self.output), str(self.staging)
        if self.fresh:
            for name in os.listdir(staging):
                os.replace(os.path.join(staging, name), os.path.join(out, name))
            os.rmdir(staging)
            self._unlock()
            return self.outputs()
        ready: set[str] = set()
        for rel in self.staged:
            dest = os.path.join(out, rel)
            source = os.path.join(staging, _staged_name(rel))
            if _is_plain_file(dest) and portable.exchange(source, dest):
                continue  # the old page is now the pool's file, for a later build to overwrite
            folder = os.path.dirname(dest)
            if folder not in ready:
                try:
                    os.makedirs(folder, exist_ok=True)
                except (FileExistsError, NotADirectoryError):  # a file stands where a folder goes
                    _clear_path(out, folder)
                    os.makedirs(folder, exist_ok=True)
                ready.add(folder)
            try:
                os.replace(source, dest)
            except IsADirectoryError:  # a page now stands where a folder was
                shutil.rmtree(dest)
                os.replace(source, dest)
        current = self.outputs()
        old = self.previous if self.previous is not None else set(_walk(self.output))
        for rel in sorted(old - current, reverse=True):
            _remove(self.output, rel)
            (self.staging / _staged_name(rel)).unlink(missing_ok=True)
        self._unlock()
        return current

    def outputs(self) -> set[str]:
        return set(self.paths)

    def abort(self) -> None:
        """Drop what was staged; a first build that failed leaves no output folder."""
        if self.fresh:
            shutil.rmtree(self.staging, ignore_errors=True)
        self._unlock(failed=self.fresh)

    def _unlock(self, failed: bool = False) -> None:
        if self._lock is not None:
            self._lock.release(failed)
            self._lock = None


class OutputLock:
    """One build's hold on an output folder, from reading its cache to saving it.

    Two builds into one output would mix their files, and one saving its
    cache after another committed would make the next build trust pages it
    never wrote. A second build stops at once with a message; a killed
    build never leaves the lock held (see `portable.lock`).
    """

    def __init__(self, output: Path) -> None:
        internal = output / INTERNAL
        self._made = [path for path in (internal, output) if not path.is_dir()]
        internal.mkdir(parents=True, exist_ok=True)
        self.path = internal / "lock"
        try:
            self._release = portable.lock(self.path)
        except OSError as exc:
            raise os_failure(exc, self.path, "cannot lock the output") from None
        if self._release is None:
            raise BuildFailed(
                f"another sitegen build is writing {output}; "
                "wait for it to finish (or stop `sitegen serve`) and build again"
            )

    def release(self, failed: bool = False) -> None:
        """Let go; after a failed build into a folder this lock made, remove it again."""
        if self._release is None:
            return
        self._release()
        self._release = None
        if failed and self._made:
            self.path.unlink(missing_ok=True)
            for folder in self._made:
                try:
                    folder.rmdir()
                except OSError:
                    break

    def __enter__(self) -> OutputLock:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        self.release(failed=kind is not None)


def os_failure(exc: OSError, path: Path | str, doing: str) -> BuildFailed:
    """What the operating system refused, as one message naming the file and what to do."""
    reason = exc.strerror or str(exc)
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        hint = "free some space on that disk, or build to another --output, and build again"
    elif exc.errno == errno.EFBIG:
        hint = "a limit or the file system refuses files this large; build to another --output"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        hint = "make the folder writable, or build to another --output, and build again"
    else:
        hint = "fix the cause and build again"
    return BuildFailed(f"{doing}: {reason}", path, hint=hint)


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def _unlink_any(path: str) -> None:
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)
    else:
        os.unlink(path)


def _is_plain_file(path: str) -> bool:
    """A regular file, not a link to one: one `lstat` (a commit makes 20,000 of these)."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _has_site(output: Path) -> bool:
    """Whether `output` holds anything besides our own `.sitegen/` folder."""
    try:
        with os.scandir(output) as entries:
            return any(entry.name != INTERNAL for entry in entries)
    except OSError:
        return False


def _clear_path(root: str, folder: str) -> None:
    """Remove old output files standing where the folders of `folder` must go."""
    path = folder
    while len(path) > len(root):
        if os.path.isfile(path) or os.path.islink(path):
            os.unlink(path)
        path = os.path.dirname(path)


def _staged_name(rel: str) -> str:
    return hashlib.blake2b(rel.encode("utf-8"), digest_size=16).hexdigest()


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _compared(path: Path, parts: Iterable[bytes], verdict: list[bool]) -> Iterator[bytes]:
    """`parts`, passed on and compared on the way with the file at `path`
    (mapped, not read: a part costs no system call); `verdict` then holds
    whether the file held exactly these bytes."""
    old = mapped(path)
    same, at = old is not None, 0
    try:
        for part in parts:
            if same and old is not None:
                same = old[at : at + len(part)] == part
                at += len(part)
            yield part
        same = same and old is not None and at == len(old)
    finally:
        if old is not None:
            old.close()
    verdict.append(same)


def mapped(path: Path) -> mmap.mmap | None:
    """The file mapped for reading (the caller closes it, before the output is
    committed: Windows moves no file that is mapped), or None."""
    try:
        with path.open("rb") as handle:
            return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):  # missing, or empty: mmap maps no empty file
        return None


def same_bytes(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def _walk(root: Path) -> list[str]:
    """Files of a previous output, without our own `.sitegen/` folder."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        if Path(dirpath) == root and INTERNAL in dirnames:
            dirnames.remove(INTERNAL)
        found += [(Path(dirpath) / name).relative_to(root).as_posix() for name in filenames]
    return found


def _remove(root: Path, rel: str) -> None:
    """Delete one stale output file and the folders it leaves empty."""
    path = root / safe_relpath(rel)
    try:
        path.unlink()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return  # already gone, or replaced by a page or folder of this build
    parent = path.parent
    while parent != root:
        try:
            parent.rmdir()
        except OSError:
            break
        parent = parent.parent
