"""site.yml → one validated, immutable settings object.

Every option is declared once in `OPTIONS` with its default and what it is
for; validation reports every problem in site.yml at once, with its line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from sitegen.errors import ConfigError

PERMALINK_FIELDS = {"year", "month", "day", "slug", "category"}

# name: (default, description)
OPTIONS: dict[str, tuple[Any, str]] = {
    "title": ("My Archive", "site title, shown in the header and feeds"),
    "description": ("", "one line about the site, for feeds and meta tags"),
    "author": ("", "site author for feeds"),
    "language": ("zh-CN", "the `lang` of every page"),
    "timezone": ("UTC", "IANA zone; every date bucket uses the local date in it"),
    "base_url": ("http://127.0.0.1:8000/", "where the site is hosted; may have a path"),
    "permalink": ("{year}/{month}/{day}/{slug}/", "post URL pattern"),
    "per_page": (10, "documents per list page"),
    "feed_limit": (20, "entries per Atom feed"),
    "slug_style": ("unicode", "unicode (readable Chinese), pinyin, or hash"),
    "slug_max_length": (60, "slug length bound, in characters"),
    "image_proxies": (
        ["https://cors.zfour.workers.dev/?"],
        "image-proxy URL prefixes; the `unproxy` filter strips them",
    ),
    "theme": ("default", "theme folder under themes/; falls back to the default theme"),
    "menu": ([], "extra header links: list of {name, url}"),
    "exclude": ([], "glob patterns of content files to ignore"),
    "search": (True, "build the full-text search page and index"),
}


@dataclass(frozen=True)
class MenuLink:
    name: str
    url: str


@dataclass(frozen=True)
class Config:
    """Everything a build needs to know, resolved to absolute paths."""

    site_dir: Path
    output_dir: Path
    title: str = "My Archive"
    description: str = ""
    author: str = ""
    language: str = "zh-CN"
    timezone: str = "UTC"
    base_url: str = "http://127.0.0.1:8000/"
    permalink: str = "{year}/{month}/{day}/{slug}/"
    per_page: int = 10
    feed_limit: int = 20
    slug_style: str = "unicode"
    slug_max_length: int = 60
    image_proxies: tuple[str, ...] = ("https://cors.zfour.workers.dev/?",)
    theme: str = "default"
    menu: tuple[MenuLink, ...] = ()
    exclude: tuple[str, ...] = ()
    search: bool = True
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def content_dir(self) -> Path:
        return self.site_dir / "content"

    @property
    def themes_dir(self) -> Path:
        return self.site_dir / "themes"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def base_path(self) -> str:
        """The path part of base_url: '/' or '/archive/'."""
        return urlsplit(self.base_url).path or "/"


def _key_lines(text: str) -> dict[str, int]:
    """Line of each top-level key, so messages can point into site.yml."""
    lines = {}
    for number, line in enumerate(text.splitlines(), start=1):
        match = re.match(r"^([A-Za-z_][\w-]*)\s*:", line)
        if match:
            lines[match.group(1)] = number  # YAML keeps the last of duplicate keys
    return lines


def load_config(
    site_dir: Path,
    output_dir: Path | None = None,
    base_url: str | None = None,
) -> Config:
    """Read `site_dir/site.yml` (optional) and apply command-line overrides."""
    site_dir = site_dir.resolve()
    config_path = site_dir / "site.yml"
    raw: dict[str, Any] = {}
    text = ""
    if config_path.is_file():
        try:
            text = config_path.read_text(encoding="utf-8-sig")
            loaded = yaml.safe_load(text)
        except UnicodeDecodeError as exc:
            raise ConfigError(
                "site.yml is not UTF-8", config_path, hint="save it as UTF-8"
            ) from exc
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise ConfigError(
                f"invalid YAML: {getattr(exc, 'problem', exc)}",
                config_path,
                mark.line + 1 if mark else None,
                "fix the syntax",
            ) from exc
        if loaded is None:
            loaded = {}
        if not isinstance(loaded, dict):
            raise ConfigError("site.yml must be a mapping of option: value", config_path, 1)
        raw = loaded
    elif not (site_dir / "content").is_dir():
        raise ConfigError(
            "not a site folder: no site.yml and no content/",
            site_dir,
            hint="run `sitegen init DIR` or pass --site",
        )
    if base_url is not None:
        raw["base_url"] = base_url
    lines = _key_lines(text)
    problems: list[ConfigError] = []

    def problem(key: str, message: str, hint: str) -> None:
        problems.append(ConfigError(f"{key}: {message}", config_path, lines.get(key), hint))

    values: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in OPTIONS:
            extra[str(key)] = value
            continue
        default = OPTIONS[key][0]
        if isinstance(default, bool):
            if not isinstance(value, bool):
                problem(key, f"must be true or false, not {value!r}", "write true or false")
                continue
        elif isinstance(default, int):
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                problem(key, f"must be a positive whole number, not {value!r}", "e.g. 10")
                continue
        elif isinstance(default, str):
            if not isinstance(value, str | int | float):
                problem(key, f"must be text, not {type(value).__name__}", "quote the value")
                continue
            value = str(value)
        elif isinstance(default, list):
            if value is None:
                value = []
            if not isinstance(value, list):
                problem(key, "must be a list", "write it as `- item` lines")
                continue
        values[key] = value

    timezone = values.get("timezone", OPTIONS["timezone"][0])
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        problem("timezone", f"unknown timezone {timezone!r}", "use an IANA name like Asia/Shanghai")

    url = values.get("base_url", OPTIONS["base_url"][0])
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        problem("base_url", f"{url!r} is not an http(s) URL", "e.g. https://example.org/archive/")
    elif not url.endswith("/"):
        values["base_url"] = url + "/"

    permalink = values.get("permalink", OPTIONS["permalink"][0])
    fields = set(re.findall(r"{(\w+)}", permalink))
    if "slug" not in fields or not fields <= PERMALINK_FIELDS or permalink.startswith("/"):
        problem(
            "permalink",
            f"{permalink!r} must be relative, contain {{slug}}, and use only "
            + ", ".join(sorted(PERMALINK_FIELDS)),
            "e.g. {year}/{month}/{day}/{slug}/",
        )
    elif not permalink.endswith("/"):
        values["permalink"] = permalink + "/"

    if values.get("slug_style", "unicode") not in ("unicode", "pinyin", "hash"):
        problem(
            "slug_style", f"unknown style {values['slug_style']!r}", "use unicode, pinyin or hash"
        )

    menu = []
    for item in values.get("menu", []):
        if not isinstance(item, dict) or not {"name", "url"} <= set(item):
            problem("menu", f"entry {item!r} needs name and url", "- {name: 关于, url: about/}")
            continue
        menu.append(MenuLink(str(item["name"]), str(item["url"])))
    values["menu"] = tuple(menu)
    for key in ("image_proxies", "exclude"):
        if key in values:
            values[key] = tuple(str(v) for v in values[key])

    if problems:
        if len(problems) == 1:
            raise problems[0]
        raise ConfigError(
            "site.yml has problems:\n  " + "\n  ".join(str(p) for p in problems), config_path
        )
    out = (output_dir if output_dir is not None else site_dir / "output").resolve()
    return Config(site_dir=site_dir, output_dir=out, extra=extra, **values)
