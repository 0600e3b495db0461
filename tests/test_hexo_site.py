"""A Hexo site folder (`_config.yml` and `source/`, no site.yml) built as it is.

End to end: small Hexo folders are written to tmp_path, built, and judged by
what a user sees: the files Hexo would have written, the links in the pages,
the warnings. The pure URL rules are unit-tested in test_hexo.py.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import textwrap
from pathlib import Path
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner
from conftest import post

from sitegen.build import build
from sitegen.cli import main
from sitegen.config import load_config
from sitegen.hexo import crc16, crc32
from sitegen.report import BufferReporter


def hexo_site(tmp_path: Path, files: dict[str, str | bytes], config: str = "") -> Path:
    """A Hexo site folder: `_config.yml` (title, then `config`) and `source/` with `files`."""
    site = tmp_path / "blog"
    (site / "source").mkdir(parents=True)
    (site / "_config.yml").write_text("title: 博客\n" + textwrap.dedent(config), encoding="utf-8")
    for name, content in files.items():
        path = site / "source" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return site


def build_hexo(tmp_path: Path, files: dict[str, str | bytes], config: str = ""):
    """Build a Hexo folder in-process; return (output dir, reporter). It must build."""
    site = hexo_site(tmp_path, files, config)
    assert not (site / "site.yml").exists()
    reporter = BufferReporter()
    result = build(load_config(site), reporter)
    assert result.ok, reporter.errors
    return site / "output", reporter


def written(out: Path) -> set[str]:
    """Every file of the site, as a path under the output folder (sitegen's own state left out)."""
    return {
        str(p.relative_to(out)) for p in out.rglob("*") if p.is_file() and ".sitegen" not in p.parts
    }


def links(page: Path) -> set[str]:
    """The targets of every `<a href>` of a page, percent-decoded."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    return {unquote(a["href"]) for a in soup.find_all("a", href=True)}


def posts(*titles: str, **meta: str) -> dict[str, str]:
    """One post per title in `_posts/`, a day apart, named post-N.md."""
    return {
        f"_posts/post-{n}.md": post(t, f"2022-04-{n + 1:02d} 10:00:00", **meta)
        for n, t in enumerate(titles)
    }


# --- a folder as it is -----------------------------------------------------------


def test_hexo_folder_builds_with_hexos_default_permalink(tmp_path):
    out, reporter = build_hexo(
        tmp_path,
        {
            "_posts/hello.md": post("Hello", "2022-04-08 10:00:00"),
            "_posts/sub/one.md": post("One", "2023-01-02 03:04:05"),
            "_posts/你好 世界.md": post("你好", "2021-05-06 07:08:09"),
        },
    )
    files = written(out)
    for expected in (
        "2022/04/08/hello/index.html",
        "2023/01/02/sub/one/index.html",
        "2021/05/06/你好 世界/index.html",
    ):
        assert expected in files
    assert {"/2022/04/08/hello/", "/2023/01/02/sub/one/", "/2021/05/06/你好 世界/"} <= links(
        out / "index.html"
    )
    assert reporter.warnings == []


@pytest.mark.parametrize(
    ("permalink", "date", "timezone", "expected"),
    [
        (
            ":year/:month/:day/:i_month/:i_day/:hour/:minute/:second/:title/",
            "2022-04-08 09:05:03",
            "",
            "2022/04/08/4/8/09/05/03/hello/index.html",
        ),
        # a date with its own offset is read in the site's time zone
        (":year-:month-:day/:hour/:title.html", "2022-04-08T20:30:00Z", "Asia/Shanghai",
         "2022-04-09/04/hello.html"),
    ],
)  # fmt: skip
def test_date_placeholders_fill_from_the_posts_date(tmp_path, permalink, date, timezone, expected):
    config = f"permalink: {permalink}\n" + (f"timezone: {timezone}\n" if timezone else "")
    out, _ = build_hexo(tmp_path, {"_posts/hello.md": post("Hello", date)}, config)
    assert expected in written(out)


def test_title_name_and_post_title_placeholders(tmp_path):
    out, _ = build_hexo(
        tmp_path,
        {"_posts/notes/first-day.md": post("My First Day!")},
        "permalink: :name/:post_title/:title.html\n",
    )
    assert "first-day/my-first-day/notes/first-day.html" in written(out)


def test_id_and_a_custom_front_matter_key_are_placeholders(tmp_path):
    out, _ = build_hexo(
        tmp_path,
        {"_posts/a.md": post("A", id=42, series="notes")},
        "permalink: :series/:id.html\n",
    )
    assert "notes/42.html" in written(out)


def test_category_placeholder_is_the_nested_slug_or_the_default_category(tmp_path):
    out, _ = build_hexo(
        tmp_path,
        {
            "_posts/a.md": post("A", categories="[Tech Notes, Python]"),
            "_posts/b.md": post("B"),
        },
        "permalink: :category/:title/\ndefault_category: misc\n",
    )
    assert {"Tech-Notes/Python/a/index.html", "misc/b/index.html"} <= written(out)


def test_hash_placeholder_is_sha1_of_slug_and_seconds(tmp_path):
    out, _ = build_hexo(
        tmp_path,
        {"_posts/hello.md": post("Hello", "2022-04-08 10:00:00")},
        "permalink: h/:hash.html\ntimezone: UTC\n",
    )
    seconds = calendar.timegm(dt.datetime(2022, 4, 8, 10).timetuple())
    expected = hashlib.sha1(f"hello{seconds}".encode()).hexdigest()[:12]
    assert f"h/{expected}.html" in written(out)


# --- abbrlinks -------------------------------------------------------------------

# Pinned from the real plugin (test_hexo.CRCS): crc16 and crc32 of two titles.
PINNED = {
    ("crc16", "dec"): {"Hello World": "16107", "你好，世界": "61016"},
    ("crc16", "hex"): {"Hello World": "3eeb", "你好，世界": "ee58"},
    ("crc32", "dec"): {"Hello World": "1243066710", "你好，世界": "2901793364"},
    ("crc32", "hex"): {"Hello World": "4a17b156", "你好，世界": "acf5da54"},
}


@pytest.mark.parametrize(("alg", "rep"), sorted(PINNED))
def test_abbrlink_is_the_plugins_crc_of_the_title(tmp_path, alg, rep):
    out, reporter = build_hexo(
        tmp_path,
        posts("Hello World", "你好，世界", "Straße und 路"),
        f"permalink: p/:abbrlink.html\nabbrlink:\n  alg: {alg}\n  rep: {rep}\n",
    )
    number = (crc32 if alg == "crc32" else crc16)("Straße und 路")
    computed = format(number, "x") if rep == "hex" else str(number)
    expected = {**PINNED[alg, rep], "Straße und 路": computed}
    files = written(out)
    for value in expected.values():
        assert f"p/{value}.html" in files
    assert {f"/p/{v}.html" for v in expected.values()} <= links(out / "index.html")
    assert reporter.warnings == []


def test_abbrlink_default_is_crc16_dec_of_the_title_as_written(tmp_path):
    number_title = "---\ntitle: 123\ndate: 2022-05-01 10:00:00\n---\n\nBody.\n"
    out, _ = build_hexo(
        tmp_path,
        {**posts("Hello World"), "_posts/n.md": number_title},
        "permalink: p/:abbrlink/\n",
    )
    assert {"p/16107/index.html", "p/47620/index.html"} <= written(out)


@pytest.mark.parametrize("rep", ["hex", "dec"])
def test_same_title_abbrlink_is_bumped_for_the_later_post_with_a_warning(tmp_path, rep):
    out, reporter = build_hexo(
        tmp_path,
        {"_posts/a.md": post("Same"), "_posts/b.md": post("Same", "2022-05-01 10:00:00")},
        f"permalink: p/:abbrlink.html\nabbrlink: {{alg: crc16, rep: {rep}}}\n",
    )
    first = format(crc16("Same"), "x" if rep == "hex" else "d")
    bumped = format(crc16("Same") + 1, "x" if rep == "hex" else "d")
    assert {f"p/{first}.html", f"p/{bumped}.html"} <= written(out)
    assert "Same" in (out / f"p/{first}.html").read_text(encoding="utf-8")
    [warning] = [w for w in reporter.warnings if "abbrlink" in w]
    assert "source/_posts/a.md" in warning and "source/_posts/b.md" in warning
    assert first in warning and bumped in warning


def test_front_matter_abbrlink_and_permalink_win(tmp_path):
    out, _ = build_hexo(
        tmp_path,
        {
            "_posts/a.md": post("Hello World", abbrlink="mine"),
            "_posts/b.md": post("B", permalink="custom/path/"),
            "_posts/c.md": post("C", permalink="/old/c.html"),
        },
        "permalink: p/:abbrlink.html\n",
    )
    files = written(out)
    assert {"p/mine.html", "custom/path/index.html", "old/c.html"} <= files
    assert "p/16107.html" not in files
    assert {"/p/mine.html", "/custom/path/", "/old/c.html"} <= links(out / "index.html")


def test_new_post_name_takes_the_title_from_a_dated_file_name(tmp_path):
    out, _ = build_hexo(
        tmp_path,
        {"_posts/2022-04-08-hello.md": post("Hello", "2022-04-08 10:00:00")},
        "new_post_name: :year-:month-:day-:title.md\n",
    )
    files = written(out)
    assert "2022/04/08/hello/index.html" in files
    assert "2022/04/08/2022-04-08-hello/index.html" not in files


# --- list pages ------------------------------------------------------------------


def test_list_folders_move_and_the_themes_links_follow(tmp_path):
    out, _ = build_hexo(
        tmp_path,
        posts("A", "B", categories="[Cat, Sub]", tags="[Tag]"),
        "tag_dir: t\ncategory_dir: c\narchive_dir: a\npagination_dir: pg\nper_page: 1\n",
    )
    files = written(out)
    assert {
        "t/index.html",
        "t/Tag/index.html",
        "c/index.html",
        "c/Cat/index.html",
        "c/Cat/Sub/index.html",
        "a/index.html",
        "a/2022/04/index.html",
        "pg/2/index.html",
        "t/Tag/pg/2/index.html",
    } <= files
    assert not any(f.startswith(("tags/", "categories/", "archives/", "page/")) for f in files)
    home = links(out / "index.html")
    assert {"/c/", "/t/", "/a/", "/pg/2/"} <= home
    assert not home & {"/categories/", "/tags/", "/archives/", "/page/2/"}
    assert {"/c/", "/c/Cat/", "/c/Cat/Sub/"} <= links(out / "c/Cat/Sub/index.html")
    assert "/a/" in links(out / "a/2022/index.html")
    assert "/t/" in links(out / "t/Tag/index.html")


def test_maps_and_filename_case_change_list_slugs(tmp_path):
    out, _ = build_hexo(
        tmp_path,
        {"_posts/a.md": post("A", categories="[生活, Tech Notes]", tags="[Python 3, Web Dev]")},
        "category_map:\n  生活: Life\ntag_map:\n  Python 3: Py3\nfilename_case: 1\n"
        "permalink: :category/:title/\n",
    )
    files = written(out)
    assert {
        "life/tech-notes/a/index.html",
        "categories/life/index.html",
        "categories/life/tech-notes/index.html",
        "tags/py3/index.html",
        "tags/web-dev/index.html",
    } <= files
    page = links(out / "life/tech-notes/a/index.html")
    assert {"/categories/life/tech-notes/", "/tags/py3/", "/tags/web-dev/"} <= page
    assert not any("生活" in f or "Python" in f for f in files)


@pytest.mark.parametrize("pretty", [True, False])
def test_pretty_urls_change_links_but_not_file_names(tmp_path, pretty):
    flag = str(pretty).lower()
    out, _ = build_hexo(
        tmp_path,
        {
            "_posts/hello.md": post("Hello", "2022-04-08 10:00:00"),
            "_posts/old.md": post("Old", "2022-04-09 10:00:00", permalink="old/x.html"),
        },
        "permalink: :year/:title/index.html\n"
        f"pretty_urls:\n  trailing_index: {flag}\n  trailing_html: {flag}\n",
    )
    assert {"2022/hello/index.html", "old/x.html"} <= written(out)
    home = links(out / "index.html")
    if pretty:
        assert {"/2022/hello/index.html", "/old/x.html"} <= home
    else:
        assert {"/2022/hello/", "/old/x"} <= home
        assert not any(h.endswith(".html") for h in home if h.startswith("/"))


def test_per_page_0_puts_every_post_on_one_home_page(tmp_path):
    titles = [f"Post {n}" for n in range(12)]
    out, _ = build_hexo(tmp_path, posts(*titles), "per_page: 0\n")
    home = (out / "index.html").read_text(encoding="utf-8")
    assert all(t in home for t in titles)
    assert not any(f.startswith("page/") for f in written(out))


# --- pages and other files ---------------------------------------------------------


def test_pages_are_at_hexos_paths_and_in_no_list(tmp_path):
    out, _ = build_hexo(
        tmp_path,
        {
            "_posts/a.md": post("A Post", tags="[T]"),
            "about/index.md": post("About Me", "2019-01-01 10:00:00", tags="[T]"),
            "links.md": post("Friend Links", "2019-01-02 10:00:00"),
            "images/logo.png": b"\x89PNG\r\n\x1a\nlogo",
        },
    )
    files = written(out)
    assert {"about/index.html", "links.html"} <= files
    assert "About Me" in (out / "about/index.html").read_text(encoding="utf-8")
    assert (out / "images/logo.png").read_bytes() == b"\x89PNG\r\n\x1a\nlogo"
    for listing in ("index.html", "tags/T/index.html", "archives/2022/index.html"):
        text = (out / listing).read_text(encoding="utf-8")
        assert "A Post" in text and "About Me" not in text and "Friend Links" not in text
    assert not any(f.startswith("archives/2019") for f in files)


def test_drafts_and_underscore_files_are_not_published(tmp_path):
    out, _ = build_hexo(
        tmp_path,
        {
            "_posts/a.md": post("A Post"),
            "_drafts/wip.md": post("Work In Progress"),
            "_partial.md": post("Partial Bit"),
            "_data/menu.yml": "home: /\n",
        },
    )
    files = written(out)
    assert not any("wip" in f or "partial" in f or "_data" in f for f in files)
    for page in out.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "Work In Progress" not in text and "Partial Bit" not in text


def test_robots_txt_under_source_is_copied_as_written(tmp_path):
    mine = "User-agent: *\nDisallow: /private/\n"
    out, _ = build_hexo(tmp_path, {"_posts/a.md": post("A"), "robots.txt": mine})
    assert (out / "robots.txt").read_text(encoding="utf-8") == mine


def test_a_page_without_a_date_is_published(tmp_path):
    # Hexo gives a page without `date:` its file's time; `hexo new page` writes none for many themes
    page = "---\ntitle: About Me\n---\n\nHello.\n"
    out, reporter = build_hexo(tmp_path, {"_posts/a.md": post("A"), "about/index.md": page})
    assert "About Me" in (out / "about/index.html").read_text(encoding="utf-8")
    assert reporter.errors == []


def test_messages_about_a_hexo_post_name_it_under_source(tmp_path):
    site = hexo_site(tmp_path, {"_posts/bad.md": post("Bad", "next tuesday")})
    reporter = BufferReporter()
    build(load_config(site), reporter)
    assert any("source/_posts/bad.md" in e for e in reporter.errors), reporter.errors
    assert not any("content/" in e for e in reporter.errors), reporter.errors


# --- settings ------------------------------------------------------------------------


def test_url_with_a_path_puts_links_under_it(tmp_path):
    out, _ = build_hexo(
        tmp_path,
        posts("Hello", tags="[T]"),
        "url: https://example.org/blog\nroot: /blog/\n",
    )
    assert "2022/04/01/post-0/index.html" in written(out)
    home = links(out / "index.html")
    assert {"/blog/", "/blog/2022/04/01/post-0/", "/blog/archives/", "/blog/tags/"} <= home
    local = {h for h in home if h.startswith("/")}
    assert all(h.startswith("/blog/") for h in local), local
    assert "https://example.org/blog/2022/04/01/post-0/" in (out / "atom.xml").read_text("utf-8")


@pytest.mark.parametrize(
    ("setting", "words"),
    [
        ("abbrlink:\n  alg: md5\n", ("abbrlink", "md5")),
        ("abbrlink: {alg: crc16, rep: base64}\n", ("abbrlink", "base64")),
        ("filename_case: 5\n", ("filename_case", "5")),
    ],
)
def test_bad_setting_is_one_line_naming_config_yml_and_its_line(tmp_path, setting, words):
    site = hexo_site(tmp_path, {"_posts/a.md": post("A")}, "author: me\n" + setting)
    run = CliRunner().invoke(main, ["build", "--site", str(site)])
    assert run.exit_code == 2, run.output
    message = run.stderr.strip()
    assert "\n" not in message and "Traceback" not in run.output
    assert "_config.yml:3" in message
    assert all(w in message for w in words), message
    assert not (site / "output" / "index.html").exists()


def test_hexo_settings_work_in_a_sitegen_site_yml(make_site, build_site):
    site = make_site(
        {"hello.md": post("Hello World", tags="[T]")},
        "permalink: p/:abbrlink.html\ntag_dir: t\nabbrlink: {alg: crc32, rep: hex}\n",
    )
    result, reporter, out = build_site(site)
    assert result.ok, reporter.errors
    assert {"p/4a17b156.html", "t/T/index.html"} <= written(out)
    assert {"/p/4a17b156.html", "/t/"} <= links(out / "index.html")
