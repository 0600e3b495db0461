"""One Jinja environment per build, with theme fallback.

A site's `themes/<name>/` overrides single templates and static files; the
rest come from the default theme (the site's own copy if it has one, else
the copy shipped with sitegen).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from jinja2.runtime import Context, Macro
from markupsafe import Markup

from sitegen import cite, timeline, urls
from sitegen.config import Config
from sitegen.errors import ThemeError
from sitegen.sources.markup import unproxy

BUNDLED_THEME = Path(__file__).resolve().parent / "default_theme"
REPO_THEME = Path(__file__).resolve().parent.parent / "themes" / "default"


def builtin_theme() -> Path:
    """The default theme shipped with sitegen (installed copy, else the repo's)."""
    return BUNDLED_THEME if (BUNDLED_THEME / "templates").is_dir() else REPO_THEME


def theme_dirs(config: Config) -> list[Path]:
    """Theme folders, most specific first."""
    candidates = [config.themes_dir / config.theme, config.themes_dir / "default", builtin_theme()]
    dirs: list[Path] = []
    for path in candidates:
        if path.is_dir() and path.resolve() not in [d.resolve() for d in dirs]:
            dirs.append(path)
    if config.theme != "default" and not (config.themes_dir / config.theme).is_dir():
        raise ThemeError(
            f"theme {config.theme!r} not found",
            config.site_dir / "site.yml",
            hint=f"create themes/{config.theme}/templates/ or set `theme: default`",
        )
    return dirs


def static_files(config: Config) -> dict[str, Path]:
    """`static/` files of every theme folder, the most specific winning."""
    found: dict[str, Path] = {}
    for theme in reversed(theme_dirs(config)):
        static = theme / "static"
        if static.is_dir():
            for path in sorted(static.rglob("*")):
                if path.is_file() and not path.is_symlink():
                    found["static/" + path.relative_to(static).as_posix()] = path
    return found


def template_files(config: Config) -> list[Path]:
    """Every template file that can take part in rendering (for cache keys)."""
    files = []
    for theme in theme_dirs(config):
        folder = theme / "templates"
        if folder.is_dir():
            files.extend(sorted(p for p in folder.rglob("*") if p.is_file()))
    return files


def format_date(value: Any, fmt: str = "%Y-%m-%d") -> str:
    return value.strftime(fmt) if isinstance(value, dt.date) else ""


def iso_date(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else ""


def make_environment(config: Config, compiled: Path | None = None) -> jinja2.Environment:
    """The theme's Jinja environment; `compiled`, an existing folder, keeps compiled
    templates between builds (compiling them was a twentieth of a small rebuild)."""
    loader = jinja2.FileSystemLoader([str(d / "templates") for d in theme_dirs(config)])
    env = jinja2.Environment(
        loader=loader,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        bytecode_cache=jinja2.FileSystemBytecodeCache(str(compiled)) if compiled else None,
    )
    env.context_class = _Context
    env.globals.update(
        url_for=_Linker(
            lambda url: urls.href(
                url,
                config.base_path,
                bool(config.pretty_urls.get("trailing_index", True)),
                bool(config.pretty_urls.get("trailing_html", True)),
            )
        ),
        abs_url=_Linker(lambda url: urls.absolute(url, config.base_url)),
        # A citation names the permanent address, /id/<id>/, which never moves.
        cite=lambda post: cite.citation(cite.of_site(post, config)),
        cached=_Fragments(),
        timeline=lambda days, title: Markup(_timeline(days, title, config)),
    )
    env.filters.update(
        date=format_date,
        isodate=iso_date,
        unproxy=lambda url: urls.safe_url(unproxy(str(url or ""), config.image_proxies)) or "",
        safe_url=lambda url, attribute="href": urls.safe_url(str(url or ""), attribute) or "",
    )
    return env


def _timeline(days: tuple[int, ...], title: str, config: Config) -> str:
    """The inline SVG of documents per day or week (`sitegen.timeline`), each bar
    leading to its date archive; `days` are the documents' days as ordinals."""
    folder = config.archive_dir
    found = timeline.bars(
        [dt.date.fromordinal(day) for day in days],
        day_url=lambda d: urls.day_url(d.year, d.month, d.day, folder),
        month_url=lambda d: urls.month_url(d.year, d.month, folder),
    )
    return timeline.svg(found, title, lambda url: urls.href(url, config.base_path))


class _Linker:
    """A template's link function (a URL or anything with `.url`), encoding each URL
    once per build: the same few thousand are linked 25 times a page."""

    def __init__(self, encode: Callable[[str], str]) -> None:
        self._encoded = functools.cache(encode)

    def __call__(self, target: Any) -> str:
        url = target if isinstance(target, str) else str(getattr(target, "url", ""))
        return self._encoded(url)


class _Fragments:
    """`{% call cached('card', post.url) %}…{% endcall %}` renders the block once per build."""

    def __init__(self) -> None:
        self._done: dict[tuple, Any] = {}

    def __call__(self, *key: Any, caller: Callable[[], Any]) -> Any:
        if key not in self._done:
            self._done[key] = caller()
        return self._done[key]


class _Context(Context):
    """Calls macros and our own helpers straight away.

    Jinja's `Context.call` first looks on the callable for markers asking
    for the context as an argument: lookups that fail, on each of the
    forty-odd calls of a page (a tenth of rendering it). Macros and the
    helpers above never carry such markers, so for them the call is the same
    without the look.
    """

    # Jinja's own odd parameter names, which no keyword argument of a template can clash with.
    def call(__self, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        if type(__obj) in _NO_MARKERS:
            kwargs.pop("_loop_vars", None)
            kwargs.pop("_block_vars", None)
            return __obj(*args, **kwargs)
        return super().call(__obj, *args, **kwargs)


_NO_MARKERS = frozenset({Macro, _Linker, _Fragments})


def template_error(exc: Exception, template: str) -> ThemeError:
    """Turn a Jinja error into our error, pointing at the template line."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return ThemeError(
            f"template syntax: {exc.message}",
            exc.filename or template,
            exc.lineno,
            "fix the template",
        )
    if isinstance(exc, jinja2.TemplateNotFound):
        return ThemeError(
            f"template {exc.name!r} not found",
            template,
            hint="add it to your theme or remove the reference",
        )
    line, filename = None, template
    tb = exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename.endswith((".html", ".xml", ".txt")):
            filename, line = code.co_filename, tb.tb_lineno
        tb = tb.tb_next
    return ThemeError(f"template failed: {exc}", filename, line, "fix the template")
