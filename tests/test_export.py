"""The archive as data: documents.csv, documents.jsonl and datapackage.json,
read back the way their users read them (pandas, a spreadsheet, Frictionless)."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import frictionless
import pandas as pd
import pytest

from sitegen import export
from sitegen.catalog import with_links
from sitegen.sources.document import Document, Link, parse_document
from sitegen.sources.markup import Markup

SH = ZoneInfo("Asia/Shanghai")
BASE = "https://example.org/archive/"

ARTICLE = """---
title: "精锐尽出, 全力驰援：\\"双奥之城\\"\\n第二行"
date: 2022-04-06 06:30:00
kind: newspaper
categories:
- 报纸
- 辽源日报
author: 于蕊、刘彦
authors:
- 于蕊
- 刘彦
publication: 辽源日报
issue: 总第8491期
page: 1
source_file: newspapers/辽源日报/2022-04-06/original-001.txt
source_sha256: 3ebeb75bc2034715f6c974d960e8731a2f52d777398bbe3f2a833b4bbc51d355
---

<p>4月5日6时30分，市委书记带领援长工作队，“迅速集结”。</p>

<p>截至目前, 已达3000多人。</p>
"""

POST = """---
title: '他说"你好"，然后走了'
date: 2021-12-31 23:59:59
author: 张三
categories:
- [随笔, 生活]
- [读书]
tags: [日记, "a, b"]
original_url: https://news.example.com/a?b=1&c=2
---

第一段，有“引号”和 "quotes"。
"""

ISSUE = """---
title: 辽源日报 2022-04-06 第1版
date: 2022-04-06
kind: issue
publication: 辽源日报
issue: 总第8491期
page: 1
source_file: newspapers/辽源日报/2022-04-06/original-001.txt
---

<p>吉D微风</p>
"""


def document(text: str, source: str) -> Document:
    return parse_document(text, source, SH, Markup())


@pytest.fixture
def docs() -> list[Document]:
    article = with_links(
        document(ARTICLE, "newspapers/辽源日报/2022-04-06/page-01-01.md"),
        url="newspapers/辽源日报/2022/04/06/精锐尽出/",
        issue=Link("辽源日报 2022-04-06 第1版", "publications/辽源日报/2022/04/06/第1版/"),
        publication=Link("辽源日报", "publications/辽源日报/"),
    )
    post = with_links(document(POST, "posts/走了.md"), url="2021/12/31/走了/")
    issue = document(ISSUE, "newspapers/辽源日报/2022-04-06/issue.md")
    return [article, post, issue]


@pytest.fixture
def rows(docs: list[Document]) -> list[export.Row]:
    return [export.row(d, BASE) for d in docs]


def test_a_row_holds_what_the_document_says(docs, rows):
    article, post, issue = rows
    assert article.id == docs[0].id and article.id.isascii()  # the permanent one
    assert article.title == docs[0].title
    assert "\n" in article.title and '"' in article.title and "," in article.title
    assert article.date == "2022-04-06T06:30:00+08:00"
    assert dt.datetime.fromisoformat(article.date) == docs[0].date
    assert article.authors == ("于蕊", "刘彦")
    assert article.page == "1"
    assert article.categories == ("报纸/辽源日报",)
    assert article.publication == "辽源日报"
    assert article.issue == "辽源日报 2022-04-06 第1版"  # the issue it is linked to
    assert article.source_sha256.startswith("3ebeb75b")
    assert article.archive_url == f"{BASE}id/{docs[0].id}/"  # never moves
    assert "市委书记带领援长工作队" in article.text and "<p>" not in article.text

    assert post.authors == ("张三",)  # a post names one author
    assert post.categories == ("随笔/生活", "读书")
    assert post.tags == ("日记", "a, b")
    assert post.original_url == "https://news.example.com/a?b=1&c=2"
    assert (post.publication, post.issue, post.page, post.source_sha256) == ("", "", "", "")
    assert post.date == "2021-12-31T23:59:59+08:00"

    assert issue.kind == "issue"
    assert issue.issue == "辽源日报 2022-04-06 第1版"  # an issue is its own
    assert issue.authors == ()


def test_an_unlinked_article_names_the_issue_its_front_matter_names(docs):
    unlinked = with_links(docs[0], issue=None)
    assert export.row(unlinked, BASE).issue == "总第8491期"


def test_field_docs_describe_every_field_in_order():
    assert tuple(name for name, *_ in export.FIELD_DOCS) == export.FIELDS
    assert "text" not in export.CSV_FIELDS
    assert len(export.CSV_FIELDS) == len(export.FIELDS) - 1
    for name, kind, zh, en in export.FIELD_DOCS:
        assert kind in ("string", "datetime", "array")
        assert any("\u4e00" <= c <= "\u9fff" for c in zh), name
        assert en.strip() and en[0].isupper(), name


def test_csv_opens_as_excel_reads_utf8_with_bom(rows):
    data = export.csv_bytes(rows)
    assert data.startswith(codecs.BOM_UTF8)
    assert not data.startswith(codecs.BOM_UTF8 * 2)
    header, _, rest = data.partition(b"\r\n")
    assert header == codecs.BOM_UTF8 + ",".join(export.CSV_FIELDS).encode()
    assert data.endswith(b"\r\n")
    # Records end in CRLF; a bare LF only stands inside a quoted title.
    assert data.count(b"\r\n") == len(rows) + 1
    text = data.decode("utf-8-sig")
    read = list(csv.reader(io.StringIO(text, newline=""), dialect="excel"))
    assert read[0] == list(export.CSV_FIELDS)
    assert "text" not in read[0]
    assert len(read) == len(rows) + 1
    for r, cells in zip(rows, read[1:], strict=True):
        values = dict(zip(read[0], cells, strict=True))
        assert values["title"] == r.title
        assert values["authors"].split(export.LIST_SEPARATOR) == list(r.authors) or not r.authors
        assert values["categories"] == " | ".join(r.categories)


def test_csv_round_trips_through_pandas(rows):
    frame = pd.read_csv(io.BytesIO(export.csv_bytes(rows)), dtype=str, keep_default_na=False)
    assert frame.columns[0] == "id"  # not "\ufeffid": the BOM is read as a BOM
    assert list(frame.columns) == list(export.CSV_FIELDS)
    assert list(frame["id"]) == [r.id for r in rows]
    assert list(frame["title"]) == [r.title for r in rows]
    assert frame["authors"][0].split(" | ") == ["于蕊", "刘彦"]
    assert frame["tags"][1].split(" | ") == ["日记", "a, b"]
    assert frame["original_url"][1] == "https://news.example.com/a?b=1&c=2"
    dates = pd.read_csv(io.BytesIO(export.csv_bytes(rows)), parse_dates=["date"])["date"]
    assert dates[0] == pd.Timestamp("2022-04-05T22:30:00Z")
    assert str(dates.dt.tz) in ("UTC+08:00", "pytz.FixedOffset(480)")


def test_jsonl_round_trips_through_pandas(rows):
    data = export.jsonl_bytes(rows)
    frame = pd.read_json(io.BytesIO(data), lines=True, dtype=False)
    assert list(frame.columns) == list(export.FIELDS)
    assert list(frame["title"]) == [r.title for r in rows]
    assert frame["text"][0] == rows[0].text
    assert frame["date"][0] == "2022-04-06T06:30:00+08:00"
    assert "“迅速集结”" in frame["text"][0]
    assert frame["authors"][0] == ["于蕊", "刘彦"]
    assert frame["categories"][1] == ["随笔/生活", "读书"]
    assert frame["tags"][2] == []
    assert "市委书记".encode() in data  # Chinese as itself, not \\u escapes


def test_jsonl_is_its_cached_lines_joined(rows):
    lines = [export.jsonl_line(r) for r in rows]
    assert export.jsonl_bytes(rows) == b"".join(lines)
    for r, line in zip(rows, lines, strict=True):
        assert line.endswith(b"\n") and line.count(b"\n") == 1
        assert json.loads(line) == {
            name: list(v) if isinstance(v, tuple) else v
            for name, v in ((n, getattr(r, n)) for n in export.FIELDS)
        }


def test_a_line_separator_in_a_title_does_not_split_the_record(docs):
    title, text = "上\u2028下\u2029完", "甲\u2028乙"
    odd = with_links(docs[1], title=title, html=f"<p>{text}</p>", text=text)
    r = export.row(odd, BASE)
    line = export.jsonl_line(r)
    assert len(line.decode().splitlines()) == 1
    assert json.loads(line)["title"] == "上\u2028下\u2029完"


def write_package(folder: Path, rows: list[export.Row], descriptor: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "documents.csv").write_bytes(export.csv_bytes(rows))
    (folder / "documents.jsonl").write_bytes(export.jsonl_bytes(rows))
    for resource in descriptor["resources"][2:]:
        path = folder / resource["path"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(export.csv_bytes(rows[:1]))
    (folder / "datapackage.json").write_text(
        json.dumps(descriptor, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return folder / "datapackage.json"


def subsets() -> list[export.Subset]:
    return [
        export.Subset(export.subset_path("categories", ["报纸", "辽源日报"]), "报纸 / 辽源日报"),
        export.Subset(export.subset_path("publications", ["liaoyuan"]), "辽源日报"),
    ]


def test_the_data_package_validates_with_frictionless(tmp_path, rows):
    descriptor = export.datapackage(subsets(), "吉林报刊档案", BASE, created="2024-01-01T00:00:00Z")
    report = frictionless.validate(str(write_package(tmp_path / "data", rows, descriptor)))
    assert report.valid, report.flatten(["type", "message"])
    names = [r["name"] for r in descriptor["resources"]]
    assert names[:3] == ["documents", "documents-jsonl", names[2]]
    assert names[2].startswith("categories-") and names[2].isascii()
    assert names[3] == "publications/liaoyuan"
    assert descriptor["resources"][2]["path"] == "categories/报纸/辽源日报.csv"
    assert descriptor["name"] == "example.org-archive"
    fields = descriptor["resources"][0]["schema"]["fields"]
    assert [f["name"] for f in fields] == list(export.CSV_FIELDS)
    for field, (_, _, zh, en) in zip(fields, export.FIELD_DOCS, strict=False):
        assert zh in field["description"] and en in field["description"]
    assert "全文" in descriptor["resources"][0]["description"]


def test_frictionless_reads_the_rows_back(tmp_path, rows):
    descriptor = export.datapackage([], "档案", BASE)
    package = frictionless.Package(str(write_package(tmp_path, rows, descriptor)))
    read = package.get_resource("documents").read_rows()
    assert [r["title"] for r in read] == [r.title for r in rows]
    assert read[0]["date"] == dt.datetime.fromisoformat(rows[0].date)


def _duplicate_id(csv_text: str) -> str:
    lines = csv_text.split("\r\n")
    return "\r\n".join([*lines[:2], lines[1], *lines[2:]])


def _bad_date(csv_text: str) -> str:
    return csv_text.replace("2021-12-31T23:59:59+08:00", "去年年底")


def _missing_column(csv_text: str) -> str:
    return csv_text.replace("\ufeffid,kind,", "\ufeffid,")


@pytest.mark.parametrize(
    ("spoil", "error"),
    [
        (_duplicate_id, "primary-key"),
        (_bad_date, "type-error"),
        (_missing_column, "incorrect-label"),
    ],
)
def test_a_broken_csv_fails_validation(tmp_path, rows, spoil, error):
    path = write_package(tmp_path, rows, export.datapackage([], "档案", BASE))
    assert frictionless.validate(str(path)).valid
    text = (tmp_path / "documents.csv").read_bytes().decode("utf-8")
    (tmp_path / "documents.csv").write_bytes(spoil(text).encode("utf-8"))
    report = frictionless.validate(str(path))
    assert not report.valid
    assert error in {e[0] for e in report.flatten(["type"])}


def test_a_package_named_in_chinese_fails_validation(tmp_path, rows):
    descriptor = export.datapackage([], "档案", BASE, name="吉林档案")
    report = frictionless.validate(str(write_package(tmp_path, rows, descriptor)))
    assert not report.valid
    assert "吉林档案" in str(report.flatten(["message"]))


def test_subsets_get_distinct_ascii_names():
    paths = [export.subset_path("categories", [s]) for s in ("报纸", "期刊", "News", "news")]
    assert export.subset_path("categories", ["CON"]) == "categories/CON-.csv"  # portable
    descriptor = export.datapackage([export.Subset(p, p) for p in paths], "档案", BASE)
    names = [r["name"] for r in descriptor["resources"][2:]]
    assert len(set(names)) == 4 and all(n.isascii() and n == n.lower() for n in names)
    assert names[3] == "categories/news"  # readable where it can be
