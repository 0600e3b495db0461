import subprocess
import sys

from conftest import post

from sitegen.build import build
from sitegen.config import load_config
from sitegen.errors import ThemeError
from sitegen.report import BufferReporter


def test_a_bad_post_among_good_ones_is_skipped_and_reported(make_site, build_site):
    site = make_site(
        {
            "good1.md": post("好一"),
            "bad-yaml.md": "---\ntitle: [未闭合\ndate: 2022-04-08\n---\n",
            "bad-date.md": post("坏日期", "2022-13-45"),
            "not-mapping.md": "---\n- a\n---\n",
            "bad-bytes.md": b"---\ntitle: x\ndate: 2022-04-08\n---\n\x80\x81\xfe\xff\x80",
            "good2.md": post("好二"),
        }
    )
    result, reporter, out = build_site(site)
    assert not result.ok and len(result.failures) == 4
    assert result.documents == 2
    assert (out / "2022/04/08/好一/index.html").is_file()
    assert (out / "2022/04/08/好二/index.html").is_file()
    joined = "\n".join(reporter.errors)
    assert "content/bad-date.md:3: `date`" in joined
    assert "content/bad-yaml.md:3: invalid YAML" in joined
    assert "flow sequence that starts on line 2" in joined
    assert "content/not-mapping.md:2:" in joined
    assert "content/bad-bytes.md" in joined


def _files(out):
    """The output's files and the cache, without scratch space: the staging pool and
    compiled templates (keyed by their source, so any build may add one)."""
    return {
        p.relative_to(out): p.read_bytes()
        for p in out.rglob("*")
        if p.is_file() and p.relative_to(out).parts[:2] not in SCRATCH
    }


SCRATCH = {(".sitegen", "pool"), (".sitegen", "templates")}


def test_a_crash_mid_build_leaves_the_old_output_intact(make_site, build_site, tmp_path):
    site = make_site({f"p{i}.md": post(f"篇{i}", f"2022-04-0{i} 10:00:00") for i in range(1, 6)})
    result, _, out = build_site(site)
    before = _files(out)
    # A theme override that fails while rendering the third post.
    templates = site / "themes" / "broken" / "templates"
    templates.mkdir(parents=True)
    (templates / "post.html").write_text(
        "{% extends 'base.html' %}{% block content %}{{ post.title }}"
        "{% if post.title == '篇3' %}{{ post.nothing.deeper }}{% endif %}{% endblock %}"
    )
    (site / "site.yml").write_text("timezone: Asia/Shanghai\ntheme: broken\n")
    config = load_config(site)
    try:
        build(config, BufferReporter())
        raise AssertionError("the build should have failed")
    except ThemeError as exc:
        assert "post.html" in str(exc)
    after = _files(out)
    assert after == before
    assert not (out / ".sitegen" / "staging").exists()


def test_every_listed_page_exists(make_site, build_site):
    site = make_site({"a.md": post("甲", categories="[新媒体, 趣头条]", tags="[长春]")})
    _, _, out = build_site(site)
    for rel in [
        "index.html",
        "categories/index.html",
        "categories/新媒体/趣头条/index.html",
        "tags/index.html",
        "tags/长春/index.html",
        "archives/index.html",
        "archives/2022/index.html",
        "archives/2022/04/index.html",
        "archives/2022/04/08/index.html",
        "atom.xml",
        "sitemap.xml",
        "404.html",
        "robots.txt",
        "static/style.css",
        "publications/index.html",
    ]:
        assert (out / rel).is_file(), rel


def test_nothing_outside_output_is_written(make_site, build_site):
    site = make_site({"a.md": post("甲", slug="../../../escape"), "img/x.png": b"\x89PNG"})
    before = sorted(p for p in site.parent.rglob("*") if "output" not in p.parts)
    _, _, out = build_site(site)
    after = sorted(p for p in site.parent.rglob("*") if "output" not in p.parts)
    assert before == after
    assert (out / "img/x.png").read_bytes() == b"\x89PNG"
    assert (out / "2022/04/08/escape/index.html").is_file()


def test_a_build_tells_which_documents_moved_to_a_new_url(make_site):
    site = make_site({"p1.md": post("旧标题"), "p2.md": post("不动", slug="p2")})
    config = load_config(site)
    assert build(config, BufferReporter()).moved == {}
    (site / "content" / "p1.md").write_text(post("新标题"), encoding="utf-8")
    assert build(config, BufferReporter()).moved == {"2022/04/08/旧标题/": "2022/04/08/新标题/"}
    (site / "content" / "p1.md").write_text(post("新标题", body="新正文。"), encoding="utf-8")
    assert build(config, BufferReporter()).moved == {}, "an edit that keeps the URL moves nothing"


def test_imported_images_show_on_a_site_under_a_sub_path(make_site, build_site):
    """Importers link a copied image from the site's root (`/web/…`); a site
    served from a sub-folder still shows it, and `check` finds nothing broken."""
    site = make_site(
        {
            "web/a.md": post("图", body='<p><img src="/web/a.png" alt="图"></p>'),
            "web/a.png": b"\x89PNG",
        },
        config="base_url: https://example.org/archive/\n",
    )
    result, _, out = build_site(site)
    assert result.ok
    page = next(out.glob("2022/04/08/图/index.html")).read_text("utf-8")
    assert 'src="/archive/web/a.png"' in page
    assert (out / "web" / "a.png").is_file()
    run = subprocess.run(
        [sys.executable, "-m", "sitegen", "check", "--site", str(site)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout


def test_a_content_file_windows_cannot_hold_is_copied_under_its_name_with_a_warning(
    make_site, build_site
):
    """Posts link to content files by their names, so the name is kept; the
    warning tells the archivist before the site meets a Windows disk."""
    site = make_site(
        {
            "a.md": post(body="![](/images/CON.jpg) ![](/images/ok.jpg)"),
            "images/CON.jpg": b"\xff\xd8jpeg",
            "images/ok.jpg": b"\xff\xd8jpeg",
        }
    )
    result, reporter, out = build_site(site)
    assert result.ok
    assert (out / "images/CON.jpg").read_bytes() == b"\xff\xd8jpeg"
    warned = [str(w) for w in reporter.warnings if "Windows" in str(w)]
    assert len(warned) == 1
    assert "content/images/CON.jpg" in warned[0] and "/images/CON-.jpg" in warned[0]
