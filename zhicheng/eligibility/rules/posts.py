"""R-POSTS at a unit's recommendation: the post-structure ratio and the 基层有效 senior cap (§六(四)).

Not part of evaluate(): it needs the unit's counts, which the review step has (see docs/decisions.md).
"""

from __future__ import annotations

from decimal import Decimal

from zhicheng.eligibility.facts import Finding

from ._base import WARN, Rule

POSTS = Rule("R-POSTS", "§六(四)")
PROVINCE, GRASSROOTS = "province", "grassroots"
EXCEPTIONAL, RURAL = "exceptional", "rural"
SENIOR_RANK = 4


def posts_check(*, level_rank: int, scope: str, category: str, professional_posts: int, senior_held: int,
                grassroots_senior_held: int, recommending_now: int, grassroots_recommending_now: int,
                has_post_management: bool, cap_percent: Decimal, posts_at_level: int | None = None) -> Finding:
    """May the unit recommend one more dossier of this kind?

    The counts of this year's recommendations include the dossier being recommended. 基层有效 senior:
    `100 * (grassroots_senior_held + grassroots_recommending_now) <= cap_percent * professional_posts`
    (Decimal, so 10 % of 50 posts allows exactly 5). With post management, `senior_held + recommending_now
    <= posts_at_level` (评聘一致). Province-wide 破格 and the rural tilt are outside the ratio.
    """
    if category == RURAL or (category == EXCEPTIONAL and scope == PROVINCE):
        return POSTS.ok("全省有效破格或乡村倾斜，不受岗位结构比例限制", "Outside the post ratio (province-wide "
                        "exceptional or rural tilt)", {"category": category, "scope": scope})
    if scope == GRASSROOTS and level_rank >= SENIOR_RANK:
        return _grassroots_cap(professional_posts, grassroots_senior_held, grassroots_recommending_now, cap_percent)
    if not has_post_management:
        return POSTS.ok("单位未实行岗位管理，不适用岗位结构比例", "No post management: no post ratio")
    if posts_at_level is None:
        return POSTS.problem(WARN, "单位该级别岗位数未登记，请人工核对岗位结构比例",
                             "The unit's posts at this level are not recorded: check the ratio by hand",
                             {"senior_held": senior_held, "recommending_now": recommending_now})
    used = {"held": senior_held, "recommending_now": recommending_now, "posts_at_level": posts_at_level}
    if senior_held + recommending_now <= posts_at_level:
        return POSTS.ok(f"已聘 {senior_held} 人 + 本年度推荐 {recommending_now} 人，不超过岗位数 {posts_at_level}",
                        f"{senior_held} held + {recommending_now} recommended within {posts_at_level} posts", used)
    return POSTS.block(f"已聘 {senior_held} 人 + 本年度推荐 {recommending_now} 人，超过岗位数 {posts_at_level}",
                       f"{senior_held} held + {recommending_now} recommended exceed {posts_at_level} posts", used)


def _grassroots_cap(posts: int, held: int, now: int, cap: Decimal) -> Finding:
    used = {"professional_posts": posts, "grassroots_senior_held": held, "recommending_now": now,
            "cap_percent": str(cap)}
    if posts <= 0:
        return POSTS.missing(("organisation.professional_posts",), "单位专业技术岗位总数未登记",
                             "the unit's number of professional posts is not recorded", facts=used)
    said_zh = f"基层有效高级：已有 {held} 人 + 本年度推荐 {now} 人（含破格），专业技术岗位 {posts} 个"
    said_en = f"Grassroots senior: {held} held + {now} recommended this year (incl. exceptional), {posts} posts"
    if 100 * (held + now) <= cap * posts:
        return POSTS.ok(f"{said_zh}，不超过 {cap}%", f"{said_en}; within {cap} %", used)
    return POSTS.block(f"{said_zh}，超过 {cap}%", f"{said_en}; above {cap} %", used)
