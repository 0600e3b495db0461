"""Smaller copies of the stored images (`sitegen.variants`, Pillow), end to end.

Real pictures made with Pillow are served by an http.server on 127.0.0.1
started here; `sitegen images` fetches them through the CLI, a real build
writes the pages, and the tests read what a reader would get: `srcset`
candidates that exist at the widths they claim, originals unchanged. One
run blocks `import PIL` in a subprocess, as on a machine without Pillow.
"""

from __future__ import annotations

import functools
import hashlib
import io
import re
import subprocess
import sys
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import post
from PIL import Image
from test_images_site import Quiet, no_delay, serving  # noqa: F401 (a fixture)

from sitegen import fetch, images, variants
from sitegen.cli import main
from sitegen.report import BufferReporter


def photo(width: int, height: int, exif_orientation: int | None = None) -> bytes:
    """A JPEG with something in it (a gradient and noise), as a camera would send."""
    image = Image.merge(
        "RGB",
        [
            Image.linear_gradient("L").resize((width, height)),
            Image.effect_noise((width, height), 40),
            Image.radial_gradient("L").resize((width, height)),
        ],
    )
    out = io.BytesIO()
    exif = Image.Exif()
    if exif_orientation:
        exif[0x0112] = exif_orientation
    image.save(out, "JPEG", quality=90, exif=exif.tobytes())
    return out.getvalue()


def screenshot(width: int, height: int, mode: str = "RGB") -> bytes:
    """A PNG like a screenshot of a notice: flat colour and lines of 'text'."""
    image = Image.new(mode, (width, height), "white")
    for y in range(10, height - 10, 24):
        image.paste("black", (20, y, width - 20, y + 8))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def animated_gif(width: int, height: int) -> bytes:
    frames = [Image.new("RGB", (width, height), colour) for colour in ("red", "green", "blue")]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return out.getvalue()


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="900" height="300"><rect width="9"/></svg>'
PICTURES = {
    "/img/photo.jpg": photo(2000, 1200),
    "/img/notice.png": screenshot(600, 400),
    "/img/icon.png": screenshot(120, 80),
    "/img/anim.gif": animated_gif(700, 300),
    "/img/map.svg": SVG,
}


host = serving(PICTURES)


PAGE = "2022/04/08/图片/index.html"


def site_with(make_site, base: str, *names: str) -> Path:
    body = "\n\n".join(f'<p><img src="{base}/img/{name}" alt="{name}"></p>' for name in names)
    return make_site({"posts/a.md": post("图片", body=body)})


def fetch_only(content: Path) -> fetch.Summary:
    """Fetch and store the post's images, as `sitegen images` did before it made copies."""
    text = (content / "posts/a.md").read_text("utf-8")
    options = fetch.FetchOptions(allow_private=True)
    return fetch.archive_images(content, [("a.md", text)], BufferReporter(), options)


def run_images(site: Path):
    result = CliRunner().invoke(main, ["images", "--site", str(site), "--allow-private"])
    assert result.exit_code == 0, result.output
    return result.output


def run_build(site: Path) -> Path:
    result = CliRunner().invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 0, result.output
    return site / "output"


def img_tag(html: str, name: str) -> str:
    return next(t for t in re.findall(r"<img\s[^>]*>", html) if f'alt="{name}"' in t)


def attribute(tag: str, name: str) -> str | None:
    found = re.search(rf'\s{name}="([^"]*)"', tag)
    return found.group(1) if found else None


def srcset(tag: str) -> list[tuple[str, int]]:
    value = attribute(tag, "srcset") or ""
    return [(c.split()[0], int(c.split()[1][:-1])) for c in value.split(", ") if c]


def pixels(path: Path) -> tuple[str, tuple[int, int]]:
    with Image.open(path) as image:
        return image.format, image.size


def test_the_page_offers_smaller_copies_at_the_widths_it_claims(make_site, host):
    base, _, _ = host
    names = ("photo.jpg", "notice.png", "icon.png", "anim.gif", "map.svg")
    site = site_with(make_site, base, *names)
    said = run_images(site)
    assert "5 fetched" in said
    assert "smaller copies made of 2 image(s)" in said, said
    assert "; 1 too small to need them, 1 without (animated or unreadable)" in said

    out = run_build(site)
    html = (out / PAGE).read_text(encoding="utf-8")
    photo_tag = img_tag(html, "photo.jpg")
    candidates = srcset(photo_tag)
    assert [w for _, w in candidates] == [480, 960, 1600, 2000]
    for url, width in candidates:
        kind, size = pixels(out / url.lstrip("/"))
        assert kind == "JPEG" and size == (width, width * 1200 // 2000), url
    assert candidates[-1][0] == attribute(photo_tag, "src")  # the original is the largest
    assert attribute(photo_tag, "sizes") == "(max-width: 960px) 100vw, 960px"
    assert attribute(photo_tag, "data-original-src") == f"{base}/img/photo.jpg"

    notice = img_tag(html, "notice.png")
    assert [(pixels(out / u.lstrip("/")), w) for u, w in srcset(notice)] == [
        (("PNG", (480, 320)), 480),
        (("PNG", (600, 400)), 600),
    ]
    assert attribute(notice, "sizes") == "(max-width: 600px) 100vw, 600px"  # never blown up
    for name in ("icon.png", "anim.gif", "map.svg"):  # too small, animated, scalable
        tag = img_tag(html, name)
        assert "srcset" not in tag and attribute(tag, "src").startswith("/assets/images/"), tag


def test_the_originals_are_kept_byte_for_byte(make_site, host):
    base, _, _ = host
    site = site_with(make_site, base, "photo.jpg", "notice.png")
    run_images(site)
    manifest = images.load_manifest(site / "content")
    for name in ("photo.jpg", "notice.png"):
        record = manifest.records[f"{base}/img/{name}"]
        kept = (site / "content" / record.path).read_bytes()
        assert kept == PICTURES[f"/img/{name}"]
        assert hashlib.sha256(kept).hexdigest() == record.sha256
        assert record.variants and all(path != record.path for _, path in record.variants)


def test_the_preview_fits_a_list_thumbnail(make_site, host):
    base, _, _ = host
    site = site_with(make_site, base, "photo.jpg", "icon.png")
    run_images(site)
    manifest = images.load_manifest(site / "content")
    big = manifest.records[f"{base}/img/photo.jpg"]
    assert pixels(site / "content" / big.preview) == ("JPEG", (256, 154))
    assert manifest.records[f"{base}/img/icon.png"].preview is None  # already that small


def test_an_image_stored_before_gets_its_copies_on_the_next_run_without_fetching(make_site, host):
    """Images kept by a machine without Pillow (or before variants existed):
    the next `sitegen images` with Pillow makes their copies, fetching nothing."""
    base, _, stop = host
    site = site_with(make_site, base, "photo.jpg")
    content = site / "content"
    assert fetch_only(content).fetched == 1
    assert not images.load_manifest(content).records[f"{base}/img/photo.jpg"].variants
    stop()  # the host is gone: nothing may be fetched again

    said = run_images(site)
    assert "nothing new to fetch" in said and "smaller copies made of 1 image(s)" in said
    record = images.load_manifest(content).records[f"{base}/img/photo.jpg"]
    assert [w for w, _ in record.variants] == [480, 960, 1600]
    again = run_images(site)
    assert "smaller copies" not in again  # done once


def test_the_cover_has_its_copies_lists_show_its_preview_and_provenance_names_the_originals(
    make_site, host
):
    base, _, _ = host
    body = f'<p><img src="{base}/img/notice.png" alt="notice.png"></p>'
    cover = f"{base}/img/photo.jpg"
    site = make_site({"posts/a.md": post("图片", body=body, cover=cover)})
    run_images(site)
    out = run_build(site)
    page = (out / PAGE).read_text(encoding="utf-8")
    shown = re.search(r'<figure class="post-cover">\s*(<img\s[^>]*>)', page).group(1)
    candidates = srcset(shown)
    assert [w for _, w in candidates] == [480, 960, 1600, 2000]
    for url, width in candidates:
        assert pixels(out / url.lstrip("/"))[1][0] == width, url
    assert attribute(shown, "data-original-src") == cover

    provenance = page[page.index('class="provenance"') :]
    listed = re.search(r'<ol class="image-originals">(.*?)</ol>', provenance, re.S).group(1)
    assert re.findall(r'href="([^"]*)"', listed) == [f"{base}/img/notice.png"]

    home = (out / "index.html").read_text(encoding="utf-8")
    thumb = re.search(r'<a class="card-thumb"[^>]*>\s*(<img\s[^>]*>)', home).group(1)
    preview = attribute(thumb, "src")
    assert "-preview." in preview and pixels(out / preview.lstrip("/")) == ("JPEG", (256, 154))


def test_the_width_is_the_one_a_browser_shows(tmp_path):
    """A camera's JPEG stored sideways with an EXIF orientation: browsers turn
    it, so its copies are turned too and `srcset` counts its shown width."""
    derived = variants.derive(photo(1200, 800, exif_orientation=6), 50_000_000)
    assert (derived.width, derived.height) == (800, 1200)
    with Image.open(io.BytesIO(dict(derived.variants)[480])) as copy:
        assert copy.size == (480, 720)


@pytest.mark.parametrize("limit", [1_000_000, 1_500_000])
def test_pillow_refuses_a_decompression_bomb(limit):
    """Over the cap (2,400,000 pixels here) Pillow refuses before decoding:
    beyond twice the cap by its error, between once and twice by its warning,
    which is an error here too. Its global limit is put back."""
    before = Image.MAX_IMAGE_PIXELS
    with pytest.raises(variants.Unusable, match="decompression bomb"):
        variants.derive(photo(2000, 1200), limit)
    restored = Image.MAX_IMAGE_PIXELS
    assert restored == before


def test_a_bomb_by_pillow_gets_no_copies_and_is_not_tried_again(make_site, host):
    base, _, _ = host
    site = site_with(make_site, base, "photo.jpg")
    content = site / "content"
    fetch_only(content)
    reporter = BufferReporter()
    summary = variants.add_variants(content, reporter, max_pixels=1_000_000)
    assert summary.unusable == 1 and summary.made == 0
    assert "decompression bomb" in reporter.warnings[0]
    record = images.load_manifest(content).records[f"{base}/img/photo.jpg"]
    assert "decompression bomb" in record.no_variants and not record.variants
    assert not (content / images.VARIANTS_DIR).exists()
    assert variants.add_variants(content, BufferReporter()).unusable == 0  # recorded: not again


def test_a_stored_file_that_changed_gets_no_copies(make_site, host):
    base, _, _ = host
    site = site_with(make_site, base, "notice.png")
    content = site / "content"
    fetch_only(content)
    record = images.load_manifest(content).records[f"{base}/img/notice.png"]
    (content / record.path).write_bytes(screenshot(900, 500))
    reporter = BufferReporter()
    assert variants.add_variants(content, reporter).made == 0
    assert "no longer match its SHA-256" in reporter.warnings[0]


def test_variant_paths_in_the_manifest_must_be_its_own():
    sha = "ab" + "0" * 62
    good = f"assets/images/variants/ab/{sha}-480w.jpg"
    line = (
        '{"url": "https://a.cn/1.jpg", "state": "stored", "sha256": "%s", '
        '"path": "assets/images/ab/%s.jpg", "width": 900, "variants": [[480, "%s"]]}'
    )
    assert images.Record.from_json(line % (sha, sha, good)).variants == ((480, good),)
    for bad in ("../../../etc/passwd", good.replace("480w", "960w"), "/" + good):
        record = images.Record.from_json(line % (sha, sha, bad))
        assert record.state == "stored" and record.variants == () and record.width is None


# Without Pillow --------------------------------------------------------------------

NO_PILLOW = "import sys; sys.modules['PIL'] = None; from sitegen.cli import main; main()"


def without_pillow(*arguments: str) -> subprocess.CompletedProcess:
    """`sitegen …` in a Python where `import PIL` fails."""
    return subprocess.run(
        [sys.executable, "-c", NO_PILLOW, *arguments], capture_output=True, text=True, timeout=120
    )


def test_without_pillow_images_are_kept_and_shown_without_copies(make_site, host):
    base, _, _ = host
    site = site_with(make_site, base, "photo.jpg")
    run = without_pillow("images", "--site", str(site), "--allow-private")
    assert run.returncode == 0, run.stderr
    assert "1 fetched" in run.stderr
    assert "Pillow is not installed: no smaller copies" in run.stderr
    assert not (site / "content" / images.VARIANTS_DIR).exists()

    build = without_pillow("build", "--site", str(site))
    assert build.returncode == 0, build.stderr
    tag = img_tag((site / "output" / PAGE).read_text("utf-8"), "photo.jpg")
    assert attribute(tag, "src").startswith("/assets/images/") and "srcset" not in tag

    # Pillow comes later: the next run makes the copies; a build without Pillow shows them.
    assert "smaller copies made of 1 image(s)" in run_images(site)
    assert without_pillow("build", "--site", str(site)).returncode == 0
    tag = img_tag((site / "output" / PAGE).read_text("utf-8"), "photo.jpg")
    assert [w for _, w in srcset(tag)] == [480, 960, 1600, 2000]


# In a browser, with the picture host gone -------------------------------------------

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs Debian's chromium")
def test_a_phone_loads_the_small_copy_and_no_picture_changes_size(make_site, host):
    from test_search_browser import ARGS, CHROMIUM

    base, _, stop = host
    site = site_with(make_site, base, "photo.jpg", "notice.png", "icon.png")
    run_images(site)
    out = run_build(site)
    stop()
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    shown = {}
    try:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                for label, width in (("phone", 400), ("desktop", 1280)):
                    page = browser.new_page(viewport={"width": width, "height": 900})
                    page.goto(f"http://127.0.0.1:{server.server_port}/{PAGE}")
                    shown[label] = page.evaluate(
                        """() => Promise.all([...document.querySelectorAll('.prose img')]
                            .map(async i => { i.scrollIntoView(); await i.decode();
                              return {alt: i.alt, src: i.currentSrc, width: i.clientWidth,
                                      column: i.parentElement.clientWidth}; }))"""
                    )
                    page.close()
            finally:
                browser.close()
    finally:
        server.shutdown()
        server.server_close()
    phone = {i["alt"]: i for i in shown["phone"]}
    desktop = {i["alt"]: i for i in shown["desktop"]}
    assert phone["photo.jpg"]["src"].endswith("-480w.jpg"), phone
    assert desktop["photo.jpg"]["src"].endswith("-960w.jpg"), desktop
    assert phone["notice.png"]["src"].endswith("-480w.png"), phone
    # Laid out as without srcset: as wide as the column, or the picture's own width.
    for where in (phone, desktop):
        for name, own in (("photo.jpg", 2000), ("notice.png", 600), ("icon.png", 120)):
            assert where[name]["width"] == min(own, where[name]["column"]), where
