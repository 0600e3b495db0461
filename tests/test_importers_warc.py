"""Web archives: a WARC of every devset page, made here with warcio's writer,
with small real PNGs at the image URLs the pages show, imported in one
command; then built and opened in Chromium with the network off."""

from __future__ import annotations

import gzip
import io
import json
import struct
import zipfile
import zlib
from email.charset import QP, Charset
from email.mime.image import MIMEImage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from pathlib import Path, PurePosixPath
from urllib.parse import quote

import pytest
import yaml
from test_search_browser import browser, serve  # noqa: F401 - fixtures
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from sitegen.build import build
from sitegen.config import load_config
from sitegen.errors import ImportFailed
from sitegen.importers import (
    ImportOptions,
    htmlmeta,
    htmlpage,
    import_files,
    parse_source,
    read_source,
)
from sitegen.report import BufferReporter

WEB = Path(__file__).parent / "fixtures" / "web"
PAGES = sorted(WEB.glob("*.html"))


def png(width: int = 4, height: int = 3) -> bytes:
    """A real PNG of `width` × `height` red pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def url_of(page: Path) -> str:
    return f"https://news.example.cn/{page.stem}/index.html"


def response(
    writer: WARCWriter, url: str, status: str, mime: str, payload: bytes, date: str | None = None
) -> None:
    headers = StatusAndHeaders(status, [("Content-Type", mime)], protocol="HTTP/1.1")
    dated = {"WARC-Date": date} if date else None
    record = writer.create_warc_record(
        url, "response", payload=io.BytesIO(payload), http_headers=headers, warc_headers_dict=dated
    )
    writer.write_record(record)


def make_warc(pages: list[Path], gzip: bool = True) -> bytes:
    """Every page as a 200 response, a PNG at each image URL its article
    shows, and one redirect, one 404, one script and one revisit to skip."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gzip)
    for page in pages:
        data = page.read_bytes()
        response(writer, url_of(page), "200 OK", "text/html", data)
        shown = htmlpage.read(htmlmeta.decode(data), url=url_of(page)).blocks
        for number, image in enumerate(sorted({u for block in shown for u in block.images})):
            response(writer, image, "200 OK", "image/png", png(4 + number))
    response(writer, "https://news.example.cn/old", "301 Moved Permanently", "text/html", b"")
    response(writer, "https://news.example.cn/gone", "404 Not Found", "text/html", b"<html></html>")
    response(writer, "https://news.example.cn/a.js", "200 OK", "application/javascript", b"1;")
    revisit = writer.create_revisit_record(
        url_of(pages[0]),
        digest="sha1:AAAA",
        refers_to_uri=url_of(pages[0]),
        refers_to_date="2022-04-10T00:00:00Z",
    )
    writer.write_record(revisit)
    return out.getvalue()


def front_and_body(path: Path) -> tuple[dict, str]:
    _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
    return yaml.safe_load(front), body


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, BufferReporter, list[Path]]:
    folder = tmp_path_factory.mktemp("warc")
    archive = folder / "devset.warc.gz"
    archive.write_bytes(make_warc(PAGES))
    (folder / "site.yml").write_text("title: 网页存档\n", encoding="utf-8")
    reporter = BufferReporter()
    written = import_files([archive], ImportOptions(), folder / "content", reporter)
    return folder, archive, reporter, written


def test_every_page_becomes_a_document_and_the_rest_is_counted(site) -> None:
    _, _, reporter, written = site
    documents = [p for p in written if p.suffix == ".md"]
    assert len(documents) == len(PAGES)
    titles = {front_and_body(p)[0]["title"] for p in documents}
    assert "曹方新碟发布会创意无限 特制入场门票体现心意" in titles
    [summary] = [w for w in reporter.warnings if "page(s)" in w]
    assert f"{len(PAGES)} page(s)" in summary
    for skipped in ("1 redirects", "1 revisits", "1 status 404", "1 not HTML or image"):
        assert skipped in summary


def test_provenance_names_the_record(site) -> None:
    folder, archive, _, written = site
    documents = [p for p in written if p.suffix == ".md"]
    records = {}
    with archive.open("rb") as stream:
        iterator = ArchiveIterator(stream)
        for record in iterator:
            records[iterator.get_record_offset()] = record.rec_headers.get_header("WARC-Target-URI")
    for path in documents:
        front, _ = front_and_body(path)
        assert records[front["warc_offset"]] == front["original_url"]
        assert front["warc_date"].endswith("Z")
        assert (folder / "content" / front["source_file"]).read_bytes() == archive.read_bytes()
        assert front["kind"] == "webpage"


def test_captured_images_are_copied_and_linked(site) -> None:
    folder, _, _, written = site
    [document] = [p for p in written if p.name.startswith("2009-11-09-曹方")]
    _, body = front_and_body(document)
    assert "gtimg.com" not in body
    local = {p for p in written if p.suffix == ".png" and p.parent.name == document.stem}
    assert {p.read_bytes() for p in local} == {png(4), png(5)}
    for image in local:
        assert f'src="/{quote(image.relative_to(folder / "content").as_posix())}"' in body


def test_a_wacz_and_a_plain_warc_import_alike(tmp_path: Path) -> None:
    page = WEB / "qq-2009-caofang.html"
    plain = tmp_path / "one.warc"
    plain.write_bytes(make_warc([page], gzip=False))
    wacz = tmp_path / "one.wacz"
    with zipfile.ZipFile(wacz, "w") as archive:
        archive.writestr("archive/data.warc.gz", make_warc([page]))
        archive.writestr("pages/pages.jsonl", json.dumps({"url": url_of(page)}) + "\n")
    for path, inner in ((plain, None), (wacz, "archive/data.warc.gz")):
        written = import_files([path], ImportOptions(), tmp_path / path.stem, BufferReporter())
        [document] = [p for p in written if p.suffix == ".md"]
        front, _ = front_and_body(document)
        assert front["title"] == "曹方新碟发布会创意无限 特制入场门票体现心意"
        assert front.get("warc_file") == inner
        assert len([p for p in written if p.suffix == ".png"]) == 2


def test_the_site_shows_captured_images_with_the_network_off(site, browser, serve) -> None:  # noqa: F811
    """Every built page whose article shows a captured image, opened with
    every request that is not to the local server aborted."""
    folder, _, _, _ = site
    reporter = BufferReporter()
    build(load_config(folder), reporter)
    assert reporter.errors == []
    output = folder / "output"
    base = serve(output)
    shown = {
        path: path.read_text(encoding="utf-8").count('src="/web/')
        for path in output.glob("[0-9]*/*/*/*/index.html")
    }
    shown = {path: count for path, count in shown.items() if count}
    assert len(shown) >= 6
    context = browser.new_context()
    page = context.new_page()
    outside: list[str] = []

    def route(handle) -> None:
        if handle.request.url.startswith(base):
            handle.continue_()
        else:
            outside.append(handle.request.url)
            handle.abort()

    page.route("**/*", route)
    widths = {}
    for path in shown:
        page.goto(base + quote(path.parent.relative_to(output).as_posix()) + "/")
        for image in page.query_selector_all("article img"):
            image.scroll_into_view_if_needed()
        page.wait_for_function(
            "[...document.querySelectorAll('article img')].every(i => i.complete)"
        )
        local = "article img[src^='/web/']"
        widths[path] = page.eval_on_selector_all(local, "images => images.map(i => i.naturalWidth)")
    context.close()
    assert {path: len(found) for path, found in widths.items()} == shown
    assert all(width >= 4 for found in widths.values() for width in found)
    assert not [url for url in outside if url.rsplit(".", 1)[-1] in ("png", "jpg", "gif")]


def test_an_archive_without_pages_is_refused_and_nothing_written(tmp_path: Path) -> None:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    response(writer, "https://news.example.cn/old", "301 Moved Permanently", "text/html", b"")
    response(writer, "https://news.example.cn/a.png", "200 OK", "image/png", png())
    path = tmp_path / "empty.warc.gz"
    path.write_bytes(out.getvalue())
    with pytest.raises(ImportFailed, match="no HTML page"):
        import_files([path], ImportOptions(), tmp_path / "content", BufferReporter())
    assert not (tmp_path / "content").exists()


def test_kind_is_known_by_bytes_not_by_name(tmp_path: Path) -> None:
    warc = tmp_path / "page.html"
    warc.write_bytes(make_warc([WEB / "qq-2009-caofang.html"]))
    assert parse_source(read_source(warc), ImportOptions())[0].front["warc_offset"] == 0
    text = tmp_path / "notes.warc.gz"
    text.write_bytes(gzip.compress("这不是网页存档。\n".encode()))
    with pytest.raises(ImportFailed):
        read_source(text)


def test_reimporting_an_archive_replaces_its_documents(tmp_path: Path) -> None:
    path = tmp_path / "one.warc.gz"
    path.write_bytes(make_warc([WEB / "qq-2009-caofang.html"]))
    content = tmp_path / "content"
    first = import_files([path], ImportOptions(), content, BufferReporter())
    again = import_files([path], ImportOptions(), content, BufferReporter())
    assert sorted(first) == sorted(again)
    assert sorted(p for p in content.rglob("*") if p.is_file()) == sorted(set(again))


def make_mhtml(page: Path) -> bytes:
    """The page as a browser saves it as one file: a MIME message of the
    page (quoted-printable) and the images its article shows."""
    text = htmlmeta.decode(page.read_bytes())
    message = MIMEMultipart("related", type="text/html")
    message["From"] = "<Saved by Blink>"
    message["Snapshot-Content-Location"] = url_of(page)
    message["Date"] = "Mon, 9 Nov 2009 12:00:00 +0800"
    charset = Charset("utf-8")
    charset.body_encoding = QP
    document = MIMEText(text, "html", charset)
    document["Content-Location"] = url_of(page)
    message.attach(document)
    shown = htmlpage.read(text, url=url_of(page)).blocks
    for number, url in enumerate(sorted({u for block in shown for u in block.images})):
        image = MIMEImage(png(4 + number), "png")
        image["Content-Location"] = url
        message.attach(image)
    style = MIMEText("body { color: black }", "css")
    message.attach(style)
    return message.as_bytes()


def test_an_mhtml_page_imports_with_its_images(tmp_path: Path) -> None:
    path = tmp_path / "saved.mhtml"
    path.write_bytes(make_mhtml(WEB / "qq-2009-caofang.html"))
    reporter = BufferReporter()
    written = import_files([path], ImportOptions(), tmp_path / "content", reporter)
    [document] = [p for p in written if p.suffix == ".md"]
    front, body = front_and_body(document)
    assert front["title"] == "曹方新碟发布会创意无限 特制入场门票体现心意"
    assert front["original_url"] == url_of(WEB / "qq-2009-caofang.html")
    assert front["saved_date"] == "Mon, 9 Nov 2009 12:00:00 +0800"
    images = {p.read_bytes() for p in written if p.suffix == ".png"}
    assert images == {png(4), png(5)}
    assert "gtimg.com" not in body
    assert any("1 not HTML or image" in w for w in reporter.warnings)


def test_into_moves_the_images_and_their_links(tmp_path: Path) -> None:
    path = tmp_path / "one.warc.gz"
    path.write_bytes(make_warc([WEB / "qq-2009-caofang.html"]))
    content = tmp_path / "content"
    options = ImportOptions(into=PurePosixPath("archive/2009"))
    written = import_files([path], options, content, BufferReporter())
    [document] = [p for p in written if p.suffix == ".md"]
    _, body = front_and_body(document)
    for image in (p for p in written if p.suffix == ".png"):
        rel = image.relative_to(content).as_posix()
        assert rel.startswith("archive/2009/web/")
        assert f'src="/{quote(rel)}"' in body


def test_a_page_captured_twice_is_one_document_from_the_later_capture(tmp_path: Path) -> None:
    page = WEB / "chinadaily-2023-zhongmei.html"
    said = '<meta property="og:title" content="{}"'
    first = said.format("外国专家：中美合作共赢符合国际社会利益").encode()
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    for date, title in (("2023-11-17T08:00:00Z", "旧标题"), ("2023-11-18T08:00:00Z", "新标题")):
        data = page.read_bytes().replace(first, said.format(title).encode())
        response(writer, url_of(page), "200 OK", "text/html", data, date)
    path = tmp_path / "twice.warc.gz"
    path.write_bytes(out.getvalue())
    reporter = BufferReporter()
    written = import_files([path], ImportOptions(), tmp_path / "content", reporter)
    [document] = [p for p in written if p.suffix == ".md"]
    front, _ = front_and_body(document)
    assert (front["title"], front["warc_date"]) == ("新标题", "2023-11-18T08:00:00Z")
    assert any("1 earlier captures of a page" in w for w in reporter.warnings)
