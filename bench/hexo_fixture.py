"""Write a small Hexo site folder shaped like the real news archive (issue #24).

    python bench/hexo_fixture.py OUTDIR [--posts N] [--permalink RULE]
                                        [--alg crc16|crc32] [--rep hex|dec]

The folder is what `hexo init` leaves plus content: `_config.yml` (the real
archive's settings: `permalink: p/:abbrlink.html`, hexo-abbrlink with crc16 and
hex, `per_page: 10`, `timezone: Asia/Shanghai`, one `category_map` and one
`tag_map` entry), `package.json`, N posts in `source/_posts/` (some in
sub-folders), two standalone pages, a static image, a draft, and a few source
files that probe what Hexo does with files that are not posts (a `.txt`, an
`.html` without front matter, a `.yml`, and files under `_` and `.` folders).

Posts carry what the real archive has: Chinese titles, titles with spaces,
ASCII, fullwidth characters and punctuation, titles used twice or three times
(so hexo-abbrlink computes the same value twice), a missing and an empty title,
nested categories, a few posts with none, Chinese and ASCII tags in mixed case,
dates written three ways (`2022-04-08 12:10:05`, `Fri, 08 Apr 2022 04:10:05
GMT`, `2022-04-08`), and a few posts with their own `abbrlink:`, `permalink:`
or `slug:`. The same arguments always give the same bytes. Standard library
only; `posts()` gives the same posts as data, for scripts that check URLs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

SHANGHAI = timezone(timedelta(hours=8))

PLACES = [
    "长春",
    "吉林",
    "辽源",
    "四平",
    "通化",
    "白山",
    "松原",
    "白城",
    "延边",
    "梅河口",
    "公主岭",
    "珲春",
]
SUBJECTS = [
    "疫情防控",
    "核酸检测",
    "春耕生产",
    "志愿服务",
    "复工复产",
    "援长医疗队",
    "社区封控",
    "物资保障",
    "新闻发布会",
    "交通管制",
]
ENDINGS = [
    "再出征",
    "有序推进",
    "取得阶段性成效",
    "筑牢防线",
    "温暖人心",
    "全力以赴",
    "最新通报",
    "在行动",
]
# How a generated title is punctuated: fullwidth and ASCII punctuation, spaces,
# brackets, quotes, ASCII words.
SHAPES = [
    "{p}：{s}{e}",
    "{p} {s} {e}",
    "【{p}】{s}{e}",
    "{p}|{s}{e}",
    "“{s}”{e}——{p}在行动",
    "{p}{s}{e}！",
    "{p} COVID-19 {s}{e}",
    "{p}第{n}场{s}（{e}）",
    "{p}, {s}: {e}?",
]
# Titles that are not generated; each given to one post, at fixed places.
# The same title several times: the real archive has reposts.
SPECIAL_TITLES = [
    "吉林辽源：披星戴月再集结 执甲逆行再出征",
    "吉林辽源：披星戴月再集结 执甲逆行再出征",
    "吉林辽源：披星戴月再集结 执甲逆行再出征",
    "Hello World",
    "Hello World",
    "hello world",
    "Ｆｕｌｌｗｉｄｔｈ　ＡＢＣ　１２３",
    "Café déjà vu: Ünïcödé",
    'It\'s 100% "quoted" & <escaped>',
    "A/B 测试 ~ C++ #1",
    "🎉 新年快乐 2022",
    "  前后有空格  ",
    "UPPER lower MiXeD Case",
    "长标题" + "长春市新冠肺炎疫情防控工作领导小组办公室关于进一步做好疫情防控工作的通告" * 2,
]
# Category hierarchies (a list is a path from the top), the first ones often.
CATEGORIES = [
    ["新媒体", "趣头条", "分类"],
    ["新媒体", "趣头条"],
    ["新媒体", "今日头条"],
    ["报刊", "辽源日报", "第一版"],
    ["报刊", "吉林日报", "第一版"],
    ["报刊", "吉林日报", "第二版"],
    ["专题", "核酸检测"],
    ["专题"],
    ["News Flash"],
    ["News-Flash"],
    ["C++ & Go", "Sub Cat"],
]
TAGS = [
    "长春",
    "吉林",
    "辽源",
    "疫情",
    "核酸检测",
    "志愿者",
    "春耕",
    "发布会",
    "COVID-19",
    "covid-19",
    "COVID 19",
    "Jilin City",
    "NEWS",
    "C++",
    "Node.js",
    "2022",
    "抗疫 一线",
    "Ｆｕｌｌ",
]
CATEGORY_MAP = {"趣头条": "qutoutiao"}
TAG_MAP = {"长春": "changchun"}

START = datetime(2020, 1, 1, tzinfo=SHANGHAI)
SPAN_SECONDS = int((datetime(2023, 1, 1, tzinfo=SHANGHAI) - START).total_seconds())


def crc16(text: str) -> int:
    """hexo-abbrlink's crc16 (CRC-16/ARC) of the UTF-8 bytes of text."""
    crc = 0
    for byte in text.encode("utf-8"):
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def crc32(text: str) -> int:
    """hexo-abbrlink's crc32 of the UTF-8 bytes of text, unsigned."""
    return zlib.crc32(text.encode("utf-8"))


@dataclass
class Post:
    path: str  # below source/, e.g. "_posts/2022/04/x.md"
    title: str | None  # None: no title key
    date: datetime  # Asia/Shanghai
    date_form: str  # "local", "gmt" or "day"
    categories: object  # None, a str, a list (one path) or a list of lists
    tags: list[str]
    extra: dict = field(default_factory=dict)  # abbrlink, permalink, slug, published
    blank_first_line: bool = True  # the real archive's files start with "\n---"


def _yaml_str(value: str) -> str:
    """A single-quoted YAML scalar, as the real archive writes titles."""
    return "'" + value.replace("'", "''") + "'"


def _date_text(post: Post) -> str:
    if post.date_form == "gmt":
        return format_datetime(post.date.astimezone(timezone.utc), usegmt=True)
    if post.date_form == "day":
        return post.date.strftime("%Y-%m-%d")
    return post.date.strftime("%Y-%m-%d %H:%M:%S")


def _yaml_list(key: str, items) -> list[str]:
    if items is None:
        return []
    if isinstance(items, str):
        return [f"{key}: {_yaml_str(items)}"]
    lines = [f"{key}:"]
    for item in items:
        if isinstance(item, list):
            lines.append(" - [" + ", ".join(_yaml_str(x) for x in item) + "]")
        else:
            lines.append(f" - {_yaml_str(item) if not item.isdigit() else item}")
    return lines


def render_post(post: Post, index: int) -> str:
    lines = []
    if post.title is not None:
        lines.append(f"title: {_yaml_str(post.title)}")
    lines += _yaml_list("categories", post.categories)
    lines += _yaml_list("tags", post.tags)
    lines.append("author: 趣头条")
    lines.append("comments: false")
    lines.append(f"date: {_date_text(post)}")
    for key, value in post.extra.items():
        lines.append(f"{key}: {value}")
    body = (
        f"<div>\n<p>第{index}篇。{PLACES[index % len(PLACES)]}消息："
        f"{SUBJECTS[index % len(SUBJECTS)]}工作{ENDINGS[index % len(ENDINGS)]}。</p>\n</div>\n"
    )
    head = "\n" if post.blank_first_line else ""
    return head + "---\n" + "\n".join(lines) + "\n---\n\n" + body


def posts(n: int = 300, alg: str = "crc16", rep: str = "hex") -> list[Post]:
    """The n posts of the fixture, the same for the same arguments."""
    rng = random.Random(24)
    combos = [(p, s, e) for p in PLACES for s in SUBJECTS for e in ENDINGS]
    rng.shuffle(combos)
    result: list[Post] = []
    special = {3 + 7 * k: title for k, title in enumerate(SPECIAL_TITLES)}
    for i in range(n):
        p, s, e = combos[i % len(combos)]
        title: str | None = SHAPES[i % len(SHAPES)].format(p=p, s=s, e=e, n=i)
        if i >= len(combos):
            title += f"（{i // len(combos) + 1}）"
        title = special.get(i, title)
        date = START + timedelta(seconds=rng.randrange(SPAN_SECONDS))
        form = ("local", "gmt", "day")[i % 3]
        if form == "day":
            date = date.replace(hour=0, minute=0, second=0)
        # categories: mostly one path, a few none, a few as one string or two paths
        cats: object = CATEGORIES[min(int(rng.paretovariate(1.2)) - 1, len(CATEGORIES) - 1)]
        if i % 37 == 5:
            cats = None
        elif i % 41 == 7:
            cats = "专题"
        elif i % 43 == 9:
            cats = [["新媒体", "趣头条"], ["专题", "核酸检测"]]
        tags = sorted(set(rng.sample(TAGS, rng.randint(0, 3))), key=TAGS.index)
        name = hashlib.sha1(f"post-{i}".encode()).hexdigest()[:16] + ".md"
        folder = "_posts/"
        if i % 10 == 1:
            folder += f"{date.year}/{date.month:02d}/"
        elif i % 10 == 2:
            folder += "新媒体/趣头条/"
        result.append(
            Post(folder + name, title, date, form, cats, tags, blank_first_line=i % 5 != 4)
        )
    _add_edge_cases(result, alg, rep)
    return result


def _at(result: list[Post], i: int) -> Post | None:
    return result[i] if i < len(result) else None


def _add_edge_cases(result: list[Post], alg: str, rep: str) -> None:
    """Set the few posts that probe one rule each (only those within n)."""
    n = len(result)
    edits = {
        # no title key, an empty title: the same abbrlink input ("")
        1: dict(title=None),
        6: dict(title=""),
        # a number as title
        8: dict(title="2022"),
        # own abbrlink: a hex-looking string, digits only, one that equals
        # another post's computed value
        11: dict(extra={"abbrlink": "5f3a"}),
        12: dict(extra={"abbrlink": 1234}),
        # own permalink: relative, rooted with a trailing slash, Chinese with a space
        15: dict(extra={"permalink": "zt/hesuan.html"}),
        16: dict(extra={"permalink": "/special/2022/"}),
        17: dict(extra={"permalink": "专题/长春 保卫战/"}),
        # own slug
        18: dict(extra={"slug": "my-custom-slug"}),
        19: dict(extra={"slug": "自定义 Slug"}),
        # not published
        20: dict(extra={"published": "false"}),
        # the singular keys
        21: dict(categories=None, extra={"category": "单数分类", "tag": "单数标签"}),
        # dates around a month end: local midnight vs UTC
        22: dict(date=datetime(2021, 5, 1, 3, 30, tzinfo=SHANGHAI), date_form="gmt"),
        23: dict(date=datetime(2021, 5, 1, 3, 30, tzinfo=SHANGHAI), date_form="local"),
        24: dict(date=datetime(2021, 6, 1, tzinfo=SHANGHAI), date_form="day"),
        25: dict(date=datetime(2020, 12, 31, 23, 59, 59, tzinfo=SHANGHAI), date_form="local"),
    }
    names = {
        # file names for :title / :name: Chinese, spaces, mixed case, a dated
        # name, another extension
        30: "_posts/长春抗疫日记.md",
        31: "_posts/Mixed Case Name.md",
        32: "_posts/2022-04-08-dated-name.md",
        33: "_posts/新媒体/Sub Dir Post.markdown",
        34: "_posts/with.dots.in.name.md",
    }
    for i, change in edits.items():
        post = _at(result, i)
        if post is None:
            continue
        for key, value in change.items():
            setattr(post, key, value)
    for i, path in names.items():
        if i < n:
            result[i].path = path
    if n > 14:
        # the value hexo-abbrlink computes for the last post's title, as it
        # writes it: a number (rep: dec) or a hex string (rep: hex)
        value = (crc32 if alg == "crc32" else crc16)(result[-1].title or "")
        result[14].extra = {"abbrlink": value if rep == "dec" else _yaml_str(f"{value:x}")}


def config_text(permalink: str, alg: str, rep: str) -> str:
    cat_map = "\n".join(f"  {k}: {v}" for k, v in CATEGORY_MAP.items())
    tag_map = "\n".join(f"  {k}: {v}" for k, v in TAG_MAP.items())
    return f"""\
# Hexo Configuration, as the real archive's (news.zfe.space)
title: 吉林新闻存档
subtitle: ''
description: ''
keywords:
author: zfe
language: zh-CN
timezone: Asia/Shanghai

# URL
url: https://news.zfe.space
root: /
permalink: {permalink}
permalink_defaults:
pretty_urls:
  trailing_index: true
  trailing_html: true

abbrlink:
  alg: {alg}
  rep: {rep}

# Directory
source_dir: source
public_dir: public
tag_dir: tags
archive_dir: archives
category_dir: categories
code_dir: downloads/code
i18n_dir: :lang
skip_render:

# Writing
new_post_name: :title.md
default_layout: post
titlecase: false
external_link:
  enable: true
  field: site
  exclude: ''
filename_case: 0
render_drafts: false
post_asset_folder: false
relative_link: false
future: true

# Category & Tag
default_category: uncategorized
category_map:
{cat_map}
tag_map:
{tag_map}

index_generator:
  path: ''
  per_page: 10
  order_by: -date

# Date / Time format
date_format: YYYY-MM-DD
time_format: HH:mm:ss
updated_option: 'mtime'

# Pagination
per_page: 10
pagination_dir: page

# Extensions
theme: landscape
"""


PACKAGE_JSON = {
    "name": "hexo-site",
    "version": "0.0.0",
    "private": True,
    "scripts": {"build": "hexo generate", "clean": "hexo clean", "server": "hexo server"},
    "hexo": {"version": "8.1.2"},
    "dependencies": {
        "hexo": "^8.1.2",
        "hexo-abbrlink": "^2.2.1",
        "hexo-generator-archive": "^2.0.0",
        "hexo-generator-category": "^2.0.0",
        "hexo-generator-index": "^4.0.0",
        "hexo-generator-tag": "^2.0.0",
        "hexo-renderer-ejs": "^2.0.0",
        "hexo-renderer-marked": "^7.0.1",
        "hexo-renderer-stylus": "^3.0.1",
        "hexo-theme-landscape": "^1.1.0",
    },
}

# A 1x1 transparent PNG.
DOT_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)

# Source files that are not posts: path below source/ -> text or bytes.
OTHER_SOURCES: dict[str, str | bytes] = {
    "about/index.md": "---\ntitle: 关于\ndate: 2020-01-01 00:00:00\n---\n\n本站存档吉林新闻。\n",
    "links.md": "---\ntitle: 友情链接\ndate: 2020-01-01 00:00:00\n---\n\n- [吉林日报](http://example.com/)\n",
    "images/dot.png": DOT_PNG,
    "robots.txt": "User-agent: *\nAllow: /\n",
    "google1234567890abcdef.html": "google-site-verification: google1234567890abcdef.html\n",
    "api/meta.yml": "name: 吉林新闻存档\nposts: many\n",
    "_hidden/secret.md": "---\ntitle: hidden\n---\n\nnot published\n",
    "images/_skip.png": DOT_PNG,
    ".well-known/security.txt": "Contact: mailto:admin@example.com\n",
    "_drafts/草稿一篇.md": (
        "---\ntitle: 草稿一篇\ndate: 2022-04-09 10:00:00\ntags: [草稿]\n---\n\n草稿。\n"
    ),
}


def write_site(out: Path, n: int, permalink: str, alg: str, rep: str) -> int:
    out.mkdir(parents=True, exist_ok=True)
    if any(out.iterdir()):
        raise SystemExit(f"{out} is not empty")
    (out / "_config.yml").write_text(config_text(permalink, alg, rep), encoding="utf-8")
    (out / "package.json").write_text(json.dumps(PACKAGE_JSON, indent=2) + "\n", encoding="utf-8")
    source = out / "source"
    for rel, content in OTHER_SOURCES.items():
        path = source / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    the_posts = posts(n, alg, rep)
    for i, post in enumerate(the_posts):
        path = source / post.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render_post(post, i), encoding="utf-8")
    return len(the_posts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--posts", type=int, default=300, metavar="N")
    parser.add_argument("--permalink", default="p/:abbrlink.html")
    parser.add_argument("--alg", choices=["crc16", "crc32"], default="crc16")
    parser.add_argument("--rep", choices=["hex", "dec"], default="hex")
    args = parser.parse_args(argv)
    count = write_site(args.outdir, args.posts, args.permalink, args.alg, args.rep)
    print(
        f"{args.outdir}: {count} posts, permalink {args.permalink}, abbrlink {args.alg}/{args.rep}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
