"""Every failure leaves the archive whole: a killed build, a full disk, two
builds at once, a damaged cache.

Builds run as the real `sitegen` command in a child process wherever the
failure is the process's own (killed, refused a write, racing another).
Nothing in sitegen knows it is being tested: kills are timed from what the
build leaves on disk, a full disk is a patched low-level write or a file
size limit set on the child.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, post

from sitegen import cache
from sitegen.build import build
from sitegen.config import load_config
from sitegen.report import BufferReporter

POSTS = 150  # a few hundred pages: a build lasts long enough to be caught mid-way


@pytest.fixture
def archive(make_site):
    """A site whose every page changes with its title (see `retitle`)."""
    files = {
        f"p{i:03d}.md": post(
            f"第{i}篇",
            f"2021-{1 + i % 12:02d}-{1 + i % 28:02d} 08:00:00",
            body=f"正文{i}。" + "吉林市疫情防控" * 40,
            categories=f"[新闻, 城市{i % 7}]",
            tags=f"[标签{i % 11}]",
        )
        for i in range(POSTS)
    }
    return make_site(files, "per_page: 5\n")


def retitle(site: Path, title: str) -> None:
    config = site / "site.yml"
    text = re.sub(r"^title: .*$", f"title: {title}", config.read_text("utf-8"), flags=re.M)
    config.write_text(text, encoding="utf-8")


def files_of(out: Path) -> dict[str, str]:
    """Every file of a built site with a hash of its bytes, without sitegen's own folder."""
    return {
        path.relative_to(out).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in out.rglob("*")
        if path.is_file() and ".sitegen" not in path.relative_to(out).parts
    }


def command(*args: str, patch: str = "") -> list[str]:
    """The `sitegen` command; `patch`, Python run first in the child, stands in for the disk."""
    if not patch:
        return [sys.executable, "-m", "sitegen", *args]
    code = f"{patch}\nfrom sitegen.cli import main\nmain({list(args)!r}, prog_name='sitegen')\n"
    return [sys.executable, "-c", code]


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO)}


def sitegen(*args: str, patch: str = "", **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        command(*args, patch=patch),
        capture_output=True,
        text=True,
        env=env(),
        timeout=120,
        **kwargs,
    )


def start(*args: str, patch: str = "") -> subprocess.Popen:
    return subprocess.Popen(
        command(*args, patch=patch),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env(),
    )


def clean_build(site: Path, out: Path, *args: str) -> dict[str, str]:
    done = sitegen("build", "--site", str(site), "--output", str(out), "--clean", *args)
    assert done.returncode == 0, done.stderr
    return files_of(out)


def no_traceback(stderr: str) -> None:
    assert "Traceback" not in stderr and 'File "' not in stderr, stderr


# A killed build ------------------------------------------------------------


def pages_staged_since(pool: Path, since: int) -> int:
    try:
        with os.scandir(pool) as entries:
            return sum(1 for entry in entries if entry.stat().st_mtime_ns >= since)
    except OSError:
        return 0


KILL_POINTS = {
    "first page staged": lambda out, since: pages_staged_since(out / ".sitegen/pool", since) > 0,
    "half the pages staged": lambda out, since: (
        pages_staged_since(out / ".sitegen/pool", since) > POSTS
    ),
    # Its state is saved beside the last one first (`name.pickle.<pid>`).
    "saving the cache": lambda out, since: any(
        ".pickle." in name for name in os.listdir(out / ".sitegen")
    ),
    # The build forgets its saved state just before it moves files into place.
    "moving into place": lambda out, since: not (out / ".sitegen/summary.pickle").exists(),
}


def kill_when(process: subprocess.Popen, reached, out: Path, since: int) -> bool:
    """SIGKILL `process` as soon as `reached` holds; False if it ended first."""
    while process.poll() is None:
        if reached(out, since):
            process.send_signal(signal.SIGKILL)
            process.wait()
            return True
    return False


def test_a_killed_build_leaves_the_old_site_and_the_next_build_completes(archive, tmp_path):
    """At each point the old site stays as it was; once files move into place,
    each file is whole, old or new. The next build, without --clean, gives
    exactly the site a clean build gives."""
    site, out = archive, archive / "output"
    expected = {}
    for title in ("旧站名", "新站名"):
        retitle(site, title)
        expected[title] = clean_build(site, tmp_path / title)
    assert sitegen("build", "--site", str(site)).returncode == 0  # 新站名, with its cache
    now = "新站名"
    for point, reached in KILL_POINTS.items():
        old, now = now, ("旧站名" if now == "新站名" else "新站名")
        retitle(site, now)
        since = time.time_ns()
        process = start("build", "--site", str(site), "--jobs", "1")
        assert kill_when(process, reached, out, since), f"the build ended before {point}"
        after = files_of(out)
        if (out / ".sitegen/summary.pickle").exists():
            assert after == expected[old], f"killed at {point}: the old site changed"
        else:
            for rel, digest in after.items():
                assert digest in (expected[old].get(rel), expected[now].get(rel)), (point, rel)
            assert set(expected[old]) <= set(after), f"killed at {point}: old pages went missing"
        again = sitegen("build", "--site", str(site))
        assert again.returncode == 0, (point, again.stderr)
        assert files_of(out) == expected[now], f"the build after a kill at {point}"
        left = [p.name for p in (out / ".sitegen").rglob("*.pickle.*")]
        assert left == [], f"half-written cache files of the killed build stayed: {left}"


# A full disk ---------------------------------------------------------------

# Fails the n-th write of file data as a full disk would (the count is of
# writes to regular files, so pipes to workers are left alone).
FULL_DISK = """
import errno, os, stat
real_write, count = os.write, [0]
def write(fd, data):
    if stat.S_ISREG(os.fstat(fd).st_mode):
        count[0] += 1
        if count[0] >= {at}:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    return real_write(fd, data)
os.write = write
"""


@pytest.fixture
def built(archive, tmp_path):
    """The archive built once, then retitled: the next build rewrites every page."""
    out = archive / "output"
    assert sitegen("build", "--site", str(archive)).returncode == 0
    before = files_of(out)
    retitle(archive, "新站名")
    return archive, out, before, clean_build(archive, tmp_path / "clean")


@pytest.mark.parametrize("at", [1, 250])
def test_a_full_disk_while_writing_pages_is_one_clear_error_and_the_old_site_stays(built, at):
    site, out, before, after = built
    done = sitegen("build", "--site", str(site), "--jobs", "1", patch=FULL_DISK.format(at=at))
    assert done.returncode == 2
    no_traceback(done.stderr)
    [line] = done.stderr.strip().splitlines()
    assert line.startswith(f"error: {out.resolve()}/"), line
    assert "No space left on device" in line and "free some space" in line
    assert files_of(out) == before
    assert sitegen("build", "--site", str(site)).returncode == 0
    assert files_of(out) == after


def limit_file_size(size: int):
    """For the child: files may not grow past `size` bytes (writes beyond fail with EFBIG)."""

    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    return apply


def test_a_disk_that_refuses_the_cache_stops_the_build_before_the_site_changes(built):
    """The saved state and the data export with every text are the largest files
    a build of this site writes: a limit below them (but above every page)
    refuses the last files a build writes, as a disk filling up at the end would."""
    site, out, before, after = built
    largest_page = max(
        path.stat().st_size
        for path in out.rglob("*")
        if path.is_file()
        if ".sitegen" not in path.parts and path.name != "documents.jsonl"
    )
    state = (out / ".sitegen/state.pickle").stat().st_size
    assert largest_page < state
    limit = (largest_page + state) // 2
    done = subprocess.run(
        command("build", "--site", str(site)),
        capture_output=True,
        text=True,
        env=env(),
        timeout=120,
        preexec_fn=limit_file_size(limit),
    )
    assert done.returncode == 2
    no_traceback(done.stderr)
    [line] = done.stderr.strip().splitlines()
    assert "File too large" in line and (
        "state.pickle: cannot save the build cache" in line or "documents.jsonl" in line
    ), line
    assert files_of(out) == before, "the site is not replaced without its cache"
    assert not list((out / ".sitegen").rglob("*.pickle.*"))
    assert sitegen("build", "--site", str(site)).returncode == 0
    assert files_of(out) == after
    assert "up to date" in sitegen("build", "--site", str(site)).stderr


# Two builds at once --------------------------------------------------------


def refused_or_done(process: subprocess.Popen) -> str:
    """A build that ran beside another either finished or stopped with one clear line."""
    _, stderr = process.communicate(timeout=120)
    no_traceback(stderr)
    if process.returncode == 0:
        return "built"
    assert process.returncode == 2, stderr
    assert re.fullmatch(
        r"error: another sitegen build is writing \S+; wait for it to finish .*\n", stderr
    ), stderr
    return "refused"


def test_two_builds_started_together_leave_one_whole_site_and_a_true_cache(built):
    site, out, _, after = built
    first, second = start("build", "--site", str(site)), start("build", "--site", str(site))
    outcomes = {refused_or_done(first), refused_or_done(second)}
    assert "built" in outcomes
    assert files_of(out) == after
    assert "up to date" in sitegen("build", "--site", str(site)).stderr
    assert files_of(out) == after


# Sleeps in the first write of the cache, after touching `marker`: a slow disk.
SLOW_CACHE = """
import time
from pathlib import Path
import sitegen.cache
real_save = sitegen.cache._save
def slow(path, value):
    marker = Path({marker!r})
    if not marker.exists():
        marker.touch()
        time.sleep(2)
    return real_save(path, value)
sitegen.cache._save = slow
"""


def test_a_build_started_while_another_saves_its_cache_cannot_mix_the_two(built, tmp_path):
    """Two builds for two base URLs: the one started while the other is saving
    its cache must not let the output hold one build's pages under the other's
    cache, which would make the next build call a wrong site up to date."""
    site, out, _, _ = built
    urls = {name: f"https://{name}.example/archive/" for name in ("a", "b")}
    expected = {
        name: clean_build(site, tmp_path / name, "--base-url", url) for name, url in urls.items()
    }
    marker = tmp_path / "saving"
    slow = start(
        "build",
        "--site",
        str(site),
        "--base-url",
        urls["a"],
        patch=SLOW_CACHE.format(marker=str(marker)),
    )
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert slow.poll() is None and time.monotonic() < deadline, "never saved its cache"
        time.sleep(0.01)
    beside = start("build", "--site", str(site), "--base-url", urls["b"])
    refused_or_done(beside)
    assert refused_or_done(slow) == "built"
    for name in ("a", "b", "a"):
        done = sitegen("build", "--site", str(site), "--base-url", urls[name])
        assert done.returncode == 0, done.stderr
        assert files_of(out) == expected[name], f"the build for {name} after both"


def test_a_preview_stopping_after_a_build_beside_it_keeps_that_builds_cache(small, tmp_path):
    """`sitegen serve` saves its cache when it stops; a `sitegen build` made
    meanwhile into the same output wrote both the pages and the cache, and
    the preview's older state must not be saved over it."""
    config = load_config(small)
    session = cache.Session()
    build(config, BufferReporter(), jobs=1, session=session)
    deploy = load_config(small, base_url="https://example.org/archive/")
    build(deploy, BufferReporter(), jobs=1)
    session.save(config)  # the preview stops
    expected = {}
    for name, each in {"preview": config, "deploy": deploy}.items():
        clean = load_config(small, tmp_path / name, base_url=each.base_url)
        build(clean, BufferReporter(), jobs=1, use_cache=False)
        expected[name] = files_of(clean.output_dir)
    build(config, BufferReporter(), jobs=1)
    assert files_of(config.output_dir) == expected["preview"]


# A damaged cache -----------------------------------------------------------


@pytest.fixture
def small(make_site):
    files = {f"p{i:02d}.md": post(f"第{i:02d}篇", f"2021-03-{10 + i} 08:00:00") for i in range(12)}
    return make_site(files)


def run(site: Path):
    reporter = BufferReporter()
    result = build(load_config(site), reporter, jobs=1)
    return result, reporter


def shard(out: Path) -> Path:
    return sorted((out / ".sitegen/documents").iterdir())[0]


DAMAGE = {
    "emptied": lambda data: b"",
    "cut to one byte": lambda data: data[:1],
    "cut in half": lambda data: data[: len(data) // 2],
    "one byte short": lambda data: data[:-1],
    "overwritten": lambda data: b"\x80\x05garbage" * 8,
}
WHICH = {
    "summary": lambda out: out / ".sitegen/summary.pickle",
    "state": lambda out: out / ".sitegen/state.pickle",
    "parsed documents": shard,
}


@pytest.mark.parametrize("damage", DAMAGE)
@pytest.mark.parametrize("which", WHICH)
def test_a_damaged_cache_file_is_made_anew_with_a_note(small, tmp_path, which, damage):
    first, _ = run(small)
    out = load_config(small).output_dir
    path = WHICH[which](out)
    path.write_bytes(DAMAGE[damage](path.read_bytes()))
    edited = small / "content" / "p03.md"
    edited.write_text(post("改过的标题", "2021-03-13 08:00:00"), encoding="utf-8")
    second, reporter = run(small)
    assert second.ok
    assert [w for w in reporter.warnings if "build cache" in w or "cannot be read" in w], (
        reporter.warnings
    )
    assert any(str(path.parent) in w for w in reporter.warnings)
    clean = load_config(small, tmp_path / "clean")
    build(clean, BufferReporter(), jobs=1, use_cache=False)
    assert files_of(out) == files_of(clean.output_dir)
    third, reporter = run(small)
    assert third.up_to_date and not reporter.warnings, "the cache was saved again, whole"


@pytest.mark.parametrize("which", ["summary", "state"])
def test_a_cache_from_an_older_sitegen_is_made_anew_with_a_note(small, which):
    run(small)
    out = load_config(small).output_dir
    path = WHICH[which](out)
    old = pickle.loads(path.read_bytes())
    old.format = cache.FORMAT - 1
    path.write_bytes(pickle.dumps(old))
    (small / "content" / "p03.md").write_text(post("改过", "2021-03-13 08:00:00"), "utf-8")
    second, reporter = run(small)
    assert second.ok and second.parsed == (12 if which == "state" else 1)
    assert any("another version of sitegen" in w and str(path) in w for w in reporter.warnings)
    assert run(small)[0].up_to_date


def test_the_command_says_so_in_one_line_and_never_shows_a_traceback(small):
    assert sitegen("build", "--site", str(small)).returncode == 0
    out = small / "output"
    (out / ".sitegen/state.pickle").write_bytes(b"\x80\x05\x95")
    (out / ".sitegen/summary.pickle").write_bytes(b"")
    done = sitegen("build", "--site", str(small))
    assert done.returncode == 0
    no_traceback(done.stderr)
    notes = [line for line in done.stderr.splitlines() if line.startswith("warning:")]
    assert len(notes) == 2 and all("build cache cannot be read" in n for n in notes), notes
