from conftest import post


def test_midnight_boundary_uses_the_site_timezone(make_site, build_site):
    site = make_site(
        {
            "late.md": post("深夜", "2022-04-07T16:30:00Z"),
            "early.md": post("傍晚", "2022-04-07T15:59:00+00:00"),
        }
    )
    result, _, out = build_site(site)
    assert result.ok
    assert (out / "2022/04/08/深夜/index.html").is_file()
    assert (out / "2022/04/07/傍晚/index.html").is_file()
    day8 = (out / "archives/2022/04/08/index.html").read_text()
    assert "深夜" in day8 and "傍晚" not in day8


def test_slug_collision_gets_distinct_urls_and_a_warning(make_site, build_site):
    site = make_site(
        {
            "a.md": post("同一标题", "2022-04-08 09:00:00", "第一篇"),
            "b.md": post("同一标题", "2022-04-08 18:00:00", "第二篇"),
        }
    )
    result, reporter, out = build_site(site)
    first = (out / "2022/04/08/同一标题/index.html").read_text()
    second = (out / "2022/04/08/同一标题-2/index.html").read_text()
    assert "第一篇" in first and "第二篇" in second
    [warning] = [w for w in reporter.warnings if "claimed" in w]
    assert "content/a.md" in warning and "content/b.md" in warning
    # Deterministic: a second build gives the same URLs.
    again, _, out = build_site(site)
    assert "第二篇" in (out / "2022/04/08/同一标题-2/index.html").read_text()


def test_collision_is_case_insensitive(make_site, build_site):
    site = make_site({"a.md": post("Covid News"), "b.md": post("covid news")})
    _, reporter, out = build_site(site)
    assert (out / "2022/04/08/Covid-News/index.html").is_file()
    assert (out / "2022/04/08/covid-news-2/index.html").is_file()


def test_nested_categories_count_their_subcategories(make_site, build_site):
    site = make_site(
        {
            "a.md": post("甲", categories="[新媒体, 趣头条, 分类]"),
            "b.md": post("乙", categories="[新媒体, 吉林发布]"),
            "c.md": post("丙", categories="[[新媒体, 趣头条], [专题, 核酸检测]]"),
        }
    )
    _, _, out = build_site(site)
    top = (out / "categories/新媒体/index.html").read_text()
    assert all(t in top for t in ("甲", "乙", "丙"))
    sub = (out / "categories/新媒体/趣头条/index.html").read_text()
    assert "甲" in sub and "丙" in sub and "乙" not in sub
    assert "丙" in (out / "categories/专题/核酸检测/index.html").read_text()
    assert (out / "categories/新媒体/atom.xml").is_file()


def test_pagination_and_newest_first(make_site, build_site):
    files = {
        f"p{i:02d}.md": post(f"第{i:02d}篇", f"2021-01-{i:02d} 08:00:00", tags="[长春]")
        for i in range(1, 24)
    }
    site = make_site(files, "per_page: 10\n")
    _, _, out = build_site(site)
    home = (out / "index.html").read_text()
    assert home.index("第23篇") < home.index("第22篇")
    assert "第13篇" not in home
    assert "第13篇" in (out / "page/2/index.html").read_text()
    assert "第01篇" in (out / "page/3/index.html").read_text()
    assert not (out / "page/4").exists()
    assert (out / "tags/长春/page/3/index.html").is_file()
    assert (out / "archives/2021/01/page/2/index.html").is_file()


def test_drafts_are_not_published(make_site, build_site):
    site = make_site(
        {
            "a.md": post("草稿", draft="true"),
            "b.md": post("未发布", published="false"),
            "c.md": post("正式"),
        }
    )
    result, _, out = build_site(site)
    assert result.drafts == 2
    home = (out / "index.html").read_text()
    assert "正式" in home and "草稿" not in home and "未发布" not in home
