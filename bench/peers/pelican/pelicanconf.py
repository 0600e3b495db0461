"""Pelican settings for bench/compare.py: the pages sitegen's default theme builds.

compare.py runs `pelican CONTENT -s this-file -t theme -o OUTPUT --fatal errors -q`.
Two environment variables come from compare.py:

- BENCH_PELICAN_CACHE_PATH: folder for Pelican's content cache;
- BENCH_PELICAN_CACHE: "1" writes and loads the content cache (CACHE_CONTENT and
  LOAD_CONTENT_CACHE); anything else is a cold build that neither reads nor writes it.

Pelican gives an article one category, so compare.py writes the corpus's category
path joined as one name ("新媒体 › 趣头条 › 分类"): Pelican builds a page for each
of the 30 leaves, where sitegen and Hugo also build one for each parent level.
"""

import os

SITENAME = "Bench"
SITEURL = "http://127.0.0.1:8000"
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh"
DEFAULT_DATE_FORMAT = "%Y-%m-%d %H:%M"

CACHE_PATH = os.environ.get("BENCH_PELICAN_CACHE_PATH", "cache")
CACHE_CONTENT = LOAD_CONTENT_CACHE = os.environ.get("BENCH_PELICAN_CACHE") == "1"

# compare.py sets every article's Slug to its 16-hex-digit file name; category
# and tag slugs keep their Chinese characters, as sitegen's and Hugo's URLs do.
SLUGIFY_USE_UNICODE = True
STATIC_PATHS = []
USE_FOLDER_AS_CATEGORY = False

ARTICLE_URL = "{date:%Y}/{date:%m}/{date:%d}/{slug}/"
ARTICLE_SAVE_AS = ARTICLE_URL + "index.html"
CATEGORY_URL = "categories/{slug}/"
CATEGORY_SAVE_AS = CATEGORY_URL + "index.html"
TAG_URL = "tags/{slug}/"
TAG_SAVE_AS = TAG_URL + "index.html"
YEAR_ARCHIVE_URL = "archives/{date:%Y}/"
YEAR_ARCHIVE_SAVE_AS = YEAR_ARCHIVE_URL + "index.html"
MONTH_ARCHIVE_URL = "archives/{date:%Y}/{date:%m}/"
MONTH_ARCHIVE_SAVE_AS = MONTH_ARCHIVE_URL + "index.html"
DAY_ARCHIVE_URL = "archives/{date:%Y}/{date:%m}/{date:%d}/"
DAY_ARCHIVE_SAVE_AS = DAY_ARCHIVE_URL + "index.html"
CATEGORIES_SAVE_AS = "categories/index.html"
TAGS_SAVE_AS = "tags/index.html"
ARCHIVES_SAVE_AS = "archives/index.html"
AUTHOR_SAVE_AS = AUTHORS_SAVE_AS = ""
DIRECT_TEMPLATES = ["index", "categories", "tags", "archives"]

DEFAULT_PAGINATION = 10
PAGINATED_TEMPLATES = {"index": None, "category": None, "tag": None, "period_archives": None}
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)

# One site feed and one per category (20 newest each), like sitegen.
FEED_ALL_ATOM = "atom.xml"
CATEGORY_FEED_ATOM = "categories/{slug}/atom.xml"
FEED_MAX_ITEMS = 20
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = None
