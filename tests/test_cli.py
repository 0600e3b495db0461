"""The command line as a user runs it: real processes, exit codes, messages."""

from __future__ import annotations

import re
import subprocess
import sys

from conftest import post


def sitegen(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sitegen", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


def test_init_creates_a_site_that_builds(tmp_path):
    site = tmp_path / "new"
    assert sitegen("init", str(site)).returncode == 0
    run = sitegen("build", "--site", str(site))
    assert run.returncode == 0, run.stderr
    assert re.search(r"\d+ documents .*\d+ pages: .* in \d+\.\d+s", run.stderr), run.stderr
    assert (site / "output" / "index.html").is_file()
    assert "第一篇文章" in (site / "output" / "index.html").read_text(encoding="utf-8")


def test_init_refuses_a_folder_with_files(tmp_path):
    (tmp_path / "x.txt").write_text("mine")
    run = sitegen("init", str(tmp_path))
    assert run.returncode == 2 and "not empty" in run.stderr


def test_a_bad_post_exits_1_with_a_located_message_and_no_traceback(make_site):
    site = make_site({"good.md": post("好"), "bad.md": post("坏", "next tuesday")})
    run = sitegen("build", "--site", str(site))
    assert run.returncode == 1
    assert "content/bad.md:3: `date`" in run.stderr
    assert "1 document(s) failed and were skipped" in run.stderr
    assert "Traceback" not in run.stderr
    assert (site / "output" / "2022/04/08/好/index.html").is_file()


def test_debug_shows_the_traceback_of_a_stopping_error(make_site):
    site = make_site({"a.md": post()}, "timezone: Mars/Olympus\n")
    quiet = sitegen("build", "--site", str(site))
    assert quiet.returncode == 2 and "unknown timezone" in quiet.stderr
    assert "site.yml:3" in quiet.stderr and "Traceback" not in quiet.stderr
    loud = sitegen("build", "--site", str(site), "--debug")
    assert "Traceback" in loud.stderr


def test_refused_output_paths_exit_2_and_touch_nothing(make_site):
    site = make_site({"a.md": post()})
    before = sorted(p.name for p in site.rglob("*"))
    for target in (".", str(site), str(site / "content"), str(site.parent), "/"):
        run = sitegen("build", "--site", str(site), "--output", target, cwd=site)
        assert run.returncode == 2, target
        assert "refusing" in run.stderr
    assert sorted(p.name for p in site.rglob("*")) == before


def test_base_url_option(make_site):
    site = make_site({"a.md": post()})
    run = sitegen("build", "--site", str(site), "--base-url", "https://example.org/archive")
    assert run.returncode == 0, run.stderr
    home = (site / "output" / "index.html").read_text(encoding="utf-8")
    assert 'href="/archive/static/style.css"' in home


def test_import_help_names_every_kind_an_importer_reads():
    from sitegen.importers.records import KINDS

    shown = sitegen("import", "--help").stdout
    assert all(kind in shown for kind in KINDS)
