"""The `sitegen` command: parse options, call one function, map errors to exit codes.

Exit codes: 0 success; 1 some documents failed (the rest was built) or
`check` found problems; 2 nothing was built (bad config, output path, theme).
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from sitegen import __version__
from sitegen.config import load_config
from sitegen.errors import SitegenError
from sitegen.report import ConsoleReporter


def _friendly(func):
    """Our errors become one message and exit 2; --debug shows tracebacks."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        debug = kwargs.get("debug", False)
        try:
            return func(*args, **kwargs)
        except SitegenError as exc:
            if debug:
                raise
            click.echo(f"error: {exc}", err=True)
            sys.exit(2)
        except OSError as exc:  # one the build did not name (it names its own writes)
            if debug:
                raise
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"error: {where}{exc.strerror or exc}", err=True)
            sys.exit(2)
        except KeyboardInterrupt:
            click.echo("interrupted; the previous output is untouched", err=True)
            sys.exit(130)

    return wrapper


@click.group()
@click.version_option(__version__, prog_name="sitegen")
def main() -> None:
    """sitegen: build a browsable, searchable static site from an archive."""


site_option = click.option(
    "--site",
    "site_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="site folder holding site.yml, content/ and themes/",
)


POSITIVE = click.FloatRange(min=0, min_open=True)


def fetch_options(func):
    """The options of fetching images, shared by `images` and `import --images`."""
    for option in reversed(
        [
            click.option(
                "--workers",
                type=click.IntRange(min=1),
                default=4,
                show_default=True,
                help="downloads at once, over all hosts (one host is asked once a second)",
            ),
            click.option(
                "--timeout", type=POSITIVE, default=15.0, help="seconds a connection may wait (15)"
            ),
            click.option(
                "--max-mb", type=POSITIVE, default=20.0, help="largest image kept, in MB (20)"
            ),
            click.option(
                "--allow-private",
                is_flag=True,
                help="fetch from private, loopback and link-local addresses too "
                "(a mirror you trust)",
            ),
        ]
    ):
        func = option(func)
    return func


@main.command()
@site_option
@click.option(
    "--output",
    "output_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="output folder (default: SITE/output)",
)
@click.option("--base-url", default=None, help="override base_url from site.yml")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="worker processes (default: all cores)",
)
@click.option("--clean", is_flag=True, help="ignore the build cache and render everything")
@click.option("--debug", is_flag=True, help="show tracebacks")
@click.option("--quiet", "-q", is_flag=True, help="only warnings and errors")
@_friendly
def build(
    site_dir: Path,
    output_dir: Path | None,
    base_url: str | None,
    jobs: int | None,
    clean: bool,
    debug: bool,
    quiet: bool,
) -> None:
    """Build the site into the output folder."""
    from sitegen.build import build as run_build

    config = load_config(site_dir, output_dir, base_url)
    reporter = ConsoleReporter(quiet=quiet)
    result = run_build(config, reporter, jobs=jobs, use_cache=not clean)
    if result.up_to_date:
        reporter.info(f"up to date ({result.pages} pages) in {result.seconds:.2f}s")
    else:
        reporter.info(
            f"{result.documents} documents ({result.drafts} drafts skipped), "
            f"{result.pages} pages: {result.rendered} rendered, {result.written} files written, "
            f"in {result.seconds:.2f}s → {config.output_dir}"
        )
    if result.failures:
        click.echo(f"{len(result.failures)} document(s) failed and were skipped", err=True)
        sys.exit(1)


@main.command(name="import")
@click.argument(
    "files",
    nargs=-1,
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
)
@site_option
@click.option(
    "--kind",
    default="auto",
    show_default=True,
    # Checked by the importers, which know their kinds; importing them here would
    # load their parsers into every `sitegen build`.
    help="what the files are: auto, post, newspaper, periodical, webpage, pdf, html or warc",
)
@click.option("--publication", default=None, help="newspaper or periodical name")
@click.option(
    "--date",
    "date_text",
    default=None,
    metavar="YYYY-MM-DD",
    help="issue date when the text has no masthead",
)
@click.option("--issue", default=None, help="issue label, e.g. 总第8491期")
@click.option("--page", type=click.IntRange(min=1), default=None, help="page number")
@click.option("--into", default=None, help="subfolder of content/ to write into")
@click.option("--dry-run", is_flag=True, help="show what would be written, write nothing")
@click.option(
    "--images",
    "keep_images",
    is_flag=True,
    help="then keep a copy of the images the imported documents hotlink (as `sitegen images`)",
)
@fetch_options
@click.option("--debug", is_flag=True, help="show tracebacks")
@_friendly
def import_(
    files: tuple[Path, ...],
    site_dir: Path,
    kind: str,
    publication: str | None,
    date_text: str | None,
    issue: str | None,
    page: int | None,
    into: str | None,
    dry_run: bool,
    keep_images: bool,
    workers: int,
    timeout: float,
    max_mb: float,
    allow_private: bool,
    debug: bool,
) -> None:
    """Import converted texts (newspaper pages, periodicals, web scrapes) into content/.

    With --images, the images the written documents hotlink are then fetched
    and kept as `sitegen images` keeps them (same options, same rules); exit
    1 if any of them failed or was refused (the documents are written).
    """
    import datetime as dt

    from sitegen.importers import ImportOptions, import_files

    day = None
    if date_text:
        try:
            day = dt.date.fromisoformat(date_text)
        except ValueError:
            raise SitegenError(
                f"--date {date_text!r} is not a date", hint="use YYYY-MM-DD"
            ) from None
    reporter = ConsoleReporter()
    options = ImportOptions(
        kind=kind,
        publication=publication,
        date=day,
        issue=issue,
        page=page,
        into=Path(into) if into else None,
    )
    written = import_files(
        list(files), options, content_dir=site_dir / "content", reporter=reporter, dry_run=dry_run
    )
    for path in written:
        click.echo(f"{'would write' if dry_run else 'wrote'} {path}")
    if dry_run:
        reporter.info(f"{len(written)} files would be written; nothing was (--dry-run)")
        return
    reporter.info(f"{len(written)} files written; run `sitegen build` to see them")
    if keep_images:
        config = load_config(site_dir)
        documents = [
            (path.relative_to(config.content_dir).as_posix(), path)
            for path in written
            if path.suffix == ".md"
        ]
        if not _keep_images(config, documents, reporter, workers, timeout, max_mb, allow_private):
            sys.exit(1)


SAMPLE_POST = """---
title: 第一篇文章
date: {date}
categories: [示例]
tags: [开始]
---

这是一个新的 sitegen 档案站点。把文章放进 `content/`，然后运行 `sitegen build`。
"""

SAMPLE_CONFIG = """title: 我的档案
description: 一个 sitegen 档案站点
language: zh-CN
timezone: Asia/Shanghai
base_url: http://127.0.0.1:8000/
"""


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@_friendly
def init(directory: Path) -> None:
    """Create a new, nearly empty site in DIRECTORY."""
    import datetime as dt

    if directory.exists() and any(directory.iterdir()):
        raise SitegenError("the folder is not empty", directory, hint="choose a new folder")
    (directory / "content").mkdir(parents=True, exist_ok=True)
    (directory / "themes").mkdir(exist_ok=True)
    (directory / "site.yml").write_text(SAMPLE_CONFIG, encoding="utf-8")
    today = dt.date.today().isoformat()
    (directory / "content" / "hello.md").write_text(SAMPLE_POST.format(date=today), "utf-8")
    (directory / ".gitignore").write_text("/output/\n", encoding="utf-8")
    click.echo(f"created {directory}; next: sitegen build --site {directory}")


@main.command()
@site_option
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="address to listen on; anything but loopback lets other machines in",
)
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="0: any free"
)
@click.option("--no-reload", is_flag=True, help="serve only: no watching, rebuilds or reloads")
@click.option("--open", "open_browser", is_flag=True, help="open the site in a web browser")
@click.option("--debug", is_flag=True, help="show tracebacks")
@_friendly
def serve(
    site_dir: Path, host: str, port: int, no_reload: bool, open_browser: bool, debug: bool
) -> None:
    """Build and serve the site; rebuild and reload open pages on every change."""
    from sitegen.preview import Preview

    config = load_config(site_dir)
    preview = Preview(config, ConsoleReporter(), host, port, live=not no_reload)
    preview.run(open_browser=open_browser)


@main.command()
@site_option
@click.option("--debug", is_flag=True, help="show tracebacks")
@_friendly
def check(site_dir: Path, debug: bool) -> None:
    """Check all content and internal links; write nothing. Exit 1 on problems."""
    from sitegen.check import check_site

    problems = check_site(load_config(site_dir))
    for problem in problems:
        click.echo(str(problem))
    if problems:
        click.echo(f"{len(problems)} problem(s)", err=True)
        sys.exit(1)
    click.echo("no problems found", err=True)


@main.command()
@site_option
@click.option("--debug", is_flag=True, help="show tracebacks")
@_friendly
def ids(site_dir: Path, debug: bool) -> None:
    """Write each document's id into its front matter, where only its path gives one.

    A document's id (its /id/ address, what citations name) comes from its
    `id:`, its original or its web address; for a document with none of them
    it comes from its path, which a move changes. This writes those ids down,
    once: one `id:` line each, nothing else in the files changes.
    """
    from sitegen.build import load_site
    from sitegen.ids import write_ids
    from sitegen.report import BufferReporter

    config = load_config(site_dir)
    loaded = load_site(config, BufferReporter())
    todo = [(d.source, d.id) for d in loaded.catalog.documents if d.id_from_path]
    written = write_ids(config.content_dir, todo)
    for source in written:
        click.echo(f"{config.content}/{source}: id written")
    click.echo(
        f"{len(written)} id(s) written; every document's id now stays when it moves", err=True
    )


@main.command()
@site_option
@click.option("--dry-run", is_flag=True, help="say what would be written; write nothing")
@click.option("--debug", is_flag=True, help="show tracebacks")
@_friendly
def aliases(site_dir: Path, dry_run: bool, debug: bool) -> None:
    """Keep the addresses documents left: write them in as `aliases`.

    A retitle or a move changes a document's URL, and a citation of the old
    one would stop working. Each build notes the old address (and warns);
    this writes it into the document's front matter, so that every later
    build, here or anywhere, redirects it to where the document is now.
    """
    from sitegen.aliases import load_left, pending, write_aliases
    from sitegen.build import load_site
    from sitegen.check import built_files
    from sitegen.report import BufferReporter

    config = load_config(site_dir)
    loaded = load_site(config, BufferReporter())
    todo = pending(loaded.catalog.documents, load_left(config), built_files(loaded, config))
    if dry_run:
        for doc, urls in todo:
            click.echo(f"{config.content}/{doc.source}: would add aliases {_listed(urls)}")
        click.echo(f"{len(todo)} document(s) would keep their old addresses", err=True)
        return
    written, by_hand = write_aliases(config.content_dir, todo)
    for source, urls in written:
        click.echo(f"{config.content}/{source}: aliases {_listed(urls)} added")
    for source, urls in by_hand:
        click.echo(
            f"{config.content}/{source}: add {_listed(urls)} to its `aliases` by hand "
            "(written in a form sitegen does not edit)",
            err=True,
        )
    click.echo(f"{len(written)} document(s) keep their old addresses from the next build", err=True)


def _listed(urls: list[str]) -> str:
    return ", ".join("/" + url.lstrip("/") for url in urls)


@main.command()
@site_option
@fetch_options
@click.option("--debug", is_flag=True, help="show tracebacks")
@_friendly
def images(
    site_dir: Path, workers: int, timeout: float, max_mb: float, allow_private: bool, debug: bool
) -> None:
    """Keep a copy of every image the documents hotlink, so pages outlive their hosts.

    Finds the image URLs of every document (HTML, Markdown, and front-matter
    cover, headimg, thumbnail…), unwraps proxy forms to the original URL,
    fetches each original once (public addresses only, politely) and stores
    its bytes unchanged under their SHA-256 in content/assets/images/, with
    the record of each URL in content/assets/images/manifest.jsonl. With
    Pillow installed, it also makes smaller copies of each (for srcset) and a
    preview, in content/assets/images/variants/. The next build shows the
    stored copies.

    Resumable: what finished is kept even if the run is stopped (Ctrl-C); the
    next run fetches only what is not stored yet, and tries failures again.
    Exit 1 if any image failed or was refused, 0 otherwise.
    """
    from sitegen.sources.discover import discover

    config = load_config(site_dir)
    reporter = ConsoleReporter()
    files, warnings = discover(config.content_dir, config.exclude, config.hexo)
    for warning in warnings:
        reporter.warning(warning)
    documents = [(item.rel, item.path) for item in files if item.is_document]
    if not _keep_images(config, documents, reporter, workers, timeout, max_mb, allow_private):
        sys.exit(1)


def _keep_images(
    config,
    documents: list[tuple[str, Path]],
    reporter: ConsoleReporter,
    workers: int,
    timeout: float,
    max_mb: float,
    allow_private: bool,
) -> bool:
    """Fetch and keep the images of `documents` (path under content/, file),
    make their smaller copies, and say what happened; False if any image
    failed or was refused."""
    from sitegen.errors import ContentError
    from sitegen.fetch import FetchOptions, archive_images
    from sitegen.images import IMAGES_DIR
    from sitegen.sources.document import decode
    from sitegen.variants import add_variants

    def texts():
        for rel, path in documents:
            where = f"{config.content}/{rel}"
            try:
                yield where, decode(path.read_bytes(), where)
            except ContentError as exc:
                reporter.warning(f"{exc} (its images are skipped)")

    fetching = FetchOptions(
        timeout=timeout,
        max_bytes=int(max_mb * 1024 * 1024),
        workers=workers,
        allow_private=allow_private,
    )
    store = f"{config.content}/{IMAGES_DIR}/"
    try:
        summary = archive_images(config.content_dir, texts(), reporter, fetching)
        made = add_variants(config.content_dir, reporter, fetching.max_pixels)
    except KeyboardInterrupt:
        click.echo(
            f"interrupted; the images stored so far are kept in {store}manifest.jsonl, "
            "and `sitegen images` goes on from there",
            err=True,
        )
        sys.exit(130)
    new = "nothing new to fetch; " if summary.already == summary.found else ""
    reporter.info(
        f"{new}{summary.found} image(s) found: {summary.already} already stored, "
        f"{summary.fetched} fetched, {summary.failed} failed, {summary.refused} refused → {store}"
    )
    if not made.available:
        reporter.info(
            "Pillow is not installed: no smaller copies for srcset "
            "(pip install 'sitegen[images]' makes them on the next run)"
        )
    elif made.made or made.small or made.unusable:
        others = [f"{made.small} too small to need them"] if made.small else []
        others += [f"{made.unusable} without (animated or unreadable)"] if made.unusable else []
        reporter.info(
            f"smaller copies made of {made.made} image(s) → {store}variants/"
            + (f"; {', '.join(others)}" if others else "")
        )
    if not (summary.failed or summary.refused):
        return True
    if any("not a public address" in w for w in reporter.warnings):
        click.echo(
            "refused: private, loopback and reserved addresses are not fetched; "
            "--allow-private fetches them (only for hosts you trust)",
            err=True,
        )
    if any("over the cap of" in w and "bytes" in w for w in reporter.warnings):
        click.echo("refused: over the size cap; --max-mb raises it", err=True)
    click.echo(
        f"{summary.failed + summary.refused} image(s) not stored (see the warnings); "
        "their pages keep the original URLs, and the next run tries them again",
        err=True,
    )
    return False
