"""Old addresses kept: a build notes where a retitled or moved document was,
`sitegen aliases` writes those addresses into it, and every later build (a
clean one too) redirects them; the front-matter edit changes nothing else."""

from __future__ import annotations

import pytest
import yaml
from click.testing import CliRunner
from conftest import post
from test_redirects import follow, title_of

from sitegen.aliases import add_aliases
from sitegen.check import check_site
from sitegen.cli import main
from sitegen.config import load_config


def run(*args: str):
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result


def retitle(site, name: str, old: str, new: str) -> None:
    path = site / "content" / name
    path.write_text(path.read_text("utf-8").replace(old, new), "utf-8")


@pytest.fixture
def site(make_site):
    return make_site(
        {
            "a.md": post("封控区通告", "2022-04-08 10:00:00"),
            "b.md": post("核酸检测安排", "2022-04-09 10:00:00"),
        }
    )


def test_a_retitled_post_keeps_its_old_address_once_sitegen_aliases_writes_it(
    site, build_site, tmp_path
):
    _, _, out = build_site(site)
    old = "2022/04/08/封控区通告/index.html"
    assert (out / old).is_file()
    retitle(site, "a.md", "封控区通告", "关于封控区的第3号通告")
    _, reporter, out = build_site(site)
    warned = [str(w) for w in reporter.warnings if "moved from" in str(w)]
    assert len(warned) == 1 and "sitegen aliases" in warned[0]
    _, reporter, out = build_site(site)  # a second build (a preview's) forgets nothing
    assert not (out / old).exists()

    said = run("aliases", "--site", str(site))
    assert "content/a.md: aliases /2022/04/08/封控区通告/ added" in said.output
    meta = yaml.safe_load((site / "content" / "a.md").read_text("utf-8").split("---")[1])
    assert meta["aliases"] == ["/2022/04/08/封控区通告/"]

    _, _, out = build_site(site)
    assert title_of(follow(out, old)) == "关于封控区的第3号通告"
    clean = tmp_path / "clean"  # the redirect is the content's now, not the cache's
    _, _, clean = build_site(site, output_dir=clean)
    assert title_of(follow(clean, old)) == "关于封控区的第3号通告"
    again = run("aliases", "--site", str(site))
    assert "0 document(s)" in again.output


def test_check_names_an_address_left_behind_until_it_is_kept(site, build_site):
    build_site(site)
    retitle(site, "b.md", "核酸检测安排", "全员核酸检测安排")
    build_site(site)
    build_site(site)
    problems = [p for p in check_site(load_config(site)) if "left the address" in p.message]
    assert [(p.path, "2022/04/09/核酸检测安排/" in p.message) for p in problems] == [
        ("content/b.md", True)
    ]
    run("aliases", "--site", str(site))
    assert not [p for p in check_site(load_config(site)) if "left" in p.message]


def test_a_document_back_at_its_old_address_needs_no_alias(site, build_site):
    build_site(site)
    retitle(site, "a.md", "封控区通告", "封控区通告（更正）")
    build_site(site)
    retitle(site, "a.md", "封控区通告（更正）", "封控区通告")
    build_site(site)
    said = run("aliases", "--site", str(site), "--dry-run")
    lines = [line for line in said.output.splitlines() if line.startswith("content/")]
    assert lines == ["content/a.md: would add aliases /2022/04/08/封控区通告-更正/"]


def test_dry_run_writes_nothing(site, build_site):
    build_site(site)
    retitle(site, "a.md", "封控区通告", "新标题")
    build_site(site)
    before = (site / "content" / "a.md").read_bytes()
    said = run("aliases", "--site", str(site), "--dry-run")
    assert "would add aliases /2022/04/08/封控区通告/" in said.output
    assert (site / "content" / "a.md").read_bytes() == before


URL = "2022/04/08/标题,逗号: 冒号/"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "---\ntitle: a\n---\nbody\n",
            f'---\naliases: ["/{URL}"]\ntitle: a\n---\nbody\n',
        ),
        (
            "\ufeff---\r\ntitle: a\r\naliases: [/x/]\r\n---\r\nbody\r\n",
            f'\ufeff---\r\ntitle: a\r\naliases: [/x/, "/{URL}"]\r\n---\r\nbody\r\n',
        ),
        (
            "---\ntitle: a\naliases:\n  - /x/  # the first\ndate: 2022\n---\nb",
            f'---\ntitle: a\naliases:\n  - /x/  # the first\n  - "/{URL}"\ndate: 2022\n---\nb',
        ),
        (
            "---\r\ntitle: a\r\naliases: /x/\r\n---\r\n",
            f'---\r\ntitle: a\r\naliases: [/x/, "/{URL}"]\r\n---\r\n',
        ),
    ],
    ids=["none yet", "flow list, BOM and CRLF", "block list with a comment", "one address"],
)
def test_the_alias_is_added_and_no_other_byte_changes(text, expected):
    assert add_aliases(text, [URL]) == expected


@pytest.mark.parametrize(
    "text",
    [
        "---\ntitle: a\naliases: [\n  /x/]\n---\n",  # a flow list over lines
        "---\ntitle: a\naliases: /x/ # old\n---\n",  # a comment a list would swallow
        "---\ntitle: a\naliases: {a: 1}\n---\n",
        "no front matter at all\n",
    ],
)
def test_a_form_it_cannot_edit_safely_is_left_to_the_user(text):
    assert add_aliases(text, [URL]) is None


def test_an_alias_it_cannot_write_is_named_for_the_user(site, build_site):
    path = site / "content" / "a.md"
    path.write_text(post("封控区通告", "2022-04-08 10:00:00", aliases="[\n  /x/]"), "utf-8")
    build_site(site)
    retitle(site, "a.md", "封控区通告", "新标题")
    build_site(site)
    before = path.read_bytes()
    said = CliRunner().invoke(main, ["aliases", "--site", str(site)])
    assert said.exit_code == 0
    assert "content/a.md: add /2022/04/08/封控区通告/ to its `aliases` by hand" in said.output
    assert path.read_bytes() == before
