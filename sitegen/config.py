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
    # URLs as a Hexo site has them (see "Moving from Hexo" in the README); the
    # defaults are Hexo's, so a Hexo site's settings mean here what they meant there.
    "abbrlink": ({"alg": "crc16", "rep": "dec"}, "hexo-abbrlink settings for :abbrlink"),
    "tag_dir": ("tags", "folder of the tag pages"),
    "category_dir": ("categories", "folder of the category pages"),
    "archive_dir": ("archives", "folder of the year, month and day pages"),
    "pagination_dir": ("page", "folder of a list's later pages: page/2/"),
    "pretty_urls": (
        {"trailing_index": True, "trailing_html": True},
        "false drops index.html / .html from links (the files keep them)",
    ),
    "category_map": ({}, "category name → the slug its URL uses"),
    "tag_map": ({}, "tag name → the slug its URL uses"),
    "default_category": ("uncategorized", ":category of a post with no category"),
    "new_post_name": (":title.md", "how post file names read, for :title and dates in names"),
    "filename_case": (0, "0 keep, 1 lower, 2 upper case in category and tag slugs"),
    "redirects_from": (
        "",
        "an earlier permalink pattern (or `hexo`): a redirect at each post's old address",
    ),
}

# Permalink placeholders: sitegen's `{name}` form, or Hexo's `:name` form
# (any front-matter key is one too, as in Hexo: that is how `:abbrlink` works).
HEXO_PLACEHOLDER = re.compile(r":(\w*[^_\W])")


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
    abbrlink: dict[str, str] = field(default_factory=lambda: {"alg": "crc16", "rep": "dec"})
    tag_dir: str = "tags"
    category_dir: str = "categories"
    archive_dir: str = "archives"
    pagination_dir: str = "page"
    pretty_urls: dict[str, bool] = field(
        default_factory=lambda: {"trailing_index": True, "trailing_html": True}
    )
    category_map: dict[str, str] = field(default_factory=dict)
    tag_map: dict[str, str] = field(default_factory=dict)
    default_category: str = "uncategorized"
    new_post_name: str = ":title.md"
    filename_case: int = 0
    redirects_from: str = ""
    content: str = "content"  # the content folder, under site_dir: `source` for a Hexo site
    hexo: bool = False  # read as a Hexo site folder: see `sitegen.hexo`
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def content_dir(self) -> Path:
        return self.site_dir / self.content

    @property
    def hexo_permalink(self) -> bool:
        """Whether `permalink` is in Hexo's `:name` form."""
        return "{" not in self.permalink

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


def _read_yaml(path: Path) -> tuple[str, dict[str, Any]]:
    """The text of a settings file and the mapping it holds."""
    try:
        text = path.read_text(encoding="utf-8-sig")
        loaded = yaml.safe_load(text)
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path.name} is not UTF-8", path, hint="save it as UTF-8") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ConfigError(
            f"invalid YAML: {getattr(exc, 'problem', exc)}",
            path,
            mark.line + 1 if mark else None,
            "fix the syntax",
        ) from exc
    if loaded is None:
        loaded = {}
    if not isinstance(loaded, dict):
        raise ConfigError(f"{path.name} must be a mapping of option: value", path, 1)
    return text, loaded


# Hexo settings that mean here what they mean in Hexo, under the same name.
HEXO_SAME = (
    "title", "description", "author", "permalink", "abbrlink", "tag_dir", "category_dir",
    "archive_dir", "pagination_dir", "pretty_urls", "category_map", "tag_map",
    "default_category", "new_post_name", "filename_case", "timezone", "exclude",
)  # fmt: skip


def hexo_options(hexo: dict[str, Any]) -> dict[str, Any]:
    """A Hexo `_config.yml` as site.yml options; what has no meaning here goes to `extra`.

    `url` (which holds `root`'s path) is the base URL; `per_page: 0` (no
    pagination) is one page of everything; Hexo's empty `timezone` is the
    machine's, which a build must not depend on, so it is UTC here.
    """
    raw: dict[str, Any] = {
        "content": "source",
        "hexo": True,
        "permalink": ":year/:month/:day/:title/",
    }
    for key, value in hexo.items():
        if key in HEXO_SAME:
            if value not in (None, ""):
                raw[key] = value
        elif key == "url" and isinstance(value, str) and value:
            raw["base_url"] = value.rstrip("/") + "/"
        elif key == "per_page" and isinstance(value, int):
            raw["per_page"] = value if value > 0 else 10**9
        elif key == "language":
            first = value[0] if isinstance(value, list) and value else value
            if isinstance(first, str) and first and first != "default":
                raw["language"] = first
        elif key in OPTIONS:  # a sitegen option that means something else in Hexo (theme)
            raw[f"hexo_{key}"] = value
        else:
            raw.setdefault(str(key), value)  # themes may read it from `extra`
    return raw


def _check_urls(values: dict[str, Any], problem: Any) -> None:
    """The URL options: a permalink either form reads, and hexo-abbrlink's settings."""
    permalink = values.get("permalink", OPTIONS["permalink"][0])
    if "{" in permalink:
        fields = set(re.findall(r"{(\w+)}", permalink))
        if "slug" not in fields or not fields <= PERMALINK_FIELDS or permalink.startswith("/"):
            problem(
                "permalink",
                f"{permalink!r} must be relative, contain {{slug}}, and use only "
                + ", ".join(sorted(PERMALINK_FIELDS)),
                "e.g. {year}/{month}/{day}/{slug}/, or Hexo's :year/:month/:day/:title/",
            )
        elif not permalink.endswith("/"):
            values["permalink"] = permalink + "/"
    elif not HEXO_PLACEHOLDER.search(permalink):
        problem(
            "permalink",
            f"{permalink!r} has no placeholder: every post would have one address",
            "e.g. :year/:month/:day/:title/ or p/:abbrlink.html",
        )
    else:
        values["permalink"] = permalink.lstrip("/")
    abbrlink = values.get("abbrlink", OPTIONS["abbrlink"][0])
    if str(abbrlink.get("alg")) not in ("crc16", "crc32"):
        problem("abbrlink", f"alg {abbrlink.get('alg')!r} is not crc16 or crc32", "alg: crc16")
    if str(abbrlink.get("rep")) not in ("hex", "dec"):
        problem("abbrlink", f"rep {abbrlink.get('rep')!r} is not hex or dec", "rep: hex")
    old = values.get("redirects_from", "")
    sitegen_form = "{" in old and set(re.findall(r"{(\w+)}", old)) <= PERMALINK_FIELDS
    if old not in ("", "hexo") and not sitegen_form and not HEXO_PLACEHOLDER.search(old):
        problem(
            "redirects_from",
            f"{old!r} is neither `hexo` nor a permalink pattern",
            "e.g. {year}/{month}/{day}/{slug}/ or p/:abbrlink.html; "
            "or list a post's old addresses in its `aliases:`",
        )
    elif old not in ("", "hexo"):
        values["redirects_from"] = old.lstrip("/")


def load_config(
    site_dir: Path,
    output_dir: Path | None = None,
    base_url: str | None = None,
) -> Config:
    """Read `site_dir/site.yml` (optional) and apply command-line overrides.

    A Hexo site folder (`_config.yml` and `source/`, no site.yml) is read as
    it is: its settings through `hexo_options`, its `source/` as the content.
    """
    site_dir = site_dir.resolve()
    config_path = site_dir / "site.yml"
    hexo_path = site_dir / "_config.yml"
    raw: dict[str, Any] = {}
    text = ""
    if config_path.is_file():
        text, raw = _read_yaml(config_path)
    elif hexo_path.is_file() and (site_dir / "source").is_dir():
        config_path = hexo_path
        text, hexo = _read_yaml(hexo_path)
        raw = hexo_options(hexo)
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

    values: dict[str, Any] = {k: raw.pop(k) for k in ("content", "hexo") if k in raw}
    extra: dict[str, Any] = {}
    for key, value in raw.items():
        if key == "filename_case":
            if value not in (0, 1, 2):
                problem(key, f"must be 0, 1 or 2, not {value!r}", "0 keeps the case")
            else:
                values[key] = value
            continue
        elif key not in OPTIONS:
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
        elif isinstance(default, dict):
            if value is None:
                value = {}
            if not isinstance(value, dict):
                problem(key, "must be a mapping", "write it as `name: value` lines under it")
                continue
            value = {**default, **{str(k): v for k, v in value.items()}}
        values[key] = value
    for key in ("tag_dir", "category_dir", "archive_dir", "pagination_dir"):
        if key in values:
            values[key] = values[key].strip("/") or OPTIONS[key][0]
    _check_urls(values, problem)

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
            f"{config_path.name} has problems:\n  " + "\n  ".join(str(p) for p in problems),
            config_path,
        )
    out = (output_dir if output_dir is not None else site_dir / "output").resolve()
    return Config(site_dir=site_dir, output_dir=out, extra=extra, **values)
