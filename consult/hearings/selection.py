"""Selection of participants by the composition rules and a draw by lot. PURE: no flask, no sqlalchemy.

Anyone can re-run a published draw with this module alone:

    from consult.hearings.selection import select, inputs_from_json
    outcomes = select(**inputs_from_json(published["inputs"]), seed=published["seed"])

Rules, in order:
1. Each category is ordered: in a sensitive matter, affected residents who oppose come first;
   then everyone by lot — ascending HMAC-SHA256(key=seed, message=public_id), hex.
2. Each category's minimum seats are filled first, in that order.
3. Remaining seats are filled category by category: first the categories a minimum-share rule
   protects, then the others, then those a maximum-share rule caps. A person is not added when
   adding them would break a share rule (they wait instead).
4. Whoever is not selected is on the category's waiting list in the same order, up to the
   waiting-list size; the rest are not selected.
"""
from __future__ import annotations

import hashlib
import hmac
import math
from dataclasses import asdict, dataclass, field

ALGORITHM = "consult-hearing-draw/1"


@dataclass(frozen=True)
class Entrant:
    public_id: str
    category: str
    priority: bool = False  # an affected resident who opposes, in a sensitive matter


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    seats: int
    min_seats: int = 0
    counts_in_share: bool = True


@dataclass(frozen=True)
class Rule:
    name: str
    categories: tuple[str, ...]
    min_share: float | None = None  # percent
    max_share: float | None = None


@dataclass
class Outcome:
    public_id: str
    category: str
    status: str  # selected | waiting | not_selected
    rank: int  # position in the category's order, from 1
    draw_hash: str
    reason: str
    waitlist_position: int | None = None


@dataclass
class RuleCheck:
    rule: Rule
    members: int
    total: int
    share: float = field(init=False)
    ok: bool = field(init=False)

    def __post_init__(self):
        self.share = round(100.0 * self.members / self.total, 1) if self.total else 0.0
        self.ok = rule_holds(self.rule, self.members, self.total)


def draw_hash(seed: str, public_id: str) -> str:
    return hmac.new(seed.encode("utf-8"), public_id.encode("utf-8"), hashlib.sha256).hexdigest()


def rule_holds(rule: Rule, members: int, total: int) -> bool:
    if total == 0:
        return True
    if rule.min_share is not None and members * 100 < rule.min_share * total - 1e-9:
        return False
    if rule.max_share is not None and members * 100 > rule.max_share * total + 1e-9:
        return False
    return True


def check_rules(counts: dict[str, int], categories: list[Category], rules: list[Rule]) -> list[RuleCheck]:
    """Shares of each rule's categories among the categories that count in shares."""
    counted = {c.code for c in categories if c.counts_in_share}
    total = sum(n for code, n in counts.items() if code in counted)
    return [RuleCheck(r, sum(counts.get(code, 0) for code in r.categories if code in counted), total)
            for r in rules]


def min_seats_for_share(rule: Rule, total: int) -> int:
    return math.ceil((rule.min_share or 0) * total / 100 - 1e-9)


def _ordered(entrants: list[Entrant], seed: str) -> dict[str, list[tuple[Entrant, str]]]:
    by_cat: dict[str, list[tuple[Entrant, str]]] = {}
    for e in entrants:
        by_cat.setdefault(e.category, []).append((e, draw_hash(seed, e.public_id)))
    for queue in by_cat.values():
        queue.sort(key=lambda pair: (not pair[0].priority, pair[1], pair[0].public_id))
    return by_cat


def _pass_order(categories: list[Category], rules: list[Rule]) -> list[Category]:
    protected = {code for r in rules if r.min_share is not None for code in r.categories}
    capped = {code for r in rules if r.max_share is not None for code in r.categories}
    weight = lambda c: 0 if c.code in protected else (2 if c.code in capped else 1)  # noqa: E731
    return sorted(categories, key=weight)  # stable: keeps the configured order within a weight


def _blocking_rule(cat: Category, chosen: dict[str, int], categories, rules) -> Rule | None:
    """The share rule that one more person of `cat` would break or worsen, if any."""
    if not cat.counts_in_share:
        return None
    after = dict(chosen)
    after[cat.code] = after.get(cat.code, 0) + 1
    for check in check_rules(after, categories, rules):
        member = cat.code in check.rule.categories
        worsens = (check.rule.max_share is not None and member) or (
            check.rule.min_share is not None and not member)
        if not check.ok and worsens:
            return check.rule
    return None


def select(entrants: list[Entrant], categories: list[Category], rules: list[Rule], seed: str,
           waitlist_size: int, sensitive: bool = False) -> list[Outcome]:
    queues = _ordered(entrants, seed)
    chosen: dict[str, int] = {c.code: 0 for c in categories}
    picked: dict[str, str] = {}  # public_id -> reason
    blocked: dict[str, Rule] = {}  # category -> rule that stopped it
    for cat in categories:  # 1. minimums first
        for e, _h in queues.get(cat.code, [])[:min(cat.min_seats, cat.seats)]:
            chosen[cat.code] += 1
            picked[e.public_id] = f"本类别最低名额（{cat.min_seats} 席）内优先入选"
    for cat in _pass_order(categories, rules):  # 2. the remaining seats, rule-aware
        for e, _h in queues.get(cat.code, []):
            if chosen[cat.code] >= cat.seats:
                break
            if e.public_id in picked:
                continue
            rule = _blocking_rule(cat, chosen, categories, rules)
            if rule is not None:
                blocked[cat.code] = rule
                break
            chosen[cat.code] += 1
            picked[e.public_id] = f"在本类别 {cat.seats} 席名额内入选"
    return _outcomes(queues, categories, picked, blocked, waitlist_size, sensitive)


def _outcomes(queues, categories, picked, blocked, waitlist_size, sensitive) -> list[Outcome]:
    out: list[Outcome] = []
    for cat in categories:
        queue = queues.get(cat.code, [])
        waiting = 0
        for rank, (e, h) in enumerate(queue, start=1):
            order = f"本类别报名 {len(queue)} 人，抽签顺序第 {rank} 位"
            if e.priority and sensitive:
                order = "敏感事项，持反对意见的受影响群众优先；" + order
            if e.public_id in picked:
                out.append(Outcome(e.public_id, cat.code, "selected", rank, h, f"{order}；{picked[e.public_id]}"))
                continue
            why = (f"为满足“{blocked[cat.code].name}”，本类别暂不增加人员" if cat.code in blocked
                   else f"超出本类别名额 {cat.seats} 席")
            if waiting < waitlist_size:
                waiting += 1
                out.append(Outcome(e.public_id, cat.code, "waiting", rank, h,
                                   f"{order}；{why}，列候补第 {waiting} 位", waiting))
            else:
                out.append(Outcome(e.public_id, cat.code, "not_selected", rank, h,
                                   f"{order}；{why}，候补名单已满（{waitlist_size} 人），未入选"))
    return out


def inputs_to_json(entrants, categories, rules, waitlist_size: int, sensitive: bool) -> dict:
    return {"entrants": [asdict(e) for e in entrants], "categories": [asdict(c) for c in categories],
            "rules": [dict(asdict(r), categories=list(r.categories)) for r in rules],
            "waitlist_size": waitlist_size, "sensitive": sensitive}


def inputs_from_json(data: dict) -> dict:
    return {
        "entrants": [Entrant(**e) for e in data["entrants"]],
        "categories": [Category(**c) for c in data["categories"]],
        "rules": [Rule(r["name"], tuple(r["categories"]), r.get("min_share"), r.get("max_share"))
                  for r in data["rules"]],
        "waitlist_size": data["waitlist_size"], "sensitive": data["sensitive"],
    }
