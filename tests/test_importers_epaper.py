"""Whole-issue e-paper texts, imported with no flags, checked against their labels
(tests/fixtures/epaper/labels.yml, written by the script that composed them)."""

from __future__ import annotations

import datetime as dt
import html
import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
import yaml

from sitegen.importers import (
    REGISTRY,
    ImportOptions,
    Record,
    detect_kind,
    issuetext,
    parse_source,
    read_source,
)
from sitegen.importers.cjk import compact
from sitegen.importers.records import Source

FIXTURES = Path(__file__).parent / "fixtures" / "epaper"
ISSUES = yaml.safe_load((FIXTURES / "labels.yml").read_text(encoding="utf-8"))["issues"]
NAMES = [issue["file"] for issue in ISSUES]


def blocks(record: Record) -> list[str]:
    return [compact(html.unescape(re.sub(r"<[^>]+>", "", b))) for b in record.body.split("\n\n")]


@pytest.fixture(scope="module", params=ISSUES, ids=NAMES)
def issue(request: pytest.FixtureRequest) -> tuple[dict, Source, list[Record]]:
    label = request.param
    source = read_source(FIXTURES / label["file"])
    return label, source, parse_source(source, ImportOptions())


def articles(records: list[Record]) -> list[Record]:
    return [r for r in records if r.front and r.front["kind"] == "newspaper"]


@pytest.mark.parametrize("name", NAMES)
def test_a_whole_issue_is_a_newspaper_without_flags(name: str) -> None:
    assert detect_kind((FIXTURES / name).read_text(encoding="utf-8")) == "newspaper"


def test_articles_have_their_titles_pages_and_dates(issue) -> None:
    label, _, records = issue
    found = {r.front["title"]: r.front for r in articles(records)}
    assert len(found) == label["articles"]
    for wanted in label["labels"]:
        front = found[wanted["title"]]
        assert front["page"] == wanted["page"]
        assert front["date"] == label["date"]
        assert front["publication"] == label["publication"]
        assert front["authors"] == wanted["author"]
        assert front.get("lead_in") == wanted["lead_in"]
        assert front.get("subtitle") == wanted["subtitle"]


def test_an_issue_is_one_folder_with_its_articles_by_page(issue) -> None:
    label, _, records = issue
    folder = f"newspapers/{label['publication']}/{label['date']}"
    assert str(records[0].path) == f"{folder}/issue.md"
    assert records[0].front["kind"] == "issue"
    assert records[0].notes == []
    for record in articles(records):
        page = record.front["page"]
        assert str(record.path).startswith(f"{folder}/page-{page:02d}-{record.front['order']:02d}-")


def test_no_header_footer_running_head_or_contents_line_in_a_body(issue) -> None:
    label, _, records = issue
    body = [b for r in articles(records) for b in blocks(r)]
    for line in label["boilerplate"]:
        assert not any(compact(line) in b for b in body), line


def test_paragraphs_are_whole_where_a_page_ended(issue) -> None:
    label, _, records = issue
    body = [b for r in articles(records) for b in blocks(r)]
    assert label["sentences"], "the fixture should cut paragraphs at page ends"
    for sentence in label["sentences"]:
        assert any(compact(sentence) in b for b in body), sentence
    by_title = {r.front["title"]: blocks(r) for r in articles(records)}
    for wanted in label["labels"]:
        paras = by_title[wanted["title"]]
        assert compact(wanted["first"]) in paras[0]
        assert compact(wanted["last"]) in paras[-1]


def test_editors_pictures_and_adverts_are_no_articles(issue) -> None:
    _, source, records = issue
    titles = [r.front["title"] for r in articles(records)]
    assert not any(re.search(r"责编|编辑|图片报道|广告", t) for t in titles)
    front = records[0].front
    assert front["editors"] and all(front["editors"].values())
    assert len(front["pictures"]) == 2
    assert all(p.endswith("摄") for p in front["pictures"])
    aside = REGISTRY["newspaper"].boilerplate_lines(source.text)
    assert "广告" in aside


def test_nothing_is_lost(issue) -> None:
    _, source, records = issue
    seen = compact(
        "".join("".join(blocks(r)) + "".join(map(str, (r.front or {}).values())) for r in records)
    )
    aside = set(REGISTRY["newspaper"].boilerplate_lines(source.text))
    lost = [x for x in source.text.split("\n") if x.strip() and x not in aside]
    assert [x for x in lost if compact(x) not in seen] == []


def test_flags_still_override_what_the_text_says() -> None:
    source = read_source(FIXTURES / NAMES[0])
    records = parse_source(source, ImportOptions(publication="另一报", date=dt.date(2022, 1, 2)))
    assert str(records[0].path) == "newspapers/另一报/2022-01-02/issue.md"
    assert {r.front["date"] for r in records} == {"2022-01-02"}


def test_an_unnamed_undated_issue_is_imported_with_a_warning() -> None:
    text = "\n".join(
        ["第 01 版 2022年4月8日", "标题一", "本报记者 王琳", "正文第一段，说的是一件事。", ""] * 2
    ).replace("2022年4月8日", "")
    text = "第01版：要闻\n" + text.replace("第 01 版 ", "") + "\n第02版：综合\n标题二\n正文。\n"
    source = Source("issue-x.txt", text.encode(), text, dt.date(2022, 4, 9))
    records = parse_source(source, ImportOptions(kind="newspaper"))
    assert records[0].front["date"] == "2022-04-09"
    assert any("no date found" in n for n in records[0].notes)
    assert any("no paper named" in n for n in records[0].notes)


def sitegen(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sitegen", *args], capture_output=True, text=True, timeout=300
    )


def test_import_and_build_show_the_issue_and_its_articles(tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert sitegen("init", str(site)).returncode == 0
    run = sitegen("import", "--site", str(site), str(FIXTURES / NAMES[0]))
    assert run.returncode == 0, run.stderr
    run = sitegen("build", "--site", str(site))
    assert run.returncode == 0, run.stderr
    pages = [p.read_text(encoding="utf-8") for p in (site / "output").rglob("index.html")]
    label = ISSUES[0]
    titles = [t["title"] for t in label["labels"]]
    issue_pages = [p for p in pages if all(html.escape(t, quote=False) in p for t in titles)]
    assert issue_pages, "one page lists every article of the issue"
    first = label["labels"][0]
    shown = [p for p in pages if compact(first["last"]) in compact(html.unescape(p))]
    assert any(first["title"] in html.unescape(p) for p in shown)


BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    """bench/epaper_accuracy.py, whose `variant` gives an issue as other exports do."""
    sys.path.insert(0, str(BENCH))
    try:
        spec = importlib.util.spec_from_file_location(
            "epaper_accuracy", BENCH / "epaper_accuracy.py"
        )
        module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
        sys.modules[spec.name] = module  # type: ignore[union-attr]  # its dataclasses need it
        spec.loader.exec_module(module)  # type: ignore[union-attr]
    finally:
        sys.path.remove(str(BENCH))
    return module


@pytest.mark.parametrize("variant", ["wrapped", "no-footers", "no-headers", "headers-between"])
@pytest.mark.parametrize("label", ISSUES[:2], ids=NAMES[:2])
def test_other_exports_of_an_issue_read_the_same(label: dict, variant: str, bench) -> None:
    text = bench.variant((FIXTURES / label["file"]).read_text(encoding="utf-8"), variant)
    source = Source(label["file"], text.encode(), text)
    records = parse_source(source, ImportOptions())
    found = {r.front["title"]: blocks(r) for r in articles(records)}
    assert sorted(found) == sorted(w["title"] for w in label["labels"])
    body = [b for paras in found.values() for b in paras]
    for sentence in label["sentences"]:
        assert any(compact(sentence) in b for b in body), sentence
    for wanted in label["labels"]:
        assert compact(wanted["first"]) in found[wanted["title"]][0]
    printed = set(text.split("\n"))
    for line in label["boilerplate"]:
        assert line not in printed or not any(compact(line) in b for b in body), line


def test_one_article_with_its_header_line_needs_no_flags() -> None:
    text = (
        "《江城日报》（2022年04月08日 第 03 版）\n\n春耕备耕有序推进\n\n本报记者 王琳\n\n"
        "连日来，吉林市一手抓疫情防控、一手抓备耕生产，全力以赴保障春耕生产。\n\n"
        "记者了解到，全市春耕物资储备充足。\n"
    )
    records = parse_source(Source("a.txt", text.encode(), text), ImportOptions())
    issue, article = records
    assert str(article.path) == "newspapers/江城日报/2022-04-08/page-03-01-春耕备耕有序推进.md"
    assert (article.front["page"], article.front["authors"]) == (3, ["王琳"])
    assert "pages" not in issue.front and issue.notes == []


@pytest.mark.parametrize(
    ("line", "paper", "day", "page"),
    [
        ("《江城日报》（2022年04月08日 第 01 版）", "江城日报", "2022-04-08", 1),
        ("《 江城日报 》（ 2022年4月8日 01 版）", "江城日报", "2022-04-08", 1),
        ("白山晨报 2020-02-03 第3版", "白山晨报", "2020-02-03", 3),
        ("【松江晚报】2021年8月3日 星期二 第12版", "松江晚报", "2021-08-03", 12),
        ("来源：江城日报 2022-04-08 第3版", "江城日报", "2022-04-08", 3),
        ("2022年04月06日 星期三 第3版：要闻", None, "2022-04-06", 3),
    ],
)
def test_header_lines_of_any_paper(line: str, paper: str | None, day: str, page: int) -> None:
    found = issuetext.marker(line)
    assert found is not None
    assert (found.publication, found.date.isoformat(), found.page) == (paper, day, page)


@pytest.mark.parametrize(
    "line", ["2022年4月8日，全市开展第3版防控方案培训。", "第 3 页", "今日4版", "本报记者 王琳"]
)
def test_sentences_and_footers_are_no_header_lines(line: str) -> None:
    assert issuetext.marker(line) is None


def test_bare_numbers_are_footers_only_when_they_count_up() -> None:
    table = ["一表读懂", "援长队员", "386", "扫码人员", "780", "第 2 页"]
    assert issuetext.footers(table) == [5]
    pages = ["正文一，", "1", "正文二，", "2", "正文三。", "3"]
    assert issuetext.footers(pages) == [1, 3, 5]


def test_lead_ins_and_wrapped_titles_without_contents() -> None:
    body = "连日来，吉林市一手抓疫情防控、一手抓备耕生产，全力以赴保障春耕生产。"
    heads = [
        ["坚持人民至上 生命至上", "信念至上"],
        ["吉林市组建先锋团队集中救治全", "市新冠肺炎确诊患者"],
        ["长春新区战疫专栏：", "110个党员突击队扛起疫情防控“先锋旗”"],
        ["在危难中见证坚守 在奉献中感悟", "收获"],
    ]
    text = "\n\n".join(
        f"《江城日报》（2022年04月08日 第 0{n} 版）\n\n" + "\n\n".join(head) + f"\n\n{body}"
        for n, head in enumerate(heads, start=1)
    )
    records = parse_source(Source("a.txt", text.encode(), text), ImportOptions())
    found = [(a.front["title"], a.front.get("lead_in")) for a in articles(records)]
    assert found == [
        ("信念至上", "坚持人民至上 生命至上"),
        ("吉林市组建先锋团队集中救治全市新冠肺炎确诊患者", None),
        ("长春新区战疫专栏：110个党员突击队扛起疫情防控“先锋旗”", None),
        ("在危难中见证坚守 在奉献中感悟收获", None),
    ]
