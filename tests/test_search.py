"""The search index: pairs, postings, shards, sizes, and the search page it serves."""

from __future__ import annotations

import json
import math
import random

import numpy
import pytest
from bs4 import BeautifulSoup
from conftest import post
from hypothesis import example, given
from hypothesis import strategies as st

from sitegen import search
from sitegen.build import load_site
from sitegen.config import load_config
from sitegen.report import BufferReporter
from sitegen.sources.markup import plain_text

HAN = "核酸检测流调长春吉林辽源疫情防控社区居民志愿者医护人员隔离病房"


def pairs_of(text: str) -> set[str]:
    return {p for p in map(search.pair_text, search.pair_keys(text)) if p}


def test_pairs_are_adjacent_characters_within_runs_of_letters_and_digits():
    assert pairs_of("核酸检测") == {"核酸", "酸检", "检测"}
    assert pairs_of("长春，流调。") == {"长春", "流调"}
    assert pairs_of("COVID-19疫情") == {"co", "ov", "vi", "id", "19", "9疫", "疫情"}
    assert pairs_of("疫") == set()
    assert pairs_of("𠮷野家") == {"𠮷野", "野家"}  # beyond the BMP, as in some names


def test_normalising_lowers_case_and_half_widths_letters_and_digits():
    assert search.normalise("ＥＣＭＯ　２０２２年，ＰＣＲ") == "ecmo　2022年，pcr"
    assert pairs_of("２０２２") == pairs_of("2022")


def test_query_pairs_match_the_pairs_taken_from_documents():
    assert search.query_pairs("核酸检测") == ["核酸", "酸检", "检测"]
    assert search.query_pairs("新冠-ECMO") == ["新冠", "ec", "cm", "mo"]


@given(st.text(alphabet=HAN + "ab1，。 \n", min_size=2, max_size=60), st.data())
def test_every_substring_of_a_text_has_all_its_pairs_in_the_text(text, data):
    """The property recall rests on: a query's pairs are all among its document's pairs."""
    start = data.draw(st.integers(0, len(text) - 2))
    end = data.draw(st.integers(start + 2, len(text)))
    assert set(search.query_pairs(text[start:end])) <= pairs_of(text)


@given(st.sets(st.integers(0, 2999)), st.sampled_from([1, 7, 8, 3000, 70_000]))
def test_postings_round_trip_and_never_exceed_a_bitmap(ids, extra):
    total = 3000 + extra
    posting = search.encode(sorted(ids), total)
    assert search.decode(posting, total) == sorted(ids)
    assert len(posting) <= 1 + 4 * math.ceil(math.ceil(total / 8) / 3)


@given(
    st.lists(st.tuples(st.sets(st.integers(0, 2999), min_size=1), st.booleans()), max_size=12),
    st.sampled_from([1, 7, 8, 30, 3000, 70_000]),
)
@example([({*range(376)}, True), ({5}, True)], 8)  # gaps take exactly a bitmap's 376 bytes
def test_postings_made_at_once_are_those_made_one_by_one(runs, extra):
    """`_encode_runs` packs many postings into one base64 call: each must come out whole."""
    total = 3000 + extra
    ids = [sorted(run) for run, _ in runs]
    inverted = search._Inverted(
        numpy.arange(len(runs), dtype=numpy.uint64),
        numpy.cumsum([0, *map(len, ids)]),
        numpy.array([i for run in ids for i in run], numpy.uint32),
    )
    which = numpy.array([wanted for _, wanted in runs], bool)
    expected = [search.encode(run, total) for run, wanted in zip(ids, which, strict=True) if wanted]
    assert search._encode_runs(inverted, which, total) == expected


@given(
    st.lists(st.text(alphabet=HAN + "ab1ΣΑ，。 \n𠀀𠮷😀Ａ", max_size=30), max_size=12),
    st.integers(1, 40),
    st.integers(1, 30),
)
def test_inverting_texts_in_blocks_finds_exactly_each_texts_pairs(texts, block, per_range):
    """The index's postings hold a unit for a pair exactly when the unit's own text has it,
    however the texts are cut into blocks and the keys into ranges to join them."""
    postings = search._Postings()
    postings.BLOCK_CHARS = block
    for unit, text in enumerate(texts):
        postings.add(text, 3 * unit)  # unit ids need not follow each other (titles do not)
    blocks = postings.done()
    expected: dict[int, list[int]] = {}
    for unit, text in enumerate(texts):
        for key in search.pair_keys(text):
            expected.setdefault(key, []).append(3 * unit)
    longest = max(map(len, expected.values()), default=0)
    found: dict[int, list[int]] = {}
    for low, high in search._key_ranges(blocks, per_range):
        joined = search._join(blocks, low, high)
        assert len(joined.ids) < per_range + longest  # what bounds the memory a join takes
        for i, key in enumerate(joined.keys.tolist()):
            assert low <= key < high and key not in found
            found[key] = joined.ids[joined.starts[i] : joined.starts[i + 1]].tolist()
    assert found == expected


def test_dense_postings_are_bitmaps_and_sparse_ones_are_gaps():
    assert search.encode(list(range(0, 1000, 2)), 1000)[0] == "b"
    assert search.encode([5, 200, 900], 1000)[0] == "2"
    assert search.encode([5, 20, 90], 1000)[0] == "1"
    assert search.encode([5, 60_000], 100_000)[0] == "2"  # gaps under 65,536 take 2 bytes
    assert search.encode([5, 90_000], 100_000)[0] == "4"


def test_shard_numbers_are_fnv1a_of_code_points():
    # FNV-1a 32 of U+957F U+6625, by hand: the JavaScript must agree (browser tests)
    h = 0x811C9DC5
    for cp in (0x957F, 0x6625):
        h = ((h ^ cp) * 0x01000193) % 2**32
    assert search.shard_of("长春", 1000) == h % 1000
    assert {search.shard_of("长春", 1)} == {0}


@pytest.fixture(scope="module")
def small_site_dir(tmp_path_factory):
    """120 posts of random text over a small alphabet, so that many pairs are dense."""
    rng = random.Random(1)
    files = {}
    for i in range(120):
        body = "".join(rng.choice(HAN) for _ in range(rng.randint(50, 6000)))
        files[f"p{i:03d}.md"] = post(
            title=f"第{i}篇 {HAN[i % 20 : i % 20 + 4]}",
            date=f"202{i % 3}-0{1 + i % 9}-1{i % 10} 10:00:00",
            body=f"<div><p>{body}</p></div>",
            categories=f"[{'新媒体' if i % 2 else '报刊'}, 分类]",
            publication="辽源日报" if i % 5 == 0 else "''",
        )
    site = tmp_path_factory.mktemp("small")
    (site / "site.yml").write_text("title: 测试站\ntimezone: Asia/Shanghai\n", encoding="utf-8")
    for name, text in files.items():
        (site / "content").mkdir(exist_ok=True)
        (site / "content" / name).write_text(text, encoding="utf-8")
    return site


@pytest.fixture(scope="module")
def small_site(small_site_dir):
    """The small site's catalog and search index files."""
    config = load_config(small_site_dir)
    catalog = load_site(config, BufferReporter()).catalog
    files = dict(search.index_files(catalog, config))
    return catalog, files


def test_every_pair_of_every_part_is_in_its_shard(small_site):
    catalog, files = small_site
    meta = json.loads(files["search/meta.json"])
    assert meta["documents"] == len(catalog.documents) == 120
    shards = [json.loads(files[f"search/shards/{k}.json"]) for k in range(meta["shards"])]
    entries = {pair: entry for shard in shards for pair, entry in shard.items()}
    assert len(entries) == sum(map(len, shards))
    holders: dict[str, set[int]] = {}
    titled: dict[str, set[int]] = {}
    unit = 0
    for doc in catalog.documents:
        for pair in pairs_of(doc.title):
            titled.setdefault(pair, set()).add(unit)
        for text in search.units(doc.title, search.parts(plain_text(doc.html))):
            for pair in pairs_of(text):
                holders.setdefault(pair, set()).add(unit)
            unit += 1
    assert meta["units"] == unit > 120
    assert set(entries) == set(holders)
    for pair, entry in entries.items():
        assert pair in shards[search.shard_of(pair, meta["shards"])]
        body, title = (entry, None) if isinstance(entry, str) else entry
        assert search.decode(body, unit) == sorted(holders[pair])
        assert (search.decode(title, unit) if title else []) == sorted(titled.get(pair, ()))


def test_the_index_is_the_same_however_units_are_grouped_while_building(
    small_site, small_site_dir, monkeypatch
):
    """Postings are gathered in blocks of text; blocks must join up seamlessly."""
    catalog, files = small_site
    chars = sum(2 * len(d.title) + len(plain_text(d.html)) for d in catalog.documents)
    assert chars < search._Postings.BLOCK_CHARS  # built above as one block
    monkeypatch.setattr(search._Postings, "BLOCK_CHARS", 50)
    config = load_config(small_site_dir)
    assert dict(search.index_files(catalog, config)) == files


def test_long_texts_are_cut_into_overlapping_parts_one_file_each(small_site):
    catalog, files = small_site
    meta = json.loads(files["search/meta.json"])
    more = set(search.decode(meta["more"], meta["units"]))
    unit = 0
    for i, doc in enumerate(catalog.documents):
        first = json.loads(files[f"search/docs/{i}.json"])
        rest = [json.loads(files[f"search/docs/{i}.{k}.json"]) for k in range(1, first["n"])]
        assert [first["x"], *rest] == search.parts(plain_text(doc.html))
        assert first["t"] == doc.title and first["d"] == f"{doc.date:%Y-%m-%d}"
        assert all(len(t) <= search.PART_CHARS + search.OVERLAP for t in [first["x"], *rest])
        assert unit not in more and all(unit + k in more for k in range(1, first["n"]))
        unit += first["n"]


@given(st.integers(0, 9000), st.data())
def test_any_term_of_up_to_64_characters_lies_whole_in_one_part(length, data):
    text = "".join(chr(0x4E00 + i % 5000) for i in range(length))
    pieces = search.parts(text)
    assert "".join(p[: search.PART_CHARS] for p in pieces[:-1]) + pieces[-1] == text
    size = data.draw(st.integers(2, search.OVERLAP + 1))
    if size <= length:
        start = data.draw(st.integers(0, length - size))
        assert any(text[start : start + size] in part for part in pieces)


def test_filters_list_years_categories_and_publications_with_counts(small_site):
    catalog, files = small_site
    facets = search.facets(catalog)
    assert [v.name for v in facets.years] == ["2022", "2021", "2020"]
    assert {v.name for v in facets.categories} == {"新媒体", "报刊"}
    assert [(v.name, v.count) for v in facets.publications] == [("辽源日报", 24)]
    meta = json.loads(files["search/meta.json"])
    assert meta["facets"]["p"] == ["辽源日报"]
    ids = search.decode(json.loads(files["search/facets/p0.json"]), 120)
    assert {catalog.documents[i].publication_name for i in ids} == {"辽源日报"}


def lookup_bytes(files: dict[str, bytes], query: str) -> int:
    """What search.js fetches for `query` before showing a page: meta and one shard per pair."""
    meta = json.loads(files["search/meta.json"])
    shards = {search.shard_of(p, meta["shards"]) for p in search.query_pairs(query)}
    return len(files["search/meta.json"]) + sum(
        len(files[f"search/shards/{k}.json"]) for k in shards
    )


def test_a_query_loads_a_bounded_number_of_bytes(small_site):
    _, files = small_site
    shard_sizes = [len(data) for name, data in files.items() if name.startswith("search/shards/")]
    assert max(shard_sizes) < 3 * search.SHARD_BYTES
    assert max(len(data) for name, data in files.items() if "/docs/" in name) < 7_000
    assert lookup_bytes(files, "核酸检测") < 3 * 3 * search.SHARD_BYTES


def test_the_search_page_is_planned_with_its_filters_and_works_without_js(sample_output):
    html = (sample_output / "search/index.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    root = soup.find(id="search")
    assert root["data-index"] == "/search/" and root["data-base"] == "/"
    assert "JavaScript" in soup.find("noscript").get_text()
    assert soup.find("script", src="/static/search.js")
    assert soup.find("link", href="/static/search.css")
    assert [o["value"] for o in soup.select("select[name=year] option")] == [
        "",
        "2022",
        "2021",
        "2020",
    ]
    assert (sample_output / "search/meta.json").is_file()
