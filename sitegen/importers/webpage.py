"""Web pages saved as text (seed 004).

A scrape holds one article inside the site's furniture: navigation menus on
top, a breadcrumb, the title and a `加入时间…来源…` line, the article, then a
disclaimer, sidebar link lists and a copyright/ICP footer. The article becomes
one document; the furniture stays only in the copied original.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import PurePosixPath

from sitegen.errors import ImportFailed
from sitegen.importers import cjk
from sitegen.importers.records import (
    ImportOptions,
    Record,
    Source,
    body,
    front_matter,
    paragraph,
    safe_component,
    short_title,
    signs_score,
)

KIND = "webpage"

_BREADCRUMB = re.compile(r"^\s*(?:您的位置|当前位置|您现在的位置|所在位置)\s*[:：]\s*(.+)$")
_DATE = re.compile(
    r"(?:加入时间|发布时间|发表时间|发布日期|时间|日期)\s*[:：]\s*(\d{4})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})"
)
_SOURCE = re.compile(r"来源\s*[:：]\s*(\S+)")
_URL = re.compile(r"(?:原文链接|原文地址|原文网址|URL)\s*[:：]\s*(https?://\S+)", re.IGNORECASE)
_FURNITURE = re.compile(
    r"如有侵权|联系删除|免责声明|版权所有|Copyright|ICP备|关于我们|联系我们|网站地图|设为首页"
)
_SITE = re.compile(r"(?:Copyright|©)\s*(?:©\s*)?(?:\d{4}(?:\s*[-–]\s*\d{4})?)?\s*(\S+?)\s*版权所有")
_HOME = {"首页", "主页", "网站首页", "返回首页"}


SIGNS = (
    (_BREADCRUMB.pattern, 0.4),
    (r"(?:加入时间|发布时间)\s*[:：]", 0.3),
    (r"来源\s*[:：]", 0.15),
    (r"版权所有|Copyright|ICP备", 0.25),
    (r"网站首页|首页\s*>", 0.1),
)


def detect(text: str) -> float:
    """Breadcrumbs, a 加入时间/来源 line and a copyright footer mark a web page."""
    return signs_score(text, SIGNS)


def _layout(lines: list[str]) -> tuple[int | None, int | None, int, int]:
    """Breadcrumb line, meta (date) line, and the article's first and end lines."""
    crumb = next((i for i, x in enumerate(lines) if _BREADCRUMB.match(x)), None)
    meta = next((i for i, x in enumerate(lines) if _DATE.search(x) and i > (crumb or -1)), None)
    start = (meta if meta is not None else crumb if crumb is not None else -1) + 1
    end = start
    while end < len(lines) and not _FURNITURE.search(lines[end]) and not _sidebar(lines, end):
        end += 1
    return crumb, meta, start, end


def _sidebar(lines: list[str], pos: int) -> bool:
    """Four or more short lines in a row that end no sentence: a link list."""
    row = [x.strip() for x in lines[pos : pos + 6] if x.strip()]
    if not lines[pos].strip() or len(row) < 4:
        return False
    return all(cjk.width(x) <= 32 and not cjk.ends_sentence(x) for x in row[:4])


def _title_line(lines: list[str], crumb: int | None, meta: int | None) -> int | None:
    if meta is None:
        return None
    for index in range(meta - 1, (crumb if crumb is not None else -1), -1):
        if lines[index].strip():
            return index
    text = _DATE.split(lines[meta])[0].strip()
    return meta if text else None


def boilerplate_lines(text: str) -> list[str]:
    """Every line outside the title and article: menus, breadcrumb, the
    date/source line (its facts go to the front matter), sidebars, footers."""
    lines = text.split("\n")
    crumb, meta, start, end = _layout(lines)
    title = _title_line(lines, crumb, meta)
    keep = set(range(start, end)) | ({title} if title is not None else set())
    return [x for i, x in enumerate(lines) if i not in keep and x.strip()]


def parse(text: str, source: Source, options: ImportOptions) -> list[Record]:
    lines = text.split("\n")
    crumb, meta, start, end = _layout(lines)
    title_at = _title_line(lines, crumb, meta)
    if title_at is None:
        raise ImportFailed(
            "cannot find the title and date of this web page",
            path=source.name,
            hint="a scrape needs a title line followed by a line like `加入时间:2022-04-01`; "
            "or import it with --kind post after adding front matter",
        )
    title = _DATE.split(lines[title_at])[0].strip() if title_at == meta else lines[title_at].strip()
    match = _DATE.search(lines[meta])  # type: ignore[index]
    date = options.date
    if date is None and match:
        try:
            date = dt.date(*(int(g) for g in match.groups()))
        except ValueError:
            date = None
    if date is None:
        raise ImportFailed(
            "the web page's date is not a valid date",
            path=source.name,
            line=(meta or 0) + 1,
            hint="pass --date YYYY-MM-DD",
        )
    found = _SOURCE.search(lines[meta])  # type: ignore[index]
    origin = options.publication or (found.group(1).strip() if found else "")
    crumbs = []
    if crumb is not None:
        parts = re.split(r"\s*[>›»＞/]\s*", _BREADCRUMB.match(lines[crumb]).group(1))  # type: ignore[union-attr]
        crumbs = [p.strip() for p in parts if p.strip() and p.strip() not in _HOME]
    blocks = [paragraph(x.strip()) for x in lines[start:end] if x.strip()]
    if not blocks:
        raise ImportFailed(
            "no article text found on this web page", path=source.name, line=start + 1
        )
    site = next((m.group(1) for x in lines if (m := _SITE.search(x))), None)
    url = next((m.group(1) for x in lines if (m := _URL.search(x))), None)
    folder = PurePosixPath("web", safe_component(site or origin or "web"))
    name = f"{date.isoformat()}-{short_title(title)}.md"
    front = front_matter(
        title=title,
        date=date.isoformat(),
        kind=KIND,
        categories=["网页", *crumbs],
        author=origin,
        original_url=url,
    )
    return [Record(folder / name, front, body(blocks))]
