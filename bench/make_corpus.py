"""Generate a synthetic sitegen site for benchmarks.

The real archive holds tens of thousands of news-app posts, but only a handful
can ship with the repo. This script writes N posts shaped like the seed post
(Hexo front matter, RFC 2822 date, a category path, tags, raw HTML body built
from real sentences of the seed documents), so build time and memory can be
measured at archive scale. Output depends only on N and --seed.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from itertools import zip_longest
from pathlib import Path

SENTENCES_FILE = Path(__file__).with_name("sentences.txt")

SITE_YML = """\
title: Bench
timezone: Asia/Shanghai
base_url: http://127.0.0.1:8000/
per_page: 10
"""


def words(text: str) -> list[str]:
    """Split a whitespace-separated pool; far easier to read than 200 quoted items."""
    return text.split()


# Leaves of the category tree; each is the full path from the root.
CATEGORY_TREE: dict[str, dict[str, list[str]]] = {
    "新媒体": {
        "趣头条": ["分类", "要闻", "本地", "健康"],
        "吉林发布": ["通报", "发布会", "政策解读"],
        "长春发布": ["通告", "便民服务"],
        "微信公众号": ["吉林卫健", "辽源发布"],
    },
    "报刊": {
        "吉林日报": ["要闻", "综合新闻", "评论"],
        "辽源日报": ["第一版", "第二版"],
        "长春日报": ["要闻", "城事"],
    },
    "政务": {
        "长春市": ["通告", "疫情通报"],
        "吉林市": ["通告", "疫情通报"],
        "吉林省": ["卫健委", "新闻办"],
    },
    "专题": {
        "核酸检测": [],
        "疫苗接种": [],
        "方舱医院": [],
        "物资保供": [],
        "援长": [],
    },
    "期刊": {"研究与交流": []},
}

PLACES = words(
    "长春 南关区 宽城区 朝阳区 二道区 绿园区 双阳区 九台 公主岭 榆树 德惠 农安 汽开区 "
    "净月高新区 长春新区 经开区 吉林市 船营区 昌邑区 龙潭区 丰满区 永吉 舒兰 磐石 蛟河 桦甸 "
    "四平 铁西区 铁东区 双辽 梨树 伊通 辽源 龙山区 西安区 东丰 东辽 通化 东昌区 二道江 "
    "梅河口 集安 柳河 辉南 白山 浑江区 江源区 临江 抚松 靖宇 长白 松原 宁江区 前郭 长岭 乾安 "
    "扶余 白城 洮北区 洮南 大安 镇赉 通榆 延边 延吉 图们 敦化 珲春 龙井 和龙 汪清 安图"
)

TOPICS = words(
    "核酸检测 疫苗 方舱医院 流调 隔离点 封控区 管控区 防范区 社会面清零 动态清零 物资保供 "
    "蔬菜包 志愿者 党员突击队 医护人员 援长 复工复产 春耕 电力保障 消杀 抗原检测 健康码 "
    "行程码 新闻发布会 确诊病例 无症状感染者 密接 次密接 定点医院 心理疏导 网格化管理 "
    "社区防控 高校 返校 交通管控 冷链 进口物品 入境人员 居家隔离 集中隔离 解封 复学 "
    "营商环境 信用建设 线上教学 中医药 防护服 口罩 转运 卡点 扫码 测温 敲门行动 "
    "全员核酸 区域核酸 清零攻坚 保供企业 快递 外卖 农资 备春耕 返乡 留观 发热门诊 "
    "重症救治 康复出院 终末消杀 应急保电 公安干警 社区工作者 下沉干部 第一书记 "
    "基层治理 疫情通报 评论 战疫故事 医疗队 专家组 公交 物业 农民 学生"
)

ORGS = words(
    "吉林省卫健委 吉林省疾控中心 长春市卫健委 吉林市卫健委 辽源市委 辽源市政府 长春市委 "
    "吉林市委 吉林大学第一医院 吉林大学第二医院 吉林省人民医院 吉林市中心医院 吉林市传染病医院 "
    "国网吉林省电力公司 吉林日报 辽源日报 长春日报 吉林发布 长春发布 新华社 中国疾控中心 "
    "北华大学 长春中医药大学 吉林医药学院 吉林工贸学校 吉林市第一中学 市委组织部 "
    "市直机关工委 公交集团 交管大队 技侦支队 净月公安分局 龙潭区委 船营区委 昌邑区委 "
    "丰满区委 永吉县委 舒兰市委 磐石市委 蛟河市委 桦甸市委 九台区委 汽开区管委会 "
    "长春新区管委会 双德街道 硅谷街道 超越街道 北寿街道 长寿社区 田园社区"
)

# Interleaved so the Zipf ranking mixes places, topics and organisations.
_INTERLEAVED = (tag for group in zip_longest(TOPICS, PLACES, ORGS) for tag in group if tag)
TAGS = list(dict.fromkeys(_INTERLEAVED))[:200]

TITLE_ACTIONS = words(
    "全力打好社会面清零攻坚战 开展新一轮全员核酸检测 织密社区防控网 党员干部下沉一线 "
    "志愿者坚守卡点 保障群众基本生活需求 蔬菜包送到家门口 有序推进复工复产 抓好备春耕生产 "
    "加快方舱医院建设 强化流调排查 做好转运隔离 全域环境消杀 医疗队驰援 专家组指导救治 "
    "发热门诊24小时值守 线上教学不停课 高三学子返校复课 应急保电护航 农资配送直通车 "
    "敲门行动不落一户 党员突击队冲锋在前 社区书记连续值守 公安干警昼夜巡逻 快递外卖有序恢复 "
    "商超保供不断档 定点医院扩容 康复患者有序出院 入境人员闭环管理 冷链物品全程追溯 "
    "疫苗接种稳步推进 老年人接种上门服务 网格员逐户排查 第一书记进社区 物业人员守好门 "
    "援长工作队再出征 对口支援净月高新区 驰援汽开区"
)

TITLE_TAILS = words(
    "筑牢防线 守护春城 共克时艰 众志成城 以快制快 日清日结 应收尽收 应检尽检 不误农时 "
    "温暖人心 不获全胜决不收兵 一个都不能少 有序恢复生产生活秩序 群众点赞 24小时不打烊 "
    "守护万家灯火 党旗高高飘扬 跑出加速度 按下快进键 打通最后一米 把好每一道关 交出合格答卷 "
    "再接再厉 一鼓作气 筑起铜墙铁壁 凝聚强大合力 暖心服务 精准施策 闭环管理 守土尽责"
)

STRONG = (
    "至重嘱托践于行，重任千钧惟担当！",
    "挟一往无前之志，具百折不回之气！",
    "一寸丹心向日明，逆行后方家有情！",
    "山河不言，辽长情长。",
    "疫情大考，重在基层。",
    "危难之时显身手。",
    "一个党员就是一面旗帜。",
    "农时不等人。",
    "堡垒无言，却能凝聚强大力量；旗帜无声，却能鼓舞昂扬斗志。",
)

IMAGE_PROXY = "https://cors.zfour.workers.dev/?http://static.1sapp.com/qupost/img/"
AUTHORS = ("趣头条", "吉林发布", "长春发布", "辽源日报", "吉林日报", "新华社")

# Local (Asia/Shanghai) 2020-01-01 00:00 .. 2022-12-31 23:59:59, expressed in UTC.
DATE_START = datetime(2019, 12, 31, 16, 0, tzinfo=timezone.utc)
DATE_SPAN = int((datetime(2022, 12, 31, 16, 0, tzinfo=timezone.utc) - DATE_START).total_seconds())

BODY_MIN, BODY_MAX = 2048, 4096


def category_leaves() -> list[tuple[str, ...]]:
    """Flatten CATEGORY_TREE to its root-to-leaf paths (2 or 3 levels)."""
    leaves = []
    for top, subs in CATEGORY_TREE.items():
        for mid, ends in subs.items():
            if ends:
                leaves.extend((top, mid, end) for end in ends)
            else:
                leaves.append((top, mid))
    return leaves


def zipf_weights(n: int) -> list[float]:
    """Skewed weights so a few categories/tags are large, as in the real archive."""
    return [1.0 / (rank + 1) for rank in range(n)]


def yaml_quote(text: str) -> str:
    """Single-quote a scalar the way the seed post does."""
    return "'" + text.replace("'", "''") + "'"


class Generator:
    """Holds the seeded RNG and pools; one instance per corpus."""

    WRAPPER = ("<div>   \n", "  \n</div>\n")

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.sentences = [
            line.strip()
            for line in SENTENCES_FILE.read_text(encoding="utf-8").splitlines()
            if line.strip()
        ]
        self.leaves = category_leaves()
        self.leaf_weights = zipf_weights(len(self.leaves))
        self.tag_weights = zipf_weights(len(TAGS))
        self.titles: set[str] = set()
        self.names: set[str] = set()

    def title(self) -> str:
        """A unique headline; falls back to a numbered suffix when combinations run out."""
        rng = self.rng
        for _ in range(20):
            title = f"{rng.choice(PLACES)}：{rng.choice(TITLE_ACTIONS)} {rng.choice(TITLE_TAILS)}"
            if title not in self.titles:
                break
        else:
            title = f"{title}（{len(self.titles) + 1}）"
        self.titles.add(title)
        return title

    def filename(self, index: int) -> str:
        """A 16-hex-digit name like the seed's, stable for (seed, index)."""
        salt = 0
        while True:
            key = f"{self.seed}:{index}:{salt}".encode()
            name = hashlib.blake2b(key, digest_size=8).hexdigest() + ".md"
            if name not in self.names:
                self.names.add(name)
                return name
            salt += 1

    def image(self, when: datetime) -> str:
        return f"{IMAGE_PROXY}{when:%Y/%m/%d}/{self.rng.getrandbits(128):032x}.png"

    def body(self, when: datetime) -> str:
        """Paragraphs of 1-3 real sentences until the HTML reaches a 2-4 KB target."""
        rng = self.rng
        target = rng.randint(BODY_MIN, BODY_MAX)
        parts: list[str] = []
        size = len("".join(self.WRAPPER))
        while size < target:
            roll = rng.random()
            if roll < 0.08:
                chunk = f"<p><strong>{rng.choice(STRONG)}</strong></p>"
            elif roll < 0.13:
                chunk = (
                    f'<p><img src="{self.image(when)}" data-size="600,450" '
                    'referrerpolicy="no-referrer"></p>'
                )
            else:
                text = "".join(rng.sample(self.sentences, rng.randint(1, 3)))
                chunk = f"<p>{text}</p>"
            grown = size + len(chunk.encode("utf-8"))
            if grown > BODY_MAX:
                if size >= BODY_MIN:
                    break
                continue
            parts.append(chunk)
            size = grown
        return self.WRAPPER[0] + "".join(parts) + self.WRAPPER[1]

    def post(self) -> str:
        rng = self.rng
        when = DATE_START + timedelta(seconds=rng.randrange(DATE_SPAN))
        title = self.title()
        (path,) = rng.choices(self.leaves, weights=self.leaf_weights)
        wanted = rng.randint(1, 4)
        tags: list[str] = []
        while len(tags) < wanted:
            (tag,) = rng.choices(TAGS, weights=self.tag_weights)
            if tag not in tags:
                tags.append(tag)
        lines = ["", "---", f"title: {yaml_quote(title)}", "categories: "]
        lines += [f" - {part}" for part in path]
        lines.append("tags:")
        lines += [f" - {tag}" for tag in tags]
        headimg = self.image(when) if rng.random() < 0.6 else None
        if headimg:
            lines.append(f"headimg: {yaml_quote(headimg)}")
        lines += [
            f"author: {rng.choice(AUTHORS)}",
            "comments: false",
            f"date: {format_datetime(when, usegmt=True)}",
        ]
        if headimg:
            lines.append(f"thumbnail: {yaml_quote(headimg)}")
        lines += ["---", "", ""]
        return "\n".join(lines) + self.body(when)


def make_corpus(n: int, directory: Path, seed: int = 0, force: bool = False) -> Path:
    """Write site.yml and N posts under directory/content/posts; return the posts dir."""
    posts = directory / "content" / "posts"
    existing = list(posts.glob("*.md")) if posts.is_dir() else []
    if existing and not force:
        raise SystemExit(f"{posts} already holds {len(existing)} posts; use --force to replace")
    for old in existing:
        old.unlink()
    posts.mkdir(parents=True, exist_ok=True)
    (directory / "site.yml").write_text(SITE_YML, encoding="utf-8")
    gen = Generator(seed)
    for index in range(n):
        (posts / gen.filename(index)).write_text(gen.post(), encoding="utf-8")
    return posts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Generate a synthetic sitegen site (site.yml + N Hexo-style posts) "
        "for benchmarking. Same N and seed give byte-identical output."
    )
    parser.add_argument("n", type=int, help="number of posts to generate")
    parser.add_argument("dir", type=Path, help="site folder to create")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--force", action="store_true", help="replace posts already in DIR/content/posts"
    )
    args = parser.parse_args(argv)
    if args.n < 0:
        parser.error("N must be >= 0")
    start = time.perf_counter()
    posts = make_corpus(args.n, args.dir, seed=args.seed, force=args.force)
    elapsed = time.perf_counter() - start
    print(f"wrote {args.n} posts to {posts} in {elapsed:.2f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
