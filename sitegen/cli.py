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
@click.option("--debug", is_flag=True, help="show tracebacks")
@click.option("--quiet", "-q", is_flag=True, help="only warnings and errors")
@_friendly
def build(
    site_dir: Path, output_dir: Path | None, base_url: str | None, debug: bool, quiet: bool
) -> None:
    """Build the site into the output folder."""
    from sitegen.build import build as run_build

    config = load_config(site_dir, output_dir, base_url)
    reporter = ConsoleReporter(quiet=quiet)
    result = run_build(config, reporter)
    reporter.info(
        f"built {result.pages} pages from {result.documents} documents "
        f"({result.drafts} drafts skipped) in {result.seconds:.2f}s → {config.output_dir}"
    )
    if result.failures:
        click.echo(f"{len(result.failures)} document(s) failed and were skipped", err=True)
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
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--debug", is_flag=True, help="show tracebacks")
@_friendly
def serve(site_dir: Path, host: str, port: int, debug: bool) -> None:
    """Build the site, then serve the output folder over HTTP."""
    from sitegen.build import build as run_build
    from sitegen.serve import serve_forever

    config = load_config(site_dir)
    reporter = ConsoleReporter()
    result = run_build(config, reporter)
    if result.failures:
        click.echo(f"{len(result.failures)} document(s) failed and were skipped", err=True)
    serve_forever(config, host, port, reporter)
