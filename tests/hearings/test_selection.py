"""The selection rules, on the pure module (the same code the services and public re-runs use)."""
import hashlib
import hmac

from consult.hearings.selection import (Category, Entrant, Rule, check_rules, draw_hash, inputs_from_json,
                                        inputs_to_json, select)

AFFECTED = Rule("利益群体代表不少于40%", ("affected",), min_share=40)
HEADS = Rule("部门负责人和社会贤达不超过40%", ("heads", "figures"), max_share=40)


def cats(**seats):
    return [Category(code, code, n if isinstance(n, int) else n[0], 0 if isinstance(n, int) else n[1])
            for code, n in seats.items()]


def people(code, n, prefix=None, priority=False):
    return [Entrant(f"{prefix or code}{i:03d}", code, priority) for i in range(n)]


def by_status(outcomes, status):
    return [o for o in outcomes if o.status == status]


def counts(outcomes):
    out = {}
    for o in by_status(outcomes, "selected"):
        out[o.category] = out.get(o.category, 0) + 1
    return out


def test_draw_order_is_hmac_of_seed_and_public_id():
    expected = hmac.new(b"seed-1", b"abc", hashlib.sha256).hexdigest()
    assert draw_hash("seed-1", "abc") == expected
    outcomes = select(people("affected", 30), cats(affected=5), [], "seed-1", waitlist_size=3)
    chosen = sorted(o.public_id for o in by_status(outcomes, "selected"))
    by_hash = sorted((draw_hash("seed-1", e.public_id), e.public_id) for e in people("affected", 30))
    assert chosen == sorted(pid for _h, pid in by_hash[:5])


def test_same_seed_same_list_and_different_seed_different_list():
    entrants = people("affected", 50) + people("experts", 20)
    categories = cats(affected=10, experts=3)
    a = select(entrants, categories, [AFFECTED], "published-seed", 5)
    b = select(list(reversed(entrants)), categories, [AFFECTED], "published-seed", 5)
    c = select(entrants, categories, [AFFECTED], "another-seed", 5)
    key = lambda outs: sorted((o.public_id, o.status, o.rank) for o in outs)  # noqa: E731
    assert key(a) == key(b)
    assert key(a) != key(c)


def test_re_run_from_published_json_gives_the_same_list():
    entrants = people("affected", 40) + people("heads", 12) + people("experts", 9)
    data = inputs_to_json(entrants, cats(affected=8, heads=4, experts=2), [AFFECTED, HEADS], 4, True)
    import json
    again = inputs_from_json(json.loads(json.dumps(data)))
    first = select(entrants, cats(affected=8, heads=4, experts=2), [AFFECTED, HEADS], "s", 4, True)
    second = select(**again, seed="s")
    assert [(o.public_id, o.status, o.rank, o.reason) for o in first] == \
           [(o.public_id, o.status, o.rank, o.reason) for o in second]


def test_category_never_exceeds_its_seats_and_waiting_list_is_ordered():
    outcomes = select(people("affected", 25), cats(affected=10), [], "x", waitlist_size=6)
    assert len(by_status(outcomes, "selected")) == 10
    waiting = sorted(by_status(outcomes, "waiting"), key=lambda o: o.waitlist_position)
    assert [o.waitlist_position for o in waiting] == [1, 2, 3, 4, 5, 6]
    assert [o.rank for o in waiting] == [11, 12, 13, 14, 15, 16]
    assert len(by_status(outcomes, "not_selected")) == 9
    assert all("候补名单已满" in o.reason for o in by_status(outcomes, "not_selected"))


def test_minimums_are_filled_first_even_against_a_share_rule():
    # experts have a minimum of 2; without affected applicants the share rule would block everyone else
    outcomes = select(people("experts", 5), cats(affected=10, experts=(4, 2)), [AFFECTED], "x", 5)
    assert counts(outcomes) == {"experts": 2}
    assert all("最低名额" in o.reason for o in by_status(outcomes, "selected"))
    assert all("利益群体代表不少于40%" in o.reason for o in by_status(outcomes, "waiting"))


def test_minimum_share_holds_back_other_categories():
    entrants = people("affected", 4) + people("experts", 10)
    outcomes = select(entrants, cats(affected=10, experts=10), [AFFECTED], "x", 10)
    c = counts(outcomes)
    assert c == {"affected": 4, "experts": 6}  # 4 / 10 = 40 %
    assert all(check.ok for check in check_rules(c, cats(affected=10, experts=10), [AFFECTED]))


def test_maximum_share_caps_heads_and_public_figures():
    entrants = people("affected", 6) + people("heads", 10) + people("figures", 10)
    categories = cats(affected=6, heads=5, figures=5)
    outcomes = select(entrants, categories, [AFFECTED, HEADS], "x", 10)
    c = counts(outcomes)
    assert c["affected"] == 6
    assert (c.get("heads", 0) + c.get("figures", 0)) * 100 <= 40 * sum(c.values())
    assert c.get("heads", 0) + c.get("figures", 0) == 4  # 4 / 10 = 40 %, a fifth would break it
    assert all(check.ok for check in check_rules(c, categories, [AFFECTED, HEADS]))
    blocked = [o for o in by_status(outcomes, "waiting") if "不超过40%" in o.reason]
    assert blocked


def test_observers_do_not_count_in_shares():
    categories = [Category("affected", "a", 2), Category("observers", "o", 10, counts_in_share=False)]
    outcomes = select(people("affected", 2) + people("observers", 10), categories, [AFFECTED], "x", 0)
    assert counts(outcomes) == {"affected": 2, "observers": 10}


def test_opponents_first_in_a_sensitive_matter():
    opponents = people("affected", 4, prefix="opp", priority=True)
    others = people("affected", 30, prefix="oth")
    outcomes = select(others + opponents, cats(affected=5), [AFFECTED], "x", 10, sensitive=True)
    selected = {o.public_id for o in by_status(outcomes, "selected")}
    assert {e.public_id for e in opponents} <= selected
    assert len(selected) == 5
    assert all("持反对意见" in o.reason for o in outcomes if o.public_id.startswith("opp"))
    # more opponents than seats: only opponents are selected, by lot among them
    many = people("affected", 8, prefix="opp", priority=True)
    outcomes = select(others + many, cats(affected=5), [AFFECTED], "x", 10, sensitive=True)
    assert all(o.public_id.startswith("opp") for o in by_status(outcomes, "selected"))


def test_every_outcome_has_a_reason():
    entrants = people("affected", 12) + people("heads", 6) + people("experts", 1)
    outcomes = select(entrants, cats(affected=5, heads=3, experts=2), [AFFECTED, HEADS], "x", 2)
    assert len(outcomes) == len(entrants)
    assert all(o.reason and "抽签顺序第" in o.reason for o in outcomes)
