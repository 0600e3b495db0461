"""Hexo 8's URL rules, so a Hexo site folder built by sitegen keeps every
post's URL, including the `:abbrlink` of the hexo-abbrlink plugin.

Pure functions on plain data, written from the sources of hexo 8.1.2,
hexo-util 4.0.0 and hexo-abbrlink 2.2.1. Where Hexo or the plugin does
something nobody wants (two posts at one URL), the function says so in its
result and the caller warns; it never guesses silently.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import posixpath
import re
import unicodedata
import zlib
from collections.abc import Mapping, Sequence
from typing import NamedTuple

# Hexo's defaults (hexo/dist/hexo/default_config.js) and the plugin's
# (lib/logic.js: `alg` 'crc16', `rep` 'dec').
PERMALINK = ":year/:month/:day/:title/"
NEW_POST_NAME = ":title.md"
DEFAULT_CATEGORY = "uncategorized"
ABBRLINK_ALG = "crc16"
ABBRLINK_REP = "dec"

# --- CRCs, as the plugin computes them --------------------------------------


def _js_utf8(text: str) -> bytes:
    """The bytes of Node's `Buffer.from(text)`: UTF-8 of the UTF-16 code
    units, a lone surrogate written as U+FFFD."""
    units = text.encode("utf-16-le", "surrogatepass")
    return units.decode("utf-16-le", "replace").encode("utf-8")


def crc16(text: str) -> int:
    """The plugin's CRC-16 (lib/crc16.js: reflected 0xA001, initial 0, no final
    xor; CRC-16/ARC) over the UTF-8 of `text`."""
    crc = 0
    for byte in _js_utf8(text):
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def _sheetjs_utf8(text: str) -> bytes:
    """The bytes SheetJS's `crc32.str` feeds its CRC (lib/crc32.js).

    It is UTF-8 for every well-formed string (astral characters included),
    but any surrogate code unit starts a four-byte sequence built with the
    next code unit, whatever that is (0 past the end): a lone surrogate
    swallows the character after it.
    """
    units = text.encode("utf-16-le", "surrogatepass")
    codes = [int.from_bytes(units[i : i + 2], "little") for i in range(0, len(units), 2)]
    out = bytearray()
    i = 0
    while i < len(codes):
        c = codes[i]
        i += 1
        if c < 0x80:
            out.append(c)
        elif c < 0x800:
            out += bytes((0xC0 | c >> 6, 0x80 | c & 63))
        elif 0xD800 <= c < 0xE000:
            high = (c & 1023) + 64
            low = codes[i] & 1023 if i < len(codes) else 0
            i += 1
            out += bytes(
                (
                    0xF0 | high >> 8 & 7,
                    0x80 | high >> 2 & 63,
                    0x80 | low >> 6 & 15 | (high & 3) << 4,
                    0x80 | low & 63,
                )
            )
        else:
            out += bytes((0xE0 | c >> 12, 0x80 | c >> 6 & 63, 0x80 | c & 63))
    return bytes(out)


def crc32(text: str) -> int:
    """The plugin's CRC-32, unsigned (`crc32.str(title) >>> 0`): zlib's CRC-32,
    and equal to `zlib.crc32(text.encode())` for every string without a lone
    surrogate (see `_sheetjs_utf8`)."""
    return zlib.crc32(_sheetjs_utf8(text))


# --- abbrlinks --------------------------------------------------------------


class Abbrlink(NamedTuple):
    """One post's abbrlink. `bumped_from` is the value the title gave when
    another post held it (this post then took the next free number);
    `clashes_with` is the index of that other post, also set when two posts
    carry the same given abbrlink (both keep it): the caller warns, naming both."""

    value: str
    bumped_from: str | None = None
    clashes_with: int | None = None


def _render(number: int, rep: str) -> str:
    """`number` as the plugin writes it: JS `toString(16)` (lower case, no
    padding) for 'hex', decimal otherwise."""
    return format(number, "x") if rep == "hex" else str(number)


def abbrlinks(
    titles: Sequence[str],
    alg: str = ABBRLINK_ALG,
    rep: str = ABBRLINK_REP,
    given: Sequence[str | None] = (),
) -> list[Abbrlink]:
    """The abbrlink of each post, the posts taken in the order Hexo renders them.

    `given[i]` is post i's `abbrlink:` front matter (None or '' when it has
    none); it is kept as it is. A computed value some post already holds is
    bumped as the plugin intends: +1 until free, counted as a number and then
    written in `rep`. Two differences from the real plugin, both on purpose:
    - it compares the number with the values it stored, which with
      `rep: hex` are strings, so it never bumps and one of two posts with the
      same link is lost; here the later one is bumped;
    - it only knows values met earlier in the run, and a run renders only
      the posts Hexo's cache (db.json) does not hold, so a new post can take
      the value of a post carrying it, in dec too; here every given value is
      reserved first.
    """
    digest = crc32 if alg == "crc32" else crc16
    given = list(given) + [None] * (len(titles) - len(given))
    holder: dict[str, int] = {}
    for index, value in enumerate(given):
        if value:
            holder.setdefault(value, index)
    result = []
    for index, title in enumerate(titles):
        value = given[index]
        if value:
            first = holder[value]
            result.append(Abbrlink(value, None, first if first != index else None))
            continue
        number = digest(title)
        wanted = _render(number, rep)
        while _render(number, rep) in holder:
            number += 1
        value = _render(number, rep)
        holder[value] = index
        bumped = value != wanted
        result.append(
            Abbrlink(value, wanted if bumped else None, holder[wanted] if bumped else None)
        )
    return result


# --- slugize (hexo-util) ------------------------------------------------------

# escape_diacritic.js maps 822 characters of the BMP to ASCII letters by a
# hand-made table. The table is, with few exceptions, the Latin letters named
# "LATIN CAPITAL|SMALL LETTER X [WITH ...]" (plain, circled or fullwidth),
# folded to X in the letter's case, of Unicode up to 6.0, without the
# phonetic letters with curls, retroflex or palatal hooks and the like.
_LATIN_NAME = re.compile(
    r"(?:CIRCLED |FULLWIDTH )?LATIN (CAPITAL|SMALL) (?:LETTER|LIGATURE) "
    r"(?:(?:TURNED|REVERSED|INSULAR|OPEN|BROKEN|HALF|VISIGOTHIC|AFRICAN|BARRED|DOTLESS"
    r"|SHARP|SMALL) )*"
    r"([A-Z]{1,2})(?: BAR| ROTUNDA| PRECEDED BY APOSTROPHE| WITH SMALL LETTER ([A-Z])\b.*"
    r"| WITH (.*))?"
)
_UNFOLDED_MARKS = re.compile(
    r"CURL|PALATAL HOOK|CROSSED-TAIL|BELT|FISHHOOK|LONG LEG|STRIKETHROUGH|RETROFLEX HOOK"
    r"|NOTCH|RING INSIDE|RIGHT HOOK"
)
# Where the table's letters are: Latin-1 to Latin Extended-C, circled
# letters, Latin Extended-D up to Unicode 6.0, fullwidth letters.
_FOLDED_RANGES = ((0x80, 0x2C7F), (0xA720, 0xA791), (0xA7A0, 0xA7A9), (0xFF21, 0xFF5A))
# The table's exceptions to the rule: letters it leaves alone and letters it
# folds otherwise (U+008C and U+009C are Windows-1252's Œ and œ; ſ to 'l' is
# the table's slip for 's').
_NOT_FOLDED = frozenset("ĲĳȷɆɘɜɝɟɦɹɻʂʄʇʍʎʞʠᴂᴈᴉᴔᵫᵬᵭᵮᵯᵰᵱᵲᵴᵵᵶᵷᶑⱹꝪꝫꝬꝭꝸﬀﬁﬂﬆ")
_FOLDED_OTHERWISE = {
    "\x8c": "OE",
    "\x9c": "oe",
    "ſ": "l",
    "ẛ": "s",
    "Ʈ": "T",
    "ʈ": "t",
}


def _fold(char: str) -> str:
    """One character as escape_diacritic.js writes it."""
    code = ord(char)
    if code < 0x80 or char in _NOT_FOLDED:
        return char
    if char in _FOLDED_OTHERWISE:
        return _FOLDED_OTHERWISE[char]
    if not any(low <= code <= high for low, high in _FOLDED_RANGES):
        return char
    name = _LATIN_NAME.fullmatch(unicodedata.name(char, ""))
    if name is None or (name[4] and _UNFOLDED_MARKS.search(name[4])):
        return char
    base = name[2] + (name[3] or "").lower()
    return base if name[1] == "CAPITAL" else base.lower()


def escape_diacritic(text: str) -> str:
    """hexo-util's escape_diacritic: accented and other Latin letters to ASCII."""
    return text if text.isascii() else "".join(_fold(c) for c in text)


_CONTROL = re.compile("[\x00-\x1f]")
# hexo-util's rSpecial, with JavaScript's `\s` spelled out (Python's differs).
_SPECIAL = re.compile(
    "[\t\n\v\f\r \xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
    r"""~`!@#$%^&*()\-_+=\[\]{}|\\;:"'<>,.?/]+"""
)


def slugize(text: str, transform: int = 0) -> str:
    """hexo-util's slugize with the '-' separator: diacritics folded, control
    characters dropped, each run of spaces and punctuation one '-', none at
    the ends; `transform` 1 lower-cases, 2 upper-cases. Chinese is kept."""
    slug = _SPECIAL.sub("-", _CONTROL.sub("", escape_diacritic(text))).strip("-")
    if transform == 1:
        return slug.lower()
    if transform == 2:
        return slug.upper()
    return slug


# --- permalink patterns (hexo-util's Permalink) ------------------------------

# JavaScript's `\w` is ASCII, and `[^_\W]` one letter or digit: a placeholder
# ends on a letter or digit, so `:year_` is `:year` and a literal '_', while
# `:i_month` and `:post_title` are whole names.
_PLACEHOLDER = re.compile(r":(\w*[^_\W])", re.ASCII)


def placeholders(pattern: str) -> list[str]:
    """The placeholder names of a permalink pattern, in order."""
    return _PLACEHOLDER.findall(pattern)


def expand(pattern: str, fields: Mapping[str, str]) -> str:
    """Permalink.stringify: each placeholder replaced by its field.

    A name with no field is written 'undefined', as Hexo writes it (and as
    its URLs then are): check `placeholders(pattern)` first to warn.
    """
    return _PLACEHOLDER.sub(lambda m: fields.get(m[1], "undefined"), pattern)


def post_path(
    pattern: str, fields: Mapping[str, str], permalink: str = "", post_asset_folder: bool = False
) -> str:
    """A post's site-relative URL (no leading '/') as Hexo's post_permalink
    filter gives it: a front-matter `permalink` wins over the pattern, and
    with `post_asset_folder` a URL not ending in '/' or '.html' gets '/'."""
    path = permalink or expand(pattern, fields)
    if post_asset_folder and not path.endswith(("/", ".html")):
        path += "/"
    return path.lstrip("/") if permalink else path


# --- posts ---------------------------------------------------------------------

# What the post processor reads from a file name, and how (processor/post.js).
_NAME_SEGMENTS = {
    "year": "([0-9]{4})",
    "month": "([0-9]{2})",
    "day": "([0-9]{2})",
    "i_month": "([0-9]{1,2})",
    "i_day": "([0-9]{1,2})",
    "hash": "([0-9a-f]{12})",
}
_ANY = "([^\n\r\u2028\u2029]+?)"  # JavaScript's lazy `(.+?)`
# Name parts the processor does not copy onto the post (the date parts are
# read into its date instead).
_PRESERVED = frozenset({"title", "year", "month", "day", "i_month", "i_day", "hash"})


def _drop_extension(path: str) -> str:
    """`path` without Node's `path.extname` (a leading dot is no extension)."""
    base = posixpath.basename(path)
    dot = base.rfind(".")
    return path[: len(path) - len(base) + dot] if dot > 0 else path


def parse_post_name(
    relative_path: str, new_post_name: str = NEW_POST_NAME
) -> tuple[str, dict[str, str]]:
    """The slug and the named parts Hexo reads from a post's path under
    `_posts/` by the `new_post_name` pattern, extensions dropped from both.

    `:title` is the slug, taken as it is (folders included); without it, or
    when the path does not fit the pattern, the slug is the slugized path
    ('2024/a b' → '2024-a-b'). The other parts come back as text.
    """
    rule = _drop_extension(new_post_name)
    path = _drop_extension(relative_path)
    names = placeholders(rule)
    literal = _PLACEHOLDER.split(rule)[::2]
    regex = re.escape(literal[0]) + "".join(
        _NAME_SEGMENTS.get(name, _ANY) + re.escape(text)
        for name, text in zip(names, literal[1:], strict=True)
    )
    match = re.fullmatch(regex, path)
    if match is None:
        return slugize(path), {}
    parts = dict(zip(names, match.groups(), strict=True))
    slug = parts.pop("title", None)
    return (slugize(path) if slug is None else slug), parts


def name_date(parts: Mapping[str, str]) -> dt.date | None:
    """The date a file name gives a post without a front-matter date, as
    JavaScript's `new Date(year, month - 1, day)` reads it (month 13 is next
    January, day 0 the month's last day, years 0-99 are 1900-1999); None
    without a year, a month and a day."""
    year = parts.get("year")
    month = parts.get("month") or parts.get("i_month")
    day = parts.get("day") or parts.get("i_day")
    if not (year and month and day):
        return None
    number = int(year)
    number += 1900 if 0 <= number < 100 else 0
    months = number * 12 + int(month) - 1
    first = dt.date(months // 12, months % 12 + 1, 1)
    return first + dt.timedelta(days=int(day) - 1)


def js_string(value: object) -> str:
    """A front-matter value as JavaScript's `String()` writes it into a URL."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    if isinstance(value, list | tuple):
        return ",".join("" if v is None else js_string(v) for v in value)
    if isinstance(value, Mapping):
        return "[object Object]"
    return str(value)


# Front-matter keys Hexo turns into something else (categories, tags, dates,
# a permalink of its own), so they are no placeholders here.
_NOT_FIELDS = frozenset(
    {"categories", "category", "tags", "tag", "photo", "photos", "permalink", "date", "updated"}
)


def post_fields(
    relative_path: str,
    front_matter: Mapping[str, object],
    date: dt.datetime,
    category: str = "",
    new_post_name: str = NEW_POST_NAME,
    default_category: str = DEFAULT_CATEGORY,
    permalink_defaults: Mapping[str, object] | None = None,
) -> dict[str, str]:
    """Every placeholder Hexo fills for a post, as text.

    `relative_path` is the source path under `_posts/`, `date` the post's
    date in the site's time zone, `category` the slug path of its last
    category (`category_slug`), '' for none. A front-matter `slug` is no
    slug: Hexo overwrites it with the file's. `:id` is the front-matter `id`;
    without one Hexo writes its database id, random per site, which nobody
    can reproduce, so `id` is then missing. Other front-matter keys are
    placeholders too (`:abbrlink`), below the fixed ones; then the name
    parts of `new_post_name`; `permalink_defaults` fill what is left.
    """
    slug, parts = parse_post_name(relative_path, new_post_name)
    seconds = (date - dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)) // dt.timedelta(seconds=1)
    fields = {
        "title": slug,
        "name": posixpath.basename(slug.rstrip("/")),
        "post_title": slugize(js_string(front_matter.get("title", "")), transform=1),
        "year": f"{date.year:04d}",
        "month": f"{date.month:02d}",
        "day": f"{date.day:02d}",
        "hour": f"{date.hour:02d}",
        "minute": f"{date.minute:02d}",
        "second": f"{date.second:02d}",
        "i_month": str(date.month),
        "i_day": str(date.day),
        "timestamp": str(seconds),
        "hash": hashlib.sha1(f"{slug}{seconds}".encode()).hexdigest()[:12] if slug else "null",
        "category": category or default_category,
    }
    if front_matter.get("id"):
        fields["id"] = js_string(front_matter["id"])
    post = {"layout": "post", "comments": True, "published": True, **front_matter}
    post |= {key: value for key, value in parts.items() if key not in _PRESERVED}
    post |= {"slug": slug, "source": f"_posts/{relative_path}"}
    for key, value in post.items():
        if key not in _NOT_FIELDS and not isinstance(value, dt.date):
            fields.setdefault(key, js_string(value))
    for key, value in (permalink_defaults or {}).items():
        fields.setdefault(key, js_string(value))
    return fields


# --- categories and tags -------------------------------------------------------


def category_slug(
    path: Sequence[str], category_map: Mapping[str, str] | None = None, filename_case: int = 0
) -> str:
    """A nested category's slug, 'parent/child': each name mapped by
    `category_map` (an empty mapping keeps the name), then slugized."""
    names = ((category_map or {}).get(name) or name for name in path)
    return "/".join(slugize(name, filename_case) for name in names)


def tag_slug(name: str, tag_map: Mapping[str, str] | None = None, filename_case: int = 0) -> str:
    """A tag's slug: the name mapped by `tag_map`, then slugized."""
    return slugize((tag_map or {}).get(name) or name, filename_case)
