"""`sitegen import --images`: the imported documents' images kept in the same
step, against a local image host started here (`--allow-private`, as the
host is on loopback)."""

from __future__ import annotations

from click.testing import CliRunner
from conftest import post
from test_images_site import IMAGES, no_delay, serving  # noqa: F401 (a fixture)

from sitegen import images
from sitegen.cli import main

image_host = serving(IMAGES)


def scraped(tmp_path, base: str, *extra: str):
    """A scraped post to import: a proxied picture, a lazy one, a cover."""
    body = (
        f'<div><p><img src="{base}/proxy/?{base}/img/a.png" alt="一"></p>'
        f'<p><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="{base}/img/b.png"'
        f' alt="二"></p>{"".join(extra)}</div>'
    )
    path = tmp_path / "scrape.md"
    path.write_text(post("抓取", cover=f"{base}/img/cover.png", body=body), encoding="utf-8")
    return path


def import_with_images(site, source, *options: str):
    arguments = ["import", str(source), "--site", str(site), "--kind", "post", "--images"]
    return CliRunner().invoke(main, [*arguments, "--allow-private", *options])


def test_import_keeps_the_images_of_what_it_wrote(make_site, image_host, tmp_path):
    base, requests, _ = image_host
    site = make_site({"posts/old.md": post("旧", body=f"![旧]({base}/img/old.png)")})
    run = import_with_images(site, scraped(tmp_path, base))
    assert run.exit_code == 0, run.output
    assert "1 files written" in run.output
    assert "3 image(s) found: 0 already stored, 3 fetched, 0 failed, 0 refused" in run.output
    stored = images.load_manifest(site / "content").records
    assert set(stored) == {f"{base}/img/{n}.png" for n in ("a", "b", "cover")}
    assert all(
        (site / "content" / r.path).read_bytes() == IMAGES[r.url[len(base) :]]
        for r in stored.values()
    )
    assert "/img/old.png" not in requests  # only the documents this import wrote


def test_import_reports_failures_like_images_and_keeps_the_documents(
    make_site, image_host, tmp_path
):
    base, _, _ = image_host
    site = make_site({})
    source = scraped(tmp_path, base, f'<p><img src="{base}/img/gone.png"></p>')
    run = import_with_images(site, source, "--workers", "1")
    assert run.exit_code == 1, run.output
    assert "HTTP 404" in run.output and f"{base}/img/gone.png" in run.output
    assert "3 fetched, 1 failed, 0 refused" in run.output
    assert "1 image(s) not stored" in run.output
    assert len(list((site / "content").rglob("*.md"))) == 1  # the import itself stands


def test_import_refuses_loopback_without_allow_private(make_site, image_host, tmp_path):
    base, requests, _ = image_host
    site = make_site({})
    arguments = ["import", str(scraped(tmp_path, base)), "--site", str(site), "--images"]
    run = CliRunner().invoke(main, [*arguments, "--kind", "post"])
    assert run.exit_code == 1, run.output
    assert "not a public address" in run.output and "--allow-private" in run.output
    assert requests == []


def test_a_dry_run_fetches_nothing(make_site, image_host, tmp_path):
    base, requests, _ = image_host
    site = make_site({})
    run = import_with_images(site, scraped(tmp_path, base), "--dry-run")
    assert run.exit_code == 0, run.output
    assert requests == [] and not (site / "content" / images.IMAGES_DIR).exists()
