from datetime import timedelta

from consult.extensions import db
from consult.models import utcnow
from consult.surveys import questions, responses, results
from consult.surveys.models import Channel
from consult.surveys.spec import load_spec
from tests import factories
from tests.surveys.helpers import answers, q_by_code, standard_survey


class Anon:
    is_authenticated = False


ROWS = [  # relation, distance, aware, support, channel, concerns
    ("direct", "d500", "know", "support", Channel.ONLINE, ["noise", "dust"]),
    ("direct", "d500", "unaware", "oppose", Channel.ONLINE, ["compensation"]),
    ("indirect", "d1k", "heard", "mostly", Channel.ONLINE, ["noise", "dust"]),
    ("public", "dfar", "unaware", "neutral", Channel.ONLINE, ["noise", "dust"]),
    ("direct", "d1k", "know", "against_mild", Channel.PAPER, ["noise", "dust"]),
    ("indirect", "d500", "know", "support", Channel.DOOR, ["noise", "dust"]),
]


def _seed(w):
    s = standard_survey(w)
    spec = load_spec(s.id)
    now = utcnow()
    for i, (rel, dist, aware, sup, ch, concerns) in enumerate(ROWS):
        vals = answers(spec, relation=rel, distance=dist, aware=aware, support=sup, concerns=concerns,
                       aware_channel=None if aware == "unaware" else ["notice"],
                       suggestions=f"建议{i}" if i % 2 == 0 else None)
        if ch == Channel.ONLINE:
            responses.submit_online(spec, vals, actor=Anon(), now=now, device=f"d{i}", client_hash="c")
        else:
            responses.enter_paper(s, spec, vals, actor=w["organiser"], channel=ch, enumerator="李", now=now)
    rel = q_by_code(spec, "relation")
    questions.set_targets(s, actor=w["organiser"], targets={rel.options[0].id: 200})
    db.session.commit()
    return s, spec


def _by(rate, dim):
    return {label: (y, n) for label, y, n in rate.by[dim]}


def test_rates_and_breakdowns_match_hand_counts():
    w = factories.world()
    s, spec = _seed(w)
    aware, support = results.rates(spec, s)
    assert aware.overall == (4, 6) and aware.percent == 66.7
    assert support.overall == (3, 6) and support.percent == 50.0
    assert support.counted == ["支持", "基本支持"]
    g = _by(support, "受访者类别")
    assert list(g.values()) == [(1, 3), (2, 2), (0, 1)]
    d = _by(aware, "距离")
    assert list(d.values()) == [(2, 3), (2, 2), (0, 0), (0, 1), (0, 0)]
    c = _by(support, "渠道")
    assert c == {"网上填写": (2, 4), "纸质问卷": (0, 1), "入户走访": (1, 1), "座谈会": (0, 0)}


def test_question_counts_percentages_and_text_answers():
    w = factories.world()
    s, spec = _seed(w)
    figs = {f.q.code: f for f in results.question_figures(spec)}
    concerns = {b.label: (b.count, b.percent) for b in figs["concerns"].bars}
    assert figs["concerns"].answered == 6
    assert concerns["施工及运营噪声"] == (5, 83.3) and concerns["征收补偿标准"] == (1, 16.7)
    assert concerns["交通出行"] == (0, 0.0)
    assert figs["aware_channel"].answered == 4  # hidden for the two who did not know
    assert figs["suggestions"].answered == 3
    rows, total = results.free_texts(spec, q_by_code(spec, "suggestions").id, q="建议2")
    assert total == 1 and rows[0].value_text == "建议2"
    totals = results.total_responses(spec)
    assert totals["total"] == 6 and dict(totals["by_channel"])["纸质问卷"] == 1


def test_crosstab_and_targets():
    w = factories.world()
    s, spec = _seed(w)
    rel, sup = q_by_code(spec, "relation"), q_by_code(spec, "support")
    ct = results.crosstab(spec, rel.id, sup.id)
    direct = ct["table"][0]
    assert direct[0].startswith("直接") and [n for n, _ in direct[1]] == [1, 0, 0, 1, 1] and direct[2] == 3
    assert results.crosstab(spec, rel.id, q_by_code(spec, "suggestions").id) is None
    figs = results.question_figures(spec)
    t = results.targets(spec, s, figs)
    assert t[0][1:] == (200, 3, 1.5)


def test_flags_find_identical_bursts_and_busy_networks():
    w = factories.world()
    s = standard_survey(w)
    spec = load_spec(s.id)
    now = utcnow().replace(second=0, microsecond=0)
    now = now - timedelta(minutes=now.minute % 10)  # start of a 10-minute window
    for i in range(results.BURST_MIN_NETWORK):
        responses.submit_online(spec, answers(spec), actor=Anon(), now=now + timedelta(seconds=i), device="same",
                                client_hash="net1")
    responses.submit_online(spec, answers(spec, support="oppose"), actor=Anon(), now=now, device="x", client_hash="n2")
    db.session.commit()
    f = results.flags(spec)
    assert [n for _, n, _ in f["identical"]] == [results.BURST_MIN_NETWORK]
    assert [n for _, n, _ in f["network"]] == [results.BURST_MIN_NETWORK]
    assert f["duplicate_devices"] == results.BURST_MIN_NETWORK - 1
