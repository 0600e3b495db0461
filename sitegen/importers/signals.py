"""Signals that tell an article's text from the furniture around it.

A page copied from a browser or converted from print is a list of lines;
what a line is shows in its shape more than in its words: prose is long and
punctuated, a menu holds many short items, a link list is a run of short
unpunctuated lines, a byline or date line has a few fixed forms. These
functions read those shapes. They are pure, work on one line or a list of
lines, and know no site: the web-page importer uses them, and so can any
importer of e-paper pages or other scraped text.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from typing import NamedTuple

from sitegen.importers import cjk

# --- one line's shape -----------------------------------------------------------

_ITEM_SEPARATOR = re.compile(r"[\s\u3000|｜┊·•/]+")
_PUNCTUATION = re.compile(r"[，。；！？、,;!?]")
_BULLET = re.compile(r"^\s*(?:[·•▪◆◇■□●○►▶※]|\[[^\]]{1,8}\]|\d{1,2}\s+\S)")
_TRUNCATED = re.compile(r"(?:\.{2,}|…+)\s*$")
_TRAILING_DATE = re.compile(
    r"[(（]?\s*(?:19|20)\d{2}[-/.年]\d{1,2}[-/.月]\d{1,2}[^()（）]{0,12}[)）]?\s*$"
)
_COUNTER = re.compile(r"[(（\[]\s*\d+\s*[)）\]]\s*$")
_FULL_STOP = re.compile(r"[。！!；;][”’」』）)》\"'\s]*$")
_DOMAIN = re.compile(
    r"(?:https?://|www\.)\S+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|cn|net|org)\b", re.I
)

WIDGETS = re.compile(
    r"分享|转发|转播|收藏|打印|关闭|字号|字体|广告|推广|(?:^|\s)[大中小]\s*[大中小]\s*[大中小](?:\s|$)|"
    r"扫一扫|扫描|二维码|客户端|链接|说两句|"
    r"下载|登录|注册|评论(?!员)|跟贴|留言|回复|发表|网友|我要|点击|浏览|阅读|订阅|返回|更多|人参与|参与互动|上一篇|下一篇|"
    r"微博|微信|朋友圈|QQ空间|人人网|豆瓣|Facebook|Twitter|E-?mail|RSS|"
    r"加载中|请稍候|无响应|请刷新|刷新本页|刷新页面"
)
"""Words of the buttons and widgets every news site has around an article."""

NOTICES = re.compile(
    r"版权|Copyright|©|All Rights Reserved|ICP|公网安备|备案|许可证|举报|侵权|联系删除|免责|"
    r"转载|授权|不代表|仅代表|不表明|关于我们|联系我们|广告服务|网站地图|设为首页|加入收藏"
)
"""Words of the legal and site notices in page footers."""

LIST_HEADINGS = re.compile(
    r"^\s*(?:相关|热点|热门|推荐|延伸阅读|猜你喜欢|精彩|最热|排行|专题|往期|更多|"
    r"[^\s，。]{0,6}(?:推荐|排行|精选|阅读|新闻|图片|视频|专题))\s*[:：]?\s*$"
)
"""Headings over link lists: 相关新闻, 热点推荐, 延伸阅读, 猜你喜欢, 新闻排行…"""


def items(line: str) -> list[str]:
    """The parts of a line split at spaces, bars and dots: a menu has many."""
    return [part for part in _ITEM_SEPARATOR.split(line.strip()) if part]


def cjk_ratio(line: str) -> float:
    """Share of ideographs among the line's visible characters."""
    chars = [c for c in line if not c.isspace()]
    return sum(1 for c in chars if cjk.is_ideograph(c)) / len(chars) if chars else 0.0


def punctuation(line: str) -> int:
    """How many sentence marks (，。；！？、 and their ASCII forms) a line holds."""
    return len(_PUNCTUATION.findall(line))


def is_link_item(line: str) -> bool:
    """A headline in a list of links: bulleted, tagged `[时政]`, ranked, cut
    short with `...`, or followed by its date, and not a sentence."""
    text = line.strip()
    if not text or (cjk.ends_sentence(text) and not _TRUNCATED.search(text)):
        return False
    return bool(
        _BULLET.match(text)
        or _TRUNCATED.search(text)
        or (_TRAILING_DATE.search(text) and len(_TRAILING_DATE.sub("", text)) >= 4)
    )


def is_prose(line: str) -> bool:
    """A line of running text: long enough, punctuated, and not a link."""
    text = line.strip()
    marks = punctuation(text)
    if cjk.width(text) < 12 or marks == 0 or is_link_item(text):
        return False
    return ends_sentence(text) or marks >= 2


def ends_sentence(text: str) -> bool:
    """Ends a sentence, also under a closing note in brackets
    (`…带来有益的反思。▲（作者是本报评论员）`)."""
    return cjk.ends_sentence(_CLOSING_NOTE.sub("", text.rstrip()))


_CLOSING_NOTE = re.compile(r"[▲△■□●◆\s]*[（(][^（）()]{1,30}[）)]$")


def is_long_prose(line: str) -> bool:
    """A paragraph of running text, not a footer line: prose 80 wide or more,
    with three sentence marks or more, mostly in ideographs. One notice word
    (`授权` in `…同意将MySQL授权给其他人，…`) does not make it furniture;
    a notice packs several (`版权所有…未经授权…不得转载`) or is short."""
    text = line.strip()
    return (
        is_prose(text)
        and cjk.width(text) >= 80
        and punctuation(text) >= 3
        and cjk_ratio(text) >= 0.5
    )


def has_link(line: str) -> bool:
    """A URL or a bare domain name (`ent.sina.cn`): a pointer elsewhere."""
    return bool(_DOMAIN.search(line))


def boilerplate_score(line: str, widgets: bool = True) -> float:
    """How much a line looks like page furniture, from 0 (prose) to 1.

    Signals: widget and notice words (one notice word counts less in a long
    paragraph of prose, see is_long_prose), many short items (a menu), a very
    short unpunctuated line (a menu entry), little CJK (URLs, codes,
    counters), a link-list entry; prose lowers the score. `widgets=False`
    leaves widget words out, to tell what else marks a line.
    """
    text = line.strip()
    if not text:
        return 0.0
    parts = items(text)
    prose = is_prose(text)
    score = 0.0
    notices = len(NOTICES.findall(text))
    if notices:
        score += 0.3 if cjk.width(text) > 120 or (notices == 1 and is_long_prose(text)) else 0.7
    if widgets and WIDGETS.search(text):
        score += 0.3 if prose else 0.6
    if LIST_HEADINGS.match(text):
        score += 0.6
    if len(parts) >= 4 and cjk.width(text) / len(parts) <= 5 and punctuation(text) <= 1:
        score += 0.6
    if cjk.width(text) <= 6 and punctuation(text) == 0:
        score += 0.3
    if cjk_ratio(text) < 0.3 and punctuation(text) == 0:
        score += 0.4
    if has_link(text):
        score += 0.3
    if is_link_item(text):
        score += 0.4
    if _COUNTER.search(text) and cjk.width(text) <= 20:
        score += 0.5
    if prose:
        score -= 0.4
    return max(0.0, min(1.0, score))


def is_headline_like(line: str) -> bool:
    """Short, not closed by a full stop, at most one comma: a headline, a
    link, a menu entry (a line of hard-wrapped prose has more marks)."""
    text = line.strip()
    marks = punctuation(text)
    return (
        0 < cjk.width(text) <= 40
        and not _FULL_STOP.search(text)
        and marks <= 1
        and "。" not in text
    )


def link_list_runs(lines: list[str], least: int = 3) -> list[range]:
    """Runs of `least` or more headline-like lines (blank lines between them
    allowed): link lists, menus, sidebars. Ranges of line indexes."""
    runs: list[range] = []
    members: list[int] = []
    for index, line in enumerate([*lines, "。" * 50]):
        if not line.strip():
            continue
        if is_headline_like(line):
            members.append(index)
            continue
        if len(members) >= least:
            runs.append(range(members[0], members[-1] + 1))
        members = []
    return runs


# --- dates ------------------------------------------------------------------------

_DATE = re.compile(
    r"(?<![\d.])(?P<y>(?:19|20)\d{2})\s*(?:年\s*|[-/.]\s*|\s+)(?P<m>\d{1,2})\s*(?:月\s*|[-/.]\s*)"
    r"(?P<d>\d{2}(?=(?:[01]\d|2[0-3])[:：][0-5]\d)|\d{1,2}(?![\d.]))\s*日?"
    r"(?:(?:\s*|T)(?P<H>[01]?\d|2[0-3])\s*[:：时]\s*(?P<M>[0-5]\d)分?(?:\s*[:：]\s*(?P<S>[0-5]\d))?)?"
)

_MONTH_NAMES = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二")
_NAMED_MONTH = re.compile(
    r"(?<![一二三四五六七八九十〇零\d])(?P<m>十[一二]?|[一二三四五六七八九])月\s*"
    r"(?P<d>\d{1,2})(?:st|nd|rd|th)?\s*,?\s*(?P<y>(?:19|20)\d{2})(?!\d)"
)
"""`十一月 6th, 2009`, `三月 1, 2010`: an English date format (`F jS, Y`,
`F j, Y`, what WordPress themes print) with a Chinese locale's month names."""


WEEKDAY = re.compile(r"(?:星期|礼拜|周)[一二三四五六日天]")
"""A weekday name, which often follows a date: not a source or a name."""


class DateMatch(NamedTuple):
    """A date found in a line: its value, whether it gave a time, where it
    was, and whether its month was a name (`十一月 6th, 2009`: a blog
    template's date, not a news site's)."""

    value: dt.datetime
    timed: bool
    start: int
    end: int
    named_month: bool = False


def find_dates(text: str) -> list[DateMatch]:
    """Every valid date in the text, in the common Chinese web forms:
    `2019-09-18 10:32`, `2019年09月18日10:32`, `2023 11/ 17 20:52:15`,
    `2019/9/18`, `2019.9.18`, a two-digit day run into its time
    (`2005.08.2605:39`, as mobile pages print it), and a month named in Chinese numerals before
    the day and year, `十一月 6th, 2009`. Impossible dates (2022-13-40) are
    skipped. In the order they stand."""
    found = []
    for match in _NAMED_MONTH.finditer(text):
        month = _MONTH_NAMES.index(match["m"]) + 1
        try:
            value = dt.datetime(int(match["y"]), month, int(match["d"]))
        except ValueError:
            continue
        found.append(DateMatch(value, False, match.start(), match.end(), named_month=True))
    for match in _DATE.finditer(text):
        g = match.groupdict()
        try:
            value = dt.datetime(
                int(g["y"]), int(g["m"]), int(g["d"]),
                int(g["H"] or 0), int(g["M"] or 0), int(g["S"] or 0),
            )  # fmt: skip
        except ValueError:
            continue
        found.append(DateMatch(value, g["H"] is not None, match.start(), match.end()))
    return sorted(found, key=lambda date: date.start)


def parse_date(text: str) -> dt.datetime | None:
    """The first valid date in the text, or None."""
    dates = find_dates(text)
    return dates[0].value if dates else None


def format_date(match: DateMatch) -> str:
    """`2019-09-18` or `2019-09-18 10:32:00`: what front matter accepts."""
    return match.value.isoformat(sep=" ") if match.timed else match.value.date().isoformat()


# --- labelled fields: date, source, author, editor ----------------------------------

FIELD_LABELS = {
    "date": r"发布时间|发表时间|发稿时间|发布日期|更新时间|加入时间|时间|日期",
    "source": r"本文来源|文章来源|信息来源|来源|稿源|出处",
    "author": r"作者|撰文|记者",
    "editor": r"责任编辑|责编|编辑",
}
_ANY_LABEL = "|".join(FIELD_LABELS.values())
LABELLED = re.compile(rf"(?P<label>{_ANY_LABEL})\s*[:：]\s*")
"""A field's label and its colon: `来源：`, `责任编辑:`."""
_WORD_LABEL = r"[\u4e00-\u9fff]{2,4}\s*[:：]"  # `选稿：`, `访问量：`: any label, known or not
_VALUE_END = re.compile(
    rf"\s{{2,}}|[|｜\]】)）\t]|\s*(?=(?:{_ANY_LABEL})\s*[:：])|\s+(?={_WORD_LABEL})"
    rf"|^(?=(?:(?!{_ANY_LABEL})[\u4e00-\u9fff]){{2,4}}\s*[:：])"
)
"""Where a labelled value ends: wide space, a bar or closing bracket, or the
next `label：` (`来源:东方网 选稿：曾炟`: another label, known or not; right
after the colon, `来源： 访问量：199`, a label unknown: the value is empty)."""
LEADING_LABEL = re.compile(rf"^{_WORD_LABEL}\s*(?=\S)")
"""A label before a value (`原创：某某网`), to read the value alone."""
_ORG_SUFFIX = "网报社台站刊"
# `本文来源于国家统计局`: the phrase a page writes before a source it does not label.
_SOURCE_LEAD = re.compile(r"^(?:本文|文章|稿件|信息)?(?:来源于|来源自|转载自|转自|来自)\s*")
_CLOSING = "》」』”’）)]】"
_GLUED = re.compile(r"参与|互动|评论|分享|收藏|打印|\d")
"""Link words a page glues onto a source name: `求是网参与互动`."""


def fields(line: str) -> dict[str, str]:
    """`label：value` pairs of one line, by field: `来源：新华网`,
    `【责任编辑：严玉洁】`, `发布时间：2019-09-18`. The first of each field wins."""
    found: dict[str, str] = {}
    responsible = False
    for match in LABELLED.finditer(line):
        label = match.group("label")
        field = next(k for k, v in FIELD_LABELS.items() if re.fullmatch(v, label))
        rest = line[match.end() :]
        end = _VALUE_END.search(rest)
        value = (rest[: end.start()] if end else rest).strip(" ，,。;；")
        # `编辑：X 责任编辑：Y`: the editor answerable for the page is Y.
        outranks = field == "editor" and label in ("责任编辑", "责编") and not responsible
        if value and (field not in found or outranks):
            found[field] = value
            responsible = responsible or outranks
    return found


def clean_source(value: str) -> str:
    """A source name without what a page glues onto it: the first of several
    names, a `(上海)` desk, a link such as `参与互动` after `求是网`."""
    value = _SOURCE_LEAD.sub("", value.strip())
    parts = items(value.replace("·", "\x00"))
    name = parts[0].replace("\x00", "·") if parts else value.strip()
    name = re.sub(r"\s*[(（][^()（）]{1,6}[)）]?$", "", name)
    last = max(name.rfind(c) for c in _ORG_SUFFIX)
    while 0 <= last < len(name) - 1 and name[last + 1] in _CLOSING:
        last += 1  # `《光明日报》`: the name's closing mark stays with it
    if last >= 0 and _GLUED.search(name[last + 1 :]):
        name = name[: last + 1]
    return name.strip()


_NAME = re.compile(r"[\u4e00-\u9fff·]{2,4}")
_ROLE = r"(?:[\u4e00-\u9fff·]{0,10}?(?:记者|通讯员)|(?:文|作者)\s*[/／｜|︱])\s*"
_BRACKETED = re.compile(rf"[（(【\[]\s*{_ROLE}(?P<names>[\u4e00-\u9fff·、，,\s]{{2,60}})")
_WHOLE_LINE = re.compile(
    rf"^\s*{_ROLE}(?P<names>[\u4e00-\u9fff·、\s]{{2,60}}?)\s*(?:摄影?|报道|(?<=\s)文)?\s*$"
)


def _leading_names(text: str) -> list[str]:
    """The names a byline lists, up to the first word that is not a name."""
    text = _PADDED_NAME.sub(r"\1\2", text.strip())
    words = re.split(r"[、，,\s]+|\s*和\s*", text)
    return list(itertools.takewhile(_NAME.fullmatch, words))


# A two-character name padded to the width of three (`方  敏`), as bylines set it.
_PADDED_NAME = re.compile(
    r"(?<![\u4e00-\u9fff])([\u4e00-\u9fff])[ \u3000\xa0]{1,2}([\u4e00-\u9fff])(?![\u4e00-\u9fff])"
)


def byline_names(text: str) -> list[str]:
    """Writers a byline names: a whole line of names after a role
    (`本报记者 X`, `澎湃新闻记者 X Y`, `文/X`), also with a labelled field
    after them (`…记者 X 来源：Y`), names in brackets, `（记者X、Y）`, or in
    a wire dateline's brackets (`新华社北京5月19日电（X、Y）`). A 记者 inside
    a sentence (`据本报记者了解`, `记者从…获悉`) names no one."""
    found = [_leading_names(m.group("names")) for m in _BRACKETED.finditer(text)]
    label = LABELLED.search(text)
    heads = [text, text[: label.start()]] if label and label.start() > 0 else [text]
    for head in heads:
        found.append(_all_names(_WHOLE_LINE.match(head)))
    found.append(_all_names(_WIRE.search(text)))
    return list(dict.fromkeys(name for names in found for name in names))


def is_byline(line: str) -> bool:
    """A line that is only a byline: a role and names (`新华社记者X、Y`)."""
    return bool(_all_names(_WHOLE_LINE.match(line)))


def _all_names(match: re.Match[str] | None) -> list[str]:
    """The names `match` holds, if it holds nothing else."""
    if match is None:
        return []
    names = _leading_names(match.group("names"))
    return names if "".join(names) == re.sub(r"[、，,\s和]", "", match.group("names")) else []


# A news agency's or paper's dateline, the writers in brackets after 电:
# `新华社北京5月19日电（刘艺、杨吉）`, `本报长春4月8日电（王某）`.
_WIRE = re.compile(
    r"(?:社|报|台|网)[\u4e00-\u9fff]{0,10}?\d{1,2}月\d{1,2}日电\s*[（(]"
    r"(?!\s*(?:记者|通讯员|本报|新华社))(?P<names>[\u4e00-\u9fff·、，,\s]{2,40})[)）]"
)


def source_writers(value: str) -> list[str]:
    """The people a source field names after the source (`来源：中国新闻网 王帆`)."""
    return [word for word in items(value)[1:] if looks_like_person(word)]


def without_staff_codes(value: str) -> str:
    """Names without the staff codes a CMS prints after them (`支某某 SF099`);
    a value that is only a code stays as it is."""
    names = _STAFF_CODE.sub("", value).strip()
    return names if re.search(r"[\u4e00-\u9fff]", names) else value


_STAFF_CODE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{1,4}\d{2,}(?![A-Za-z0-9])")


def issuers(line: str) -> list[str]:
    """The bodies a line names when it names nothing else: `某市统计局
    国家统计局某市调查队` between a bulletin's headline and its date."""
    names = items(line)
    if not 1 <= len(names) <= 4 or not all(_ISSUER.fullmatch(n) for n in names):
        return []
    return names


_ISSUER = re.compile(
    r"[\u4e00-\u9fff（）()]{2,24}?"
    r"(?:局|委员会|委|办公室|办|厅|院|队|部|署|处|中心|小组|指挥部|政府|法院|检察院|公司|集团)"
)


def unglued(word: str) -> list[str]:
    """A source name and a person's name that a page's text runs together
    (`环球时报单仁平`: two spans, no space between), as two words; else the word."""
    last = max(word.rfind(c) for c in _ORG_SUFFIX)
    if 2 <= last < len(word) - 2 and looks_like_person(word[last + 1 :]):
        return [word[: last + 1], word[last + 1 :]]
    return [word]


def looks_like_person(token: str) -> bool:
    """Two or three ideographs and no organisation ending: most Chinese names
    (`腾讯音乐`, `新浪娱乐`, `长春新区` are not)."""
    return (
        bool(re.fullmatch(r"[\u4e00-\u9fff]{2,3}", token))
        and token[-1] not in _ORG_SUFFIX + "部局院所区市省县版端"
        and not page_word(token)
    )


def page_word(token: str) -> bool:
    """A word of the page's own furniture, `首页` or `正文`: no name, no source."""
    return bool(_HOME.search(token))


# --- breadcrumbs and <title> echoes ----------------------------------------------------

_CRUMB_SEPARATOR = re.compile(r"\s*(?:>>|>|＞|→|»|›)\s*")
_CRUMB_END = re.compile(r"(?:\s*(?:>>|>|＞|→|»|›))+\s*$")
_CRUMB_ITEM = re.compile(r"[\s\u3000|｜]+")
_MARKUP = re.compile(r"[<=\"]")  # a tag or attribute copied as text (`<script src="…">`)
_CRUMB_LEAD = re.compile(r"^\s*[^\s:：>]{1,8}位置\s*[:：]\s*")
_HOME = re.compile(r"首页|主页|homepage|^home$|^正文$", re.I)


def names_title(part: str, title: str) -> bool:
    """A breadcrumb's item that is the page's title, whole or cut short
    (`Sun股价持续回落 与甲骨…`): the title starts with it, and it is the
    whole title or at least 8 characters of it, so a section that merely
    opens the title (`评论` over `评论：…`) is not taken for it."""
    item = cjk.compact(_TRUNCATED.sub("", part))
    whole = cjk.compact(title)
    return bool(item) and whole.startswith(item) and (item == whole or len(item) >= 8)


def breadcrumb(line: str, title: str = "") -> list[str] | None:
    """The sections of a breadcrumb line (`首页 > 财经 > 证券 > 正文` →
    [财经, 证券]), without home and 正文; None if the line is not one. With
    the page's `title`, a last item that is the title (or its start) is the
    page itself, not a section."""
    text = _CRUMB_LEAD.sub("", line.strip())
    text = _CRUMB_END.sub("", text)  # `首页> 新闻中心>`: a separator left at the end
    parts = [p.strip() for p in _CRUMB_SEPARATOR.split(text)]
    if len(parts) < 2:
        return None
    if title and names_title(parts[-1], title):
        text = text[: text.rfind(parts.pop())]
    if any(len(p) < 2 for p in parts) or cjk.width(text) > 60 or _MARKUP.search(text):
        return None
    if any(cjk.ends_sentence(p) or punctuation(p) for p in parts):
        return None
    # A channel's home names the channel (`音乐频道首页` → 音乐频道); the site's is no section.
    parts = [_CHANNEL_HOME.sub(r"\1", p) for p in parts]
    # A middle dot joins a section's words (`健康·生活`): only spaces and bars end one.
    words = [[w for w in _CRUMB_ITEM.split(p) if w] for p in parts if not _HOME.search(p)]
    sections = [found[0] for found in words if found]
    if len(sections) > 1 and sections[0][-1] in "网站":
        sections = sections[1:]  # the site's name: `人民网>>时政>>各地要闻`
    return [s for s in sections if not _HOME.search(s)]


_CHANNEL_HOME = re.compile(r"^(\S+频道)(?:首页|主页)$")
_ECHO = re.compile(r"\s*(?:_|--|－－|——)\s*")


def title_echo(line: str) -> tuple[str, list[str]] | None:
    """A copied `<title>`: `标题_栏目_网站名` or `标题--栏目--网站名` gives
    (title, sections between title and site name); None otherwise."""
    parts = [p for p in _ECHO.split(line.strip()) if p]
    if len(parts) < 3 or cjk.width(parts[0]) < 5 or any(cjk.width(p) > 20 for p in parts[1:]):
        return None
    if cjk_ratio(parts[0]) < 0.5 or re.search(r"[<>=\"]", line):
        return None
    return parts[0], parts[1:-1]


# --- whole lines ------------------------------------------------------------------------

CAPTION = re.compile(r"^\s*(?:图为|图片[:：]|图[:：/]|[（(\[［【]?图[)）\]］】]|组图[:：])")


def is_caption(line: str) -> bool:
    """A picture's caption: `图为…`, `（图）…`, or a `… 摄` credit."""
    return bool(CAPTION.match(line)) or cjk.is_caption(line)
