"""The research features of the default theme (#25) in Debian's chromium, on
the bundled sample archive over HTTP: the timeline, the citation block and its
downloads, the same day in other years and the Data page.

Expected values come from the built site's own data (documents.jsonl, the day
pages), not numbers kept here. Screenshots go to tmp_path; with
SITEGEN_SCREENSHOTS set they are also kept, in tests/.screenshots/ (or in the
folder the variable names, if it is a path), for a person to look at.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import struct
from pathlib import Path
from urllib.parse import urljoin

import pytest
import test_search_browser as chromium

# Its fixtures: one chromium and one HTTP server for the module, a page a test.
browser, page, serve = chromium.browser, chromium.page, chromium.serve

SIZES = {"phone": (390, 844), "desktop": (1280, 900)}
LABEL = re.compile(r"^(\d{4}-\d\d-\d\d)(?: – (?:(\d{4})-)?(\d\d-\d\d))?：(\d+) 篇$")
DAY_URL = re.compile(r"/archives/(\d{4})/(\d\d)/(\d\d)/$")


@pytest.fixture(scope="module")
def site(serve, sample_output) -> str:
    return serve(sample_output)


def documents(out: Path) -> list[dict]:
    lines = (out / "data/documents.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def open_longest_titled(page, site: str, out: Path) -> dict:
    """The post page of the document with the longest title (the longest citation)."""
    doc = max(documents(out), key=lambda d: len(d["title"]))
    page.goto(urljoin(site, f"id/{doc['id']}/"))  # its permanent address sends it on
    page.wait_for_selector("section.citation")
    return doc


def summary_count(page) -> int:
    return int(re.search(r"共 (\d+) 篇", page.text_content(".page-summary"))[1])


def day_count(page, site: str, day: dt.date) -> int:
    """How many documents the day page lists; 0 when the day has no page."""
    response = page.request.get(urljoin(site, f"archives/{day:%Y/%m/%d}/"))
    if response.status == 404:
        return 0
    assert response.ok
    return int(re.search(r"共 (\d+) 篇", response.text())[1])


def shoot(page, selector: str, path: Path, width: int) -> None:
    page.locator(selector).screenshot(path=path)
    assert path.stat().st_size > 2000, path
    shot_width, shot_height = struct.unpack(">II", path.read_bytes()[16:24])  # PNG IHDR
    assert 200 < shot_width <= width and shot_height > 50, (path, shot_width, shot_height)
    keep = os.environ.get("SITEGEN_SCREENSHOTS")
    if keep:
        folder = Path(keep) if "/" in keep else Path(__file__).parent / ".screenshots"
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, folder / path.name)


def fits(page, selector: str) -> None:
    """No horizontal scrolling, and `selector` within the viewport's width."""
    width = page.evaluate("innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    box = page.locator(selector).bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, (selector, box, width)


@pytest.mark.parametrize("size", SIZES)
def test_timeline_and_citation_fit_phone_and_desktop(page, site, sample_output, tmp_path, size):
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    page.goto(site)
    fits(page, "figure.timeline")
    assert page.is_visible("figure.timeline > svg.timeline[role=group]")
    bars = page.eval_on_selector_all(
        "figure.timeline a rect",
        "rs => rs.map(r => r.getBoundingClientRect()).map(b => [b.width, b.height])",
    )
    assert bars and all(w > 0 and h > 0 for w, h in bars), bars  # every linked bar is seen
    shoot(page, "figure.timeline", tmp_path / f"timeline-{size}.png", width)

    doc = open_longest_titled(page, site, sample_output)
    fits(page, "section.citation")
    texts = page.locator(".cite-text")
    assert texts.count() == 2
    for i in range(2):
        assert texts.nth(i).is_visible()
        fits(page, f".cite-text >> nth={i}")
        clipped = texts.nth(i).evaluate("e => e.scrollWidth > e.clientWidth")
        assert not clipped, texts.nth(i).inner_text()
        assert doc["title"] in texts.nth(i).inner_text()
    lines = texts.first.evaluate(
        """e => { const r = document.createRange(); r.selectNodeContents(e);
                  return new Set([...r.getClientRects()].map(b => Math.round(b.top))).size; }"""
    )
    assert lines > 1 if size == "phone" else lines >= 1  # a long reference wraps on a phone
    shoot(page, "section.citation", tmp_path / f"citation-{size}.png", width)


def test_timeline_bars_lead_to_the_day_pages_that_list_their_documents(page, site):
    """Home page bars are weeks here (the sample spans three years): a week bar
    leads to the day page of its first day with documents, and its count is
    the sum of its days' pages. A day bar's count would be its page's."""
    page.goto(site)
    bars = page.eval_on_selector_all(
        "figure.timeline a",
        "as => as.map(a => [a.getAttribute('href'), a.querySelector('title').textContent])",
    )
    counts = [int(LABEL.match(label)[4]) for _, label in bars]
    tallest = counts.index(max(counts))
    single = next(i for i, n in enumerate(counts) if n == 1)
    for i in (tallest, single):
        page.goto(site)
        href, label = bars[i]
        page.locator("figure.timeline a").nth(i).click()
        page.wait_for_url(urljoin(site, href))
        first, end_year, end, count = LABEL.match(label).groups()
        start = dt.date.fromisoformat(first)
        last = dt.date.fromisoformat(f"{end_year or start.year}-{end}") if end else start
        days = [start + dt.timedelta(n) for n in range((last - start).days + 1)]
        per_day = [day_count(page, site, day) for day in days]
        landed = dt.date(*map(int, DAY_URL.search(page.url).groups()))
        assert landed == next(d for d, n in zip(days, per_day, strict=True) if n), label
        assert page.locator(".page-summary").is_visible()
        assert summary_count(page) == per_day[days.index(landed)] > 0
        assert sum(per_day) == int(count), (label, dict(zip(days, per_day, strict=True)))


def test_citation_downloads_and_reference_text(page, site, sample_output):
    doc = open_longest_titled(page, site, sample_output)
    title = page.text_content("h1.post-title").strip()
    assert title == doc["title"]
    gbt = page.text_content(".cite-text[data-style=gbt7714]")
    assert doc["archive_url"] in gbt and "[引用日期]" in gbt
    assert doc["archive_url"] in page.text_content(".cite-text[data-style=apa]")
    links = page.eval_on_selector_all(
        ".cite-downloads a[download]", "as => as.map(a => [a.textContent, a.download])"
    )
    assert [name for name, _ in links] == ["BibTeX", "RIS", "CSL-JSON"]
    bodies = {}
    for name, filename in links:  # clicked as a reader would: the browser saves a file
        assert filename.startswith(doc["id"] + "."), filename
        with page.expect_download() as saving:
            page.click(f".cite-downloads a:text-is('{name}')")
        assert saving.value.suggested_filename == filename
        bodies[name] = Path(saving.value.path()).read_bytes().decode("utf-8")
    assert bodies["BibTeX"].startswith("@")
    assert bodies["RIS"].startswith("TY  - ") and bodies["RIS"].endswith("ER  - \r\n")
    assert f"TI  - {title}\r\n" in bodies["RIS"]
    items = json.loads(bodies["CSL-JSON"])
    assert isinstance(items, list) and items[0]["title"] == title


def test_same_day_pages_link_each_other_across_years(page, site, sample_output):
    days = {dt.date.fromisoformat(d["date"][:10]) for d in documents(sample_output)}
    pairs = {
        day: sorted(o for o in days if o != day and (o.month, o.day) == (day.month, day.day))
        for day in days
    }
    pairs = {day: others for day, others in pairs.items() if others}
    assert len(pairs) >= 2  # the sample holds June 7 in 2020 and 2021, April 12 in 2021 and 2022
    for day, others in sorted(pairs.items()):
        page.goto(urljoin(site, f"archives/{day:%Y/%m/%d}/"))
        links = page.locator(".same-day a")
        assert page.is_visible(".same-day") and "往年同日" in page.text_content(".same-day")
        assert links.all_text_contents() == [str(o) for o in others], day
        links.first.click()
        page.wait_for_url(urljoin(site, f"archives/{others[0]:%Y/%m/%d}/"))
        assert str(others[0]) in page.text_content("h1")
        assert summary_count(page) == day_count(page, site, others[0]) > 0
    lonely = min(days - set(pairs))
    page.goto(urljoin(site, f"archives/{lonely:%Y/%m/%d}/"))
    assert page.locator(".same-day").count() == 0


def test_data_page_downloads(page, site, sample_output):
    page.goto(urljoin(site, "data/"))
    hrefs = page.eval_on_selector_all(".data-page li > a:first-child", "as => as.map(a => a.href)")
    names = ["documents.csv", "documents.jsonl", "datapackage.json"]
    assert [h.rsplit("/", 1)[-1] for h in hrefs] == names
    bodies = {}
    for href in hrefs:
        response = page.request.get(href)
        assert response.status == 200, href
        bodies[href.rsplit("/", 1)[-1]] = response.body()
    assert bodies["documents.csv"].startswith(b"\xef\xbb\xbfid,")
    lines = bodies["documents.jsonl"].decode("utf-8").splitlines()
    assert len(lines) == len(documents(sample_output)) == summary_like(page)
    assert json.loads(bodies["datapackage.json"])["resources"]


def summary_like(page) -> int:
    """The Data page's own count of the archive's documents."""
    return int(re.search(r"全部 (\d+) 篇", page.text_content(".page-summary"))[1])
