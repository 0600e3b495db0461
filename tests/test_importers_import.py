"""`import_files` end to end: writing, provenance, nothing lost, re-import,
encodings, bad input, and property tests of every importer."""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import html
import re
from pathlib import Path, PurePosixPath

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.errors import ImportFailed
from sitegen.importers import REGISTRY, ImportOptions, Source, detect_kind, import_files
from sitegen.importers.cjk import compact
from sitegen.report import BufferReporter

SEEDS = Path(__file__).parent / "fixtures" / "importers"
JILIN = ImportOptions(publication="吉林日报", date=dt.date(2022, 4, 10))
KIND_OF = {
    "000": "post",
    "001": "newspaper",
    "002": "newspaper",
    "003": "periodical",
    "004": "webpage",
}


def seed(prefix: str) -> Path:
    return next(SEEDS.glob(f"{prefix}_*.txt"))


def read(path: Path) -> tuple[dict, str]:
    _, header, body = path.read_text(encoding="utf-8").split("---\n", 2)
    return yaml.safe_load(header), html.unescape(re.sub(r"<[^>]+>", "", body))


def documents(content: Path) -> dict[Path, tuple[dict, str]]:
    return {p: read(p) for p in content.rglob("*.md") if p.read_text().startswith("---\n")}


def import_all(content: Path) -> tuple[list[Path], BufferReporter]:
    reporter = BufferReporter()
    written = import_files(
        [seed(p) for p in ("000", "001", "003", "004")], ImportOptions(), content, reporter
    )
    written += import_files([seed("002")], JILIN, content, reporter)
    return written, reporter


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path], BufferReporter]:
    content = tmp_path_factory.mktemp("site") / "content"
    written, reporter = import_all(content)
    return content, written, reporter


@pytest.mark.parametrize("prefix", sorted(KIND_OF))
def test_every_seed_kind_is_detected(prefix: str) -> None:
    assert detect_kind(seed(prefix).read_text(encoding="utf-8")) == KIND_OF[prefix]


def test_files_written(archive: tuple[Path, list[Path], BufferReporter]) -> None:
    content, written, reporter = archive
    assert sorted(written) == sorted(p for p in content.rglob("*") if p.is_file())
    names = {p.relative_to(content).as_posix() for p in written}
    assert "posts/000_fe0971a0fdafdda3.md" in names
    assert "newspapers/辽源日报/2022-04-06/page-01.md" in names
    assert "newspapers/辽源日报/2022-04-06/original-001_04f274599497d5f7.txt" in names
    assert "periodicals/研究与交流/2020年第3期/issue.md" in names
    assert "web/节约网/original-004_504ff26579685224.txt" in names
    assert len(names) == 1 + (7 + 1) + (4 + 1) + (29 + 1) + (1 + 1)
    assert any("belong to no headline" in w for w in reporter.warnings)


def test_post_is_copied_as_it_is(archive: tuple[Path, list[Path], BufferReporter]) -> None:
    content, _, _ = archive
    assert (content / "posts/000_fe0971a0fdafdda3.md").read_bytes() == seed("000").read_bytes()
    assert not list((content / "posts").glob("original-*"))


def test_every_document_says_where_it_came_from(
    archive: tuple[Path, list[Path], BufferReporter],
) -> None:
    content, _, _ = archive
    for path, (front, _) in documents(content).items():
        if path.parent.name == "posts":
            continue
        original = content / front["source_file"]
        assert original.parent == path.parent
        assert hashlib.sha256(original.read_bytes()).hexdigest() == front["source_sha256"]
        assert original.read_bytes() == seed(original.name[len("original-") :][:3]).read_bytes()


@pytest.mark.parametrize("prefix", ["001", "002", "003", "004"])
def test_nothing_is_lost(archive: tuple[Path, list[Path], BufferReporter], prefix: str) -> None:
    """Every line that is not boilerplate is in the issue document (for a web
    page: its title or article), ignoring whitespace."""
    content, _, _ = archive
    text = seed(prefix).read_text(encoding="utf-8")
    docs = [d for d in documents(content).values() if seed(prefix).name in d[0]["source_file"]]
    main = next(d for d in docs if d[0]["kind"] in ("issue", "webpage"))
    whole = compact(main[0]["title"] + main[1])
    boilerplate = set(REGISTRY[KIND_OF[prefix]].boilerplate_lines(text))
    lost = [
        x
        for x in text.split("\n")
        if x.strip() and x not in boilerplate and compact(x) not in whole
    ]
    assert lost == []


def test_reimport_replaces_and_never_duplicates(tmp_path: Path) -> None:
    content = tmp_path / "content"
    import_all(content)
    before = {p: p.read_bytes() for p in content.rglob("*") if p.is_file()}
    mine = content / "newspapers/辽源日报/2022-04-06/my-notes.md"
    mine.write_text("---\ntitle: mine\n---\n\nhand written\n", encoding="utf-8")
    reporter = BufferReporter()
    import_all(content)
    after = {p: p.read_bytes() for p in content.rglob("*") if p.is_file()}
    assert after.pop(mine) and after == before
    renamed = tmp_path / "renamed.txt"
    renamed.write_bytes(seed("001").read_bytes())
    import_files([renamed], ImportOptions(), content, reporter)
    folder = content / "newspapers/辽源日报/2022-04-06"
    assert sorted(p.name for p in folder.glob("original-*")) == ["original-renamed.txt"]
    assert len(list(folder.glob("page-01*.md"))) == 7
    assert mine.exists()
    assert any("replaced 7" in line for line in reporter.infos)


def test_reimport_with_other_flags_moves_the_documents(tmp_path: Path) -> None:
    content = tmp_path / "content"
    import_files([seed("002")], JILIN, content, BufferReporter())
    later = ImportOptions(publication="吉林日报", date=dt.date(2022, 4, 11), page=2)
    import_files([seed("002")], later, content, BufferReporter())
    assert not list((content / "newspapers/吉林日报/2022-04-10").glob("*"))
    assert len(list((content / "newspapers/吉林日报/2022-04-11").glob("page-02*.md"))) == 4


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode("gbk"),
        lambda t: t.encode("gb18030"),
        lambda t: t.encode("utf-16"),
        lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
        lambda t: t.replace("\n", "\r\n").encode("utf-8"),
    ],
    ids=["gbk", "gb18030", "utf-16", "utf-8-bom", "crlf"],
)
def test_encodings(tmp_path: Path, encode) -> None:
    text = seed("001").read_text(encoding="utf-8")
    variant = tmp_path / "page.txt"
    variant.write_bytes(encode(text))
    import_files([variant], ImportOptions(), tmp_path / "content", BufferReporter())
    folder = tmp_path / "content/newspapers/辽源日报/2022-04-06"
    titles = sorted(read(p)[0]["title"] for p in folder.glob("page-01-*.md"))
    assert titles[0] == "喜讯!辽源市城市信用监测排名跃升至省内第三"
    assert len(titles) == 6
    assert (folder / "original-page.txt").read_bytes() == variant.read_bytes()


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("data", "options", "message"),
    [
        (b"", ImportOptions(), "empty"),
        (bytes(range(256)) * 8, ImportOptions(), "binary"),
        (b"\xff\xd8\xff\xe0" + bytes(64), ImportOptions(), "binary"),
        ("随便写的几句话。\n".encode(), ImportOptions(kind="newsletter"), "unknown kind"),
        ("随便写的几句话。\n".encode(), ImportOptions(kind="post"), "front matter"),
        (b"---\ntitle: [\n---\n", ImportOptions(kind="post"), "YAML"),
        (None, ImportOptions(publication="x", date=dt.date(2022, 1, 1), into="../out"), "--into"),
        (None, ImportOptions(publication="x", date=dt.date(2022, 1, 1), page=0), "--page"),
    ],
)
def test_bad_input_writes_nothing(
    tmp_path: Path, data: bytes | None, options, message: str
) -> None:
    path = write(tmp_path, "in.txt", data) if data is not None else seed("002")
    content = tmp_path / "content"
    with pytest.raises(ImportFailed, match=re.escape(message)):
        import_files([path], options, content, BufferReporter())
    assert not content.exists()


def test_one_bad_file_in_a_batch_writes_nothing(tmp_path: Path) -> None:
    reporter = BufferReporter()
    empty = write(tmp_path, "empty.txt", b"")
    with pytest.raises(ImportFailed, match="1 of 2 files"):
        import_files([seed("001"), empty], ImportOptions(), tmp_path / "content", reporter)
    assert not (tmp_path / "content").exists()
    assert reporter.errors == [f"{empty}: the file is empty — nothing to import"]


def test_into_puts_everything_in_a_subfolder(tmp_path: Path) -> None:
    content = tmp_path / "content"
    written = import_files(
        [seed("004")], ImportOptions(into=Path("archive/2022")), content, BufferReporter()
    )
    assert all(p.is_relative_to(content / "archive/2022/web") for p in written)
    front, _ = read(next(p for p in written if p.suffix == ".md"))
    assert front["source_file"].startswith("archive/2022/web/")


def test_kind_flag_overrides_detection(tmp_path: Path) -> None:
    text = "您的位置: 首页 > 新闻\n总第1期 今日4版 本报讯\n加入时间:2022-04-01 来源:某报\n正文。\n"
    path = write(tmp_path, "x.txt", text.encode())
    written = import_files([path], ImportOptions(kind="webpage"), tmp_path / "c", BufferReporter())
    assert any(p.is_relative_to(tmp_path / "c/web") for p in written)


# --- properties -----------------------------------------------------------------

FRAGMENTS = [
    "本报讯(记者 于蕊)",
    "本报记者 田蓓蕾",
    "(组轩)",
    "（新华社北京4月9日电）",
    "——详见今日三版",
    "（上接第一版）",
    "——副题",
    "本报记者 刘彦 摄",
    "总第8491期 今日4版",
    "2022年4月6日 星期三",
    "辽源日报社出版",
    "目 录",
    "2020年第3期",
    "出刊 2020年6月",
    "主办 某部",
    "《某刊》编辑部",
    "01 标题",
    "- 04 信念至上",
    "/金 红",
    "卷首语",
    "您的位置: 首页 > 长春新区",
    "加入时间:2022-04-01 来源:x",
    "Copyright 2005 节约网 版权所有",
    "---",
    "title: x",
    "争 取 再 夺 丰 收 年",
    "精锐尽出 全力驰援",
    "../..",
    "/etc/passwd",
    "\x00",
    "。",
    "，",
    "",
    " ",
]
LINE = st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=40))
TEXTS = st.lists(LINE, max_size=40).map("\n".join)
TEXTS = st.one_of(TEXTS, st.tuples(TEXTS, TEXTS).map(lambda t: f"---\n{t[0]}\n---\n{t[1]}"))
HOSTILE = st.sampled_from([None, "../../etc", "a/b\\c", "..", "正常名", "\x00x", "C" * 300])


@pytest.mark.parametrize("kind", sorted(REGISTRY))
@given(text=TEXTS, publication=HOSTILE)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_text_gives_records_or_import_failed(
    kind: str, text: str, publication: str | None
) -> None:
    source = Source("../in put.txt", text.encode("utf-8", "surrogatepass"), text)
    options = ImportOptions(kind=kind, publication=publication, date=dt.date(2022, 4, 6))
    try:
        records = REGISTRY[kind].parse(text, source, options)
    except ImportFailed:
        return
    roots = {
        "post": "posts",
        "newspaper": "newspapers",
        "periodical": "periodicals",
        "webpage": "web",
        "html": "web",
    }
    assert records
    for record in records:
        path = PurePosixPath(record.path)
        assert not path.is_absolute()
        assert path.parts[0] == roots[kind]
        assert all(
            part not in ("", ".", "..")
            and "/" not in part
            and "\\" not in part
            and "\x00" not in part
            and len(part.encode()) <= 255
            for part in path.parts
        )
        assert record.front is None or isinstance(record.front, dict)
        if record.front is not None:
            yaml.safe_dump(record.front, allow_unicode=True)
