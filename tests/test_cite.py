"""Each expected citation below is written out by hand from GB/T 7714-2015,
APA 7th, the RIS specification and CSL-JSON, not produced by the code."""

import dataclasses
import datetime as dt
import json
import re

import pytest

from sitegen import cite

ACCESSED = dt.date(2024, 5, 1)

NEWSPAPER = cite.Citable(
    kind="newspaper",
    title="吉林省春耕备耕有序推进",
    authors=("新华社记者 张三",),
    container="吉林日报",
    date=dt.date(2022, 4, 8),
    edition="2",
    volume="",
    issue="",
    pages="",
    original_url="http://jlrbszb.cnjiwang.com/pc/paper/c/202204/08/content_1.html",
    archive_url="https://archive.example.org/2022/04/08/chungeng/",
    accessed=ACCESSED,
    archive_name="中文新闻档案",
    id="jlrb-20220408-02-01",
    language="zh",
)

PERIODICAL = dataclasses.replace(
    NEWSPAPER,
    kind="periodical",
    title="县域经济的新路径",
    authors=("李四", "王五"),
    container="瞭望",
    date=dt.date(2021, 4, 12),
    edition="",
    volume="32",
    issue="15",
    pages="12-15",
    original_url="",
    archive_url="https://archive.example.org/2021/04/12/xianyu/",
    id="lw-2021-15-03",
)

WEB = dataclasses.replace(
    NEWSPAPER,
    kind="web",
    title="多地出台稳就业新举措",
    authors=("赵一", "钱二", "孙三", "李四"),
    container="新华网",
    edition="",
    original_url="https://www.news.cn/politics/2022-04/08/c_1128542110.htm",
    archive_url="https://archive.example.org/web/2022/04/08/jiuye/",
    id="xinhua-c_1128542110",
)


def test_gbt7714_newspaper_article_read_in_the_archive():
    assert cite.gbt7714(NEWSPAPER) == (
        "新华社记者 张三. 吉林省春耕备耕有序推进[N/OL]. 吉林日报, 2022-04-08(2)[2024-05-01]. "
        "https://archive.example.org/2022/04/08/chungeng/."
    )


def test_gbt7714_periodical_article():
    assert cite.gbt7714(PERIODICAL) == (
        "李四, 王五. 县域经济的新路径[J/OL]. 瞭望, 2021, 32(15): 12-15[2024-05-01]. "
        "https://archive.example.org/2021/04/12/xianyu/."
    )


def test_gbt7714_periodical_without_volume_puts_the_issue_after_the_year():
    c = dataclasses.replace(PERIODICAL, volume="", pages="5–8")
    assert cite.gbt7714(c) == (
        "李四, 王五. 县域经济的新路径[J/OL]. 瞭望, 2021(15): 5-8[2024-05-01]. "
        "https://archive.example.org/2021/04/12/xianyu/."
    )


def test_gbt7714_web_page_four_chinese_authors_then_deng():
    assert cite.gbt7714(WEB) == (
        "赵一, 钱二, 孙三, 等. 多地出台稳就业新举措[EB/OL]. (2022-04-08)[2024-05-01]. "
        "https://archive.example.org/web/2022/04/08/jiuye/."
    )


def test_gbt7714_three_authors_are_all_named():
    c = dataclasses.replace(WEB, authors=("赵一", "钱二", "孙三"))
    assert cite.gbt7714(c).startswith("赵一, 钱二, 孙三. 多地出台稳就业新举措[EB/OL]. ")


def test_gbt7714_other_languages_say_et_al():
    c = dataclasses.replace(
        WEB,
        title="China unveils job measures",
        authors=("SMITH J", "BROWN A", "LEE K", "WANG L"),
        container="Example News",
        language="en",
    )
    assert cite.gbt7714(c) == (
        "SMITH J, BROWN A, LEE K, et al. China unveils job measures[EB/OL]. "
        "(2022-04-08)[2024-05-01]. https://archive.example.org/web/2022/04/08/jiuye/."
    )


def test_gbt7714_without_authors():
    newspaper = dataclasses.replace(NEWSPAPER, authors=())
    assert cite.gbt7714(newspaper) == (
        "吉林省春耕备耕有序推进[N/OL]. 吉林日报, 2022-04-08(2)[2024-05-01]. "
        "https://archive.example.org/2022/04/08/chungeng/."
    )
    post = dataclasses.replace(WEB, kind="post", authors=(), container="人民日报客户端")
    assert cite.gbt7714(post) == (
        "人民日报客户端. 多地出台稳就业新举措[EB/OL]. (2022-04-08)[2024-05-01]. "
        "https://archive.example.org/web/2022/04/08/jiuye/."
    )
    bare = dataclasses.replace(post, container="")
    assert cite.gbt7714(bare) == (
        "多地出台稳就业新举措[EB/OL]. (2022-04-08)[2024-05-01]. "
        "https://archive.example.org/web/2022/04/08/jiuye/."
    )


def test_gbt7714_without_container_or_edition():
    c = dataclasses.replace(NEWSPAPER, container="", edition="")
    assert cite.gbt7714(c) == (
        "新华社记者 张三. 吉林省春耕备耕有序推进[N/OL]. 2022-04-08[2024-05-01]. "
        "https://archive.example.org/2022/04/08/chungeng/."
    )


def test_apa_newspaper_article():
    assert cite.apa(NEWSPAPER) == (
        "新华社记者 张三. (2022, April 8). 吉林省春耕备耕有序推进. 吉林日报, 2. "
        "https://archive.example.org/2022/04/08/chungeng/"
    )


def test_apa_periodical_article_and_its_italics():
    assert cite.apa(PERIODICAL) == (
        "李四 & 王五. (2021, April 12). 县域经济的新路径. 瞭望, 32(15), 12–15. "
        "https://archive.example.org/2021/04/12/xianyu/"
    )
    italic = [run.text for run in cite.apa_runs(PERIODICAL) if run.italic]
    assert italic == ["瞭望", "32"]


def test_apa_web_page_names_every_author_and_italicises_the_title():
    assert cite.apa(WEB) == (
        "赵一, 钱二, 孙三, & 李四. (2022, April 8). 多地出台稳就业新举措. 新华网. "
        "https://archive.example.org/web/2022/04/08/jiuye/"
    )
    assert [run.text for run in cite.apa_runs(WEB) if run.italic] == ["多地出台稳就业新举措"]
    assert "Retrieved" not in cite.apa(WEB)


def test_apa_without_authors_the_title_leads():
    c = dataclasses.replace(WEB, authors=())
    assert cite.apa(c) == (
        "多地出台稳就业新举措. (2022, April 8). 新华网. "
        "https://archive.example.org/web/2022/04/08/jiuye/"
    )


def test_apa_site_that_is_its_own_author_is_named_once():
    c = dataclasses.replace(WEB, authors=("新华网",), title="稳就业？")
    assert cite.apa(c) == (
        "新华网. (2022, April 8). 稳就业？ https://archive.example.org/web/2022/04/08/jiuye/"
    )


def test_apa_without_container():
    c = dataclasses.replace(NEWSPAPER, container="")
    assert cite.apa(c) == (
        "新华社记者 张三. (2022, April 8). 吉林省春耕备耕有序推进. "
        "https://archive.example.org/2022/04/08/chungeng/"
    )


def test_bibtex_newspaper_article():
    assert cite.bibtex(NEWSPAPER) == (
        "@article{jlrb-20220408-02-01,\n"
        "  author = {{新华社记者 张三}},\n"
        "  title = {吉林省春耕备耕有序推进},\n"
        "  journal = {吉林日报},\n"
        "  date = {2022-04-08},\n"
        "  year = {2022},\n"
        "  pages = {2},\n"
        "  url = {https://archive.example.org/2022/04/08/chungeng/},\n"
        "  urldate = {2024-05-01},\n"
        "  note = {Original: http://jlrbszb.cnjiwang.com/pc/paper/c/202204/08/content\\_1.html}\n"
        "}\n"
    )


def test_bibtex_periodical_article():
    assert cite.bibtex(PERIODICAL) == (
        "@article{lw-2021-15-03,\n"
        "  author = {{李四} and {王五}},\n"
        "  title = {县域经济的新路径},\n"
        "  journal = {瞭望},\n"
        "  date = {2021-04-12},\n"
        "  year = {2021},\n"
        "  volume = {32},\n"
        "  number = {15},\n"
        "  pages = {12--15},\n"
        "  url = {https://archive.example.org/2021/04/12/xianyu/},\n"
        "  urldate = {2024-05-01}\n"
        "}\n"
    )


def test_bibtex_web_page():
    assert cite.bibtex(WEB) == (
        "@online{xinhua-c_1128542110,\n"
        "  author = {{赵一} and {钱二} and {孙三} and {李四}},\n"
        "  title = {多地出台稳就业新举措},\n"
        "  organization = {新华网},\n"
        "  date = {2022-04-08},\n"
        "  year = {2022},\n"
        "  url = {https://archive.example.org/web/2022/04/08/jiuye/},\n"
        "  urldate = {2024-05-01},\n"
        "  note = {Original: https://www.news.cn/politics/2022-04/08/c\\_1128542110.htm}\n"
        "}\n"
    )


def test_bibtex_escapes_what_tex_would_read():
    c = dataclasses.replace(
        WEB,
        title="R&D 占 5% #1 a_b {x} \\y $ ~ ^",
        authors=("Smith and Jones",),
        container="",
        original_url="",
        archive_url="https://archive.example.org/a b/{c}\\",
    )
    assert cite.bibtex(c) == (
        "@online{xinhua-c_1128542110,\n"
        "  author = {{Smith and Jones}},\n"
        "  title = {R\\&D 占 5\\% \\#1 a\\_b \\{x\\} \\textbackslash{}y \\$ "
        "\\textasciitilde{} \\textasciicircum{}},\n"
        "  date = {2022-04-08},\n"
        "  year = {2022},\n"
        "  url = {https://archive.example.org/a%20b/%7Bc%7D%5C},\n"
        "  urldate = {2024-05-01}\n"
        "}\n"
    )


def test_bibtex_key_from_an_id_bibtex_would_refuse():
    c = dataclasses.replace(WEB, id="人民日报 2022,1")
    key = cite.bibtex(c).split("\n")[0]
    assert re.fullmatch(r"@online\{[A-Za-z0-9_.:-]+,", key)
    assert cite.bibtex_key(c) != cite.bibtex_key(dataclasses.replace(WEB, id="人民日报 2022,2"))


def test_ris_newspaper_article():
    assert cite.ris(NEWSPAPER) == (
        "TY  - NEWS\r\n"
        "AU  - 新华社记者 张三\r\n"
        "TI  - 吉林省春耕备耕有序推进\r\n"
        "T2  - 吉林日报\r\n"
        "PY  - 2022\r\n"
        "DA  - 2022/04/08\r\n"
        "SP  - 2\r\n"
        "UR  - https://archive.example.org/2022/04/08/chungeng/\r\n"
        "Y2  - 2024/05/01\r\n"
        "DB  - 中文新闻档案\r\n"
        "N1  - Original: http://jlrbszb.cnjiwang.com/pc/paper/c/202204/08/content_1.html\r\n"
        "LA  - zh\r\n"
        "ER  - \r\n"
    )


def test_ris_periodical_article():
    assert cite.ris(PERIODICAL) == (
        "TY  - JOUR\r\n"
        "AU  - 李四\r\n"
        "AU  - 王五\r\n"
        "TI  - 县域经济的新路径\r\n"
        "T2  - 瞭望\r\n"
        "PY  - 2021\r\n"
        "DA  - 2021/04/12\r\n"
        "SP  - 12\r\n"
        "EP  - 15\r\n"
        "VL  - 32\r\n"
        "IS  - 15\r\n"
        "UR  - https://archive.example.org/2021/04/12/xianyu/\r\n"
        "Y2  - 2024/05/01\r\n"
        "DB  - 中文新闻档案\r\n"
        "LA  - zh\r\n"
        "ER  - \r\n"
    )


def test_ris_web_page_tags_in_order_and_lines_ended_by_crlf():
    text = cite.ris(dataclasses.replace(WEB, title="两行\n标题", container="新*华网"))
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    lines = text.split("\r\n")[:-1]
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line) for line in lines)
    assert [line[:2] for line in lines] == (
        ["TY", "AU", "AU", "AU", "AU", "TI", "T2", "PY", "DA", "UR", "Y2", "DB", "N1", "LA", "ER"]
    )
    assert lines[0] == "TY  - ELEC" and lines[-1] == "ER  - "
    assert "TI  - 两行 标题" in lines and "T2  - 新华网" in lines


def test_ris_without_authors_or_container():
    c = dataclasses.replace(WEB, authors=(), container="")
    assert cite.ris(c) == (
        "TY  - ELEC\r\n"
        "TI  - 多地出台稳就业新举措\r\n"
        "PY  - 2022\r\n"
        "DA  - 2022/04/08\r\n"
        "UR  - https://archive.example.org/web/2022/04/08/jiuye/\r\n"
        "Y2  - 2024/05/01\r\n"
        "DB  - 中文新闻档案\r\n"
        "N1  - Original: https://www.news.cn/politics/2022-04/08/c_1128542110.htm\r\n"
        "LA  - zh\r\n"
        "ER  - \r\n"
    )


def test_csl_json_periodical_article():
    assert cite.csl_json(PERIODICAL) == {
        "id": "lw-2021-15-03",
        "type": "article-journal",
        "title": "县域经济的新路径",
        "author": [{"literal": "李四"}, {"literal": "王五"}],
        "container-title": "瞭望",
        "issued": {"date-parts": [[2021, 4, 12]]},
        "accessed": {"date-parts": [[2024, 5, 1]]},
        "page": "12-15",
        "volume": "32",
        "issue": "15",
        "URL": "https://archive.example.org/2021/04/12/xianyu/",
        "archive": "中文新闻档案",
        "archive_location": "lw-2021-15-03",
        "language": "zh",
    }


def test_csl_json_newspaper_and_web_types_and_keys():
    newspaper = cite.csl_json(NEWSPAPER)
    assert newspaper["type"] == "article-newspaper"
    assert newspaper["page"] == "2"
    assert newspaper["author"] == [{"literal": "新华社记者 张三"}]
    assert newspaper["note"] == (
        "Original: http://jlrbszb.cnjiwang.com/pc/paper/c/202204/08/content_1.html"
    )
    for kind in ("web", "post"):
        item = cite.csl_json(dataclasses.replace(WEB, kind=kind))
        assert item["type"] == "webpage"
        assert set(item) == {
            "id",
            "type",
            "title",
            "author",
            "container-title",
            "issued",
            "accessed",
            "URL",
            "archive",
            "archive_location",
            "note",
            "language",
        }
    assert json.loads(json.dumps(newspaper, ensure_ascii=False)) == newspaper


def test_csl_json_leaves_out_empty_authors_and_container():
    item = cite.csl_json(dataclasses.replace(WEB, authors=(), container=""))
    assert "author" not in item and "container-title" not in item


def test_text_is_put_on_one_line():
    c = dataclasses.replace(NEWSPAPER, title=" 吉林省\n春耕  备耕 ", authors=("", " 张三\t"))
    assert cite.gbt7714(c).startswith("张三. 吉林省 春耕 备耕[N/OL]. ")


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        dataclasses.replace(NEWSPAPER, kind="book")


def test_download_names():
    assert cite.download_name(NEWSPAPER, "bibtex") == "jlrb-20220408-02-01.bib"
    assert cite.download_name(NEWSPAPER, "ris") == "jlrb-20220408-02-01.ris"
    assert cite.download_name(NEWSPAPER, "csl-json") == "jlrb-20220408-02-01.json"
    assert cite.download_name(dataclasses.replace(NEWSPAPER, id="a/b"), "ris") == "a-b.ris"


def test_edition_as_the_paper_prints_it():
    c = dataclasses.replace(NEWSPAPER, edition="A03")
    assert "吉林日报, 2022-04-08(A03)[2024-05-01]. " in cite.gbt7714(c)
    assert "吉林日报, A03. " in cite.apa(c)


def test_apa_past_twenty_authors_names_nineteen_and_the_last():
    names = tuple(f"作者{n}" for n in range(1, 23))
    c = dataclasses.replace(WEB, authors=names)
    assert cite.apa(c).startswith(
        "作者1, 作者2, 作者3, 作者4, 作者5, 作者6, 作者7, 作者8, 作者9, 作者10, 作者11, "
        "作者12, 作者13, 作者14, 作者15, 作者16, 作者17, 作者18, 作者19, . . . 作者22. "
        "(2022, April 8). "
    )
