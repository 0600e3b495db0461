#!/usr/bin/env bash
# Real-Hexo oracle for URL compatibility (issue #24).
#
#   bash bench/hexo_urls.sh [--posts N] [--keep DIR] [--tz TZ]
#                           [--permalink RULE] [--alg crc16|crc32] [--rep hex|dec]
#
# Installs Hexo 8 with what `hexo init` brings for generating a site plus
# hexo-abbrlink, once, into ${XDG_CACHE_HOME:-$HOME/.cache}/sitegen-bench/hexo
# (npm's own download cache goes there too). Then, in a temporary folder (or
# DIR with --keep, which is left in place):
#   pristine/   the fixture from bench/hexo_fixture.py, as generated
#   hexo/       a copy that Hexo generates into hexo/public/ (hexo-abbrlink
#               writes the abbrlink it computed into these source files)
#   rewritten/  _config.yml, package.json and source/ of hexo/ after that
#   hexo-dump.json  Hexo's posts, pages, categories, tags and routes, and the
#               order in which hexo-abbrlink saw the posts
#   out-pristine/, out-rewritten/  sitegen's output for pristine/ and rewritten/
# and compares the files Hexo wrote with the files sitegen wrote, by kind.
# "same" counts a Hexo URL sitegen serves as a page; "moved" one where sitegen
# writes a redirect page (see `redirects_from` in the README); "only-sitegen"
# posts are the ones real Hexo loses (two posts on one abbrlink), which sitegen
# keeps at the bumped address. Exits 1 when a Hexo post URL is not served as it
# was in either comparison (2 on a setup error).
#
# Hexo runs with TZ=Asia/Shanghai (the fixture's `timezone`) unless --tz says
# otherwise: Hexo formats dates (archive folders, :year/:month/:day) in the
# process's time zone, not in `timezone`.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/sitegen-bench/hexo"
POSTS=300
KEEP=""
TZ_HEXO="Asia/Shanghai"
FIXTURE_ARGS=()

usage() { sed -n '2,30p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
    case "$1" in
        --posts) POSTS=$2; shift 2 ;;
        --keep) KEEP=$2; shift 2 ;;
        --tz) TZ_HEXO=$2; shift 2 ;;
        --permalink|--alg|--rep) FIXTURE_ARGS+=("$1" "$2"); shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
done

if [ -x "$REPO/.venv/bin/python" ]; then PY="$REPO/.venv/bin/python"; else PY=python3; fi
command -v node >/dev/null || { echo "node is needed (Debian: apt-get install nodejs npm)" >&2; exit 2; }
command -v npm >/dev/null || { echo "npm is needed (Debian: apt-get install npm)" >&2; exit 2; }

# --- Hexo, once ------------------------------------------------------------
# The versions checked; `hexo init` of hexo-starter brings the same packages.
PACKAGE_JSON='{
  "name": "sitegen-hexo-oracle",
  "version": "0.0.0",
  "private": true,
  "dependencies": {
    "hexo": "8.1.2",
    "hexo-abbrlink": "2.2.1",
    "hexo-generator-archive": "2.0.0",
    "hexo-generator-category": "2.0.0",
    "hexo-generator-index": "4.0.0",
    "hexo-generator-tag": "2.0.0",
    "hexo-renderer-ejs": "2.0.0",
    "hexo-renderer-marked": "7.0.1",
    "hexo-renderer-stylus": "3.0.1",
    "hexo-theme-landscape": "1.1.0"
  }
}'
mkdir -p "$CACHE"
if [ "$(cat "$CACHE/package.json" 2>/dev/null)" != "$PACKAGE_JSON" ] \
        || [ ! -f "$CACHE/node_modules/hexo/package.json" ] || [ ! -f "$CACHE/.installed" ]; then
    echo "installing Hexo into $CACHE ..."
    rm -f "$CACHE/.installed"
    printf '%s\n' "$PACKAGE_JSON" > "$CACHE/package.json"
    (cd "$CACHE" && npm_config_cache="$CACHE/npm-cache" npm install --no-audit --no-fund \
        --loglevel=error >"$CACHE/npm-install.log" 2>&1) \
        || { echo "npm install failed; see $CACHE/npm-install.log" >&2; exit 2; }
    printf '%s\n' "$PACKAGE_JSON" > "$CACHE/package.json"
    touch "$CACHE/.installed"
fi
echo "node $(node --version);" \
    "$(cd "$CACHE/node_modules" && for p in hexo hexo-abbrlink hexo-util hexo-front-matter \
        hexo-generator-index hexo-generator-archive hexo-generator-category hexo-generator-tag \
        hexo-pagination hexo-theme-landscape; do
        printf '%s@%s ' "$p" "$(node -p "require('./$p/package.json').version")"; done)"

# --- work folder -------------------------------------------------------------
if [ -n "$KEEP" ]; then
    mkdir -p "$KEEP"
    [ -z "$(ls -A "$KEEP")" ] || { echo "--keep $KEEP: not empty" >&2; exit 2; }
    WORK=$(cd "$KEEP" && pwd)
else
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/hexo-urls.XXXXXX")
    trap 'rm -rf "$WORK"' EXIT
fi

"$PY" "$REPO/bench/hexo_fixture.py" "$WORK/pristine" --posts "$POSTS" "${FIXTURE_ARGS[@]}"
cp -a "$WORK/pristine" "$WORK/hexo"
ln -s "$CACHE/node_modules" "$WORK/hexo/node_modules"

# --- Hexo generates, and tells what it made of each post ---------------------
cat > "$WORK/dump.js" <<'JS'
'use strict';
// `hexo generate` through Hexo's API, then Hexo's own view of the site.
const fs = require('fs');
const path = require('path');
const base = process.cwd();
const Hexo = require(path.join(base, 'node_modules', 'hexo'));
const hexo = new Hexo(base, { silent: true });
const seen = [];
// Around hexo-abbrlink's before_post_render filter (priority 15): what each
// post had before it, and what it set, in the order it ran.
hexo.extend.filter.register('before_post_render', function (data) {
  if (data.layout === 'post') seen.push({ source: data.source, before: data.abbrlink });
  return data;
}, 14);
hexo.extend.filter.register('before_post_render', function (data) {
  const item = seen.find(s => s.source === data.source && !('after' in s));
  if (item) item.after = data.abbrlink;
  return data;
}, 16);
hexo.init()
  .then(() => hexo.call('generate', {}))
  .then(() => {
    const slugs = list => list.map(x => x.slug);
    const out = {
      abbrlink_order: seen,
      posts: hexo.model('Post').toArray().map(p => ({
        source: p.source, title: p.title, slug: p.slug, path: p.path,
        abbrlink: p.abbrlink, published: p.published, layout: p.layout,
        date: p.date.format(), categories: slugs(p.categories.toArray()),
        tags: slugs(p.tags.toArray())
      })),
      pages: hexo.model('Page').toArray().map(p => ({ source: p.source, path: p.path, layout: p.layout })),
      categories: hexo.model('Category').toArray().map(c => ({
        name: c.name, slug: c.slug, path: c.path, length: c.length })),
      tags: hexo.model('Tag').toArray().map(t => ({ name: t.name, slug: t.slug, path: t.path, length: t.length })),
      routes: hexo.route.list()
    };
    fs.writeFileSync(process.argv[2], JSON.stringify(out, null, 1));
    return hexo.exit();
  })
  .catch(err => { console.error(err); process.exit(1); });
JS
echo "hexo generate (TZ=$TZ_HEXO) ..."
(cd "$WORK/hexo" && TZ="$TZ_HEXO" node "$WORK/dump.js" "$WORK/hexo-dump.json")

mkdir -p "$WORK/rewritten"
cp -a "$WORK/hexo/_config.yml" "$WORK/hexo/package.json" "$WORK/hexo/source" "$WORK/rewritten/"

# --- sitegen ------------------------------------------------------------------
run_sitegen() {  # SITE OUT
    if (cd "$REPO" && "$PY" -m sitegen build --site "$1" --output "$2") >"$2.log" 2>&1; then
        echo "sitegen build --site $(basename "$1"): ok"
    else
        echo "sitegen build --site $(basename "$1") failed; its last lines:"
        tail -n 12 "$2.log" | sed 's/^/    /'
        mkdir -p "$2"
    fi
}
run_sitegen "$WORK/pristine" "$WORK/out-pristine"
run_sitegen "$WORK/rewritten" "$WORK/out-rewritten"

# --- compare ------------------------------------------------------------------
"$PY" - "$WORK" <<'PY'
import json
import re
import sys
from pathlib import Path

work = Path(sys.argv[1])
dump = json.loads((work / "hexo-dump.json").read_text(encoding="utf-8"))
KINDS = ["posts", "pages", "categories", "tags", "archives", "home", "other"]
post_paths = {p["path"].lstrip("/") for p in dump["posts"] if p["published"]}
post_paths = {p + "index.html" if p.endswith("/") or not p else p for p in post_paths}
page_paths = {p["path"] for p in dump["pages"]}


def files(root: Path) -> set[str]:
    if not root.is_dir():
        return set()
    found = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    return {f for f in found if not f.startswith(".sitegen/") and f not in ("404.html", "_redirects")}


def redirects(root: Path, paths: set[str]) -> set[str]:
    """The files of `paths` that are sitegen's redirect pages."""
    return {
        p for p in paths
        if p.endswith(".html") and 'http-equiv="refresh"' in (root / p).read_text(encoding="utf-8")[:600]
    }


def kind(path: str) -> str:
    if path in post_paths:
        return "posts"
    if path in page_paths:
        return "pages"
    for prefix, name in (("categories/", "categories"), ("tags/", "tags"), ("archives/", "archives")):
        if path.startswith(prefix):
            return name
    if path == "index.html" or re.fullmatch(r"page/\d+/index\.html", path):
        return "home"
    return "posts" if path.endswith(".html") else "other"


def by_kind(paths: set[str]) -> dict[str, set[str]]:
    groups = {k: set() for k in KINDS}
    for p in paths:
        groups[kind(p)].add(p)
    return groups


hexo = files(work / "hexo" / "public")
routes = set(dump["routes"])
if routes != hexo:
    print(f"note: Hexo's routes and public/ differ: {sorted(routes ^ hexo)[:5]}")
hexo_kinds = by_kind(hexo)

print()
print(f"Hexo wrote {len(hexo)} files; posts in the model: {len(dump['posts'])}"
      f" ({sum(not p['published'] for p in dump['posts'])} unpublished),"
      f" categories {len(dump['categories'])}, tags {len(dump['tags'])}")
published = sorted((p for p in dump["posts"] if p["published"]), key=lambda p: p["source"])
titles = {}
for p in published:
    titles.setdefault(p["title"], []).append(p)
sample = [p for ps in titles.values() if len(ps) > 1 for p in ps][:6]
sample += [p for p in published if p not in sample][::37]
print("sample of Hexo's post URLs (file  <-  title  [source]):")
for p in sample[:10]:
    print(f"  /{p['path'].lstrip('/'):<22} <- {p['title']!r}  [{p['source']}]")

status = 0


def compare(label: str, out: Path, only_posts: bool = False) -> None:
    global status
    everything = files(out)
    moved = redirects(out, everything)
    mine = by_kind(everything)
    print()
    print(f"{label}: Hexo vs sitegen ({out.name})")
    print(f"  {'kind':<11}{'hexo':>6}{'sitegen':>9}{'same':>7}{'moved':>7}{'only-hexo':>11}{'only-sitegen':>14}")
    for k in (["posts"] if only_posts else KINDS):
        h, s = hexo_kinds[k], mine[k]
        same, redirected = h & s - moved, h & s & moved
        print(f"  {k:<11}{len(h):>6}{len(s - moved):>9}{len(same):>7}{len(redirected):>7}"
              f"{len(h - s):>11}{len(s - h - moved):>14}")
    for k in (["posts"] if only_posts else KINDS):
        h, s = hexo_kinds[k], mine[k]
        for name, diff in (("only Hexo", h - s), ("only sitegen", s - h - moved)):
            if diff:
                shown = ", ".join("/" + d for d in sorted(diff)[:5])
                more = f" (+{len(diff) - 5} more)" if len(diff) > 5 else ""
                print(f"  {k}, {name}: {shown}{more}")
    if hexo_kinds["posts"] - (mine["posts"] - moved):
        status = 1


compare("source as generated", work / "out-pristine")
compare("source after hexo-abbrlink rewrote it", work / "out-rewritten", only_posts=True)
print()
print("Hexo's post URLs:", "some differ" if status else "every one identical")
sys.exit(status)
PY
