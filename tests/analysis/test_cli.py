import json
import subprocess
import sys
from pathlib import Path

import pytest

from consult.analysis.pipeline.jsonl import InputError, parse_line

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = Path(__file__).with_name("data") / "fixture_matter.jsonl"


def cli(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "consult.analysis", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, input=stdin, timeout=120)


def test_cli_end_to_end(tmp_path):
    out = tmp_path / "out.json"
    res = cli(FIXTURE, "-o", out, "--max-points", "6")
    assert res.returncode == 0, res.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["documents"] == 30 and data["params"]["max_points"] == 6
    ids = [i for p in data["risk_points"] for i in p["doc_ids"]] + data["unassigned"]
    assert sorted(ids) == sorted(json.loads(line)["id"] for line in FIXTURE.read_text(encoding="utf-8").splitlines())
    assert 1 <= len(data["risk_points"]) <= 6
    assert any(g["campaign"] for g in data["duplicates"])
    assert "risk points" in res.stderr


def test_cli_params_file_and_cache(tmp_path):
    params = tmp_path / "p.json"
    params.write_text(json.dumps({"max_points": 3, "char_bigrams": False}), encoding="utf-8")
    cache = tmp_path / "tok.cache"
    out = tmp_path / "out.json"
    res = cli(FIXTURE, "-o", out, "--params", params, "--cache", cache)
    assert res.returncode == 0, res.stderr
    first = json.loads(out.read_text(encoding="utf-8"))
    assert first["params"]["char_bigrams"] is False and len(first["risk_points"]) <= 3
    assert cache.exists()
    res = cli(FIXTURE, "-o", out, "--params", params, "--cache", cache)
    second = json.loads(out.read_text(encoding="utf-8"))
    assert second["stats"]["cache_hits"] == second["stats"]["texts"]
    assert second["risk_points"] == first["risk_points"]


def test_cli_bad_params_file(tmp_path):
    params = tmp_path / "p.json"
    params.write_text('{"max_pionts": 3}', encoding="utf-8")
    res = cli(FIXTURE, "-o", tmp_path / "o.json", "--params", params)
    assert res.returncode == 2 and "max_pionts" in res.stderr and "Traceback" not in res.stderr


GOOD = '{"id": "g1", "text": "垃圾中转站太臭了"}\n'
BAD_LINES = {
    "malformed": ('{"id": "b1", "text": "缺了括号"\n', "malformed JSON"),
    "missing_id": ('{"text": "没有编号"}\n', "missing 'id'"),
    "duplicate_id": ('{"id": "g1", "text": "重复"}\n', "duplicate id 'g1'"),
    "empty_text": ('{"id": "b2", "text": "   "}\n', "empty 'text'"),
    "huge_text": (json.dumps({"id": "b3", "text": "长" * 40000}, ensure_ascii=False) + "\n", "KB"),
    "not_object": ('["id", "text"]\n', "expected a JSON object"),
    "bad_stance": ('{"id": "b4", "text": "好", "stance": "maybe"}\n', "'stance' must be one of"),
}


@pytest.mark.parametrize("name", sorted(BAD_LINES))
def test_cli_bad_input_names_the_line(tmp_path, name):
    line, message = BAD_LINES[name]
    path = tmp_path / "in.jsonl"
    path.write_text(GOOD + line + GOOD.replace("g1", "g2"), encoding="utf-8")
    res = cli(path, "-o", tmp_path / "o.json")
    assert res.returncode != 0
    assert "line 2" in res.stderr and message in res.stderr, res.stderr
    assert "Traceback" not in res.stderr
    assert not (tmp_path / "o.json").exists()


def test_cli_binary_junk(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_bytes(GOOD.encode() + b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe\n")
    res = cli(path, "-o", tmp_path / "o.json")
    assert res.returncode != 0 and "line 2" in res.stderr and "Traceback" not in res.stderr


def test_cli_skip_bad_goes_on_and_reports(tmp_path):
    path = tmp_path / "in.jsonl"
    body = GOOD + "".join(line for line, _ in BAD_LINES.values()) + GOOD.replace("g1", "g9")
    path.write_text(body, encoding="utf-8")
    out = tmp_path / "o.json"
    res = cli(path, "-o", out, "--skip-bad")
    assert res.returncode == 0, res.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["documents"] == 2
    assert [s["line"] for s in data["skipped"]] == list(range(2, 2 + len(BAD_LINES)))
    assert "skipped line 2" in res.stderr


def test_cli_missing_file_and_empty_input(tmp_path):
    res = cli(tmp_path / "nope.jsonl", "-o", tmp_path / "o.json")
    assert res.returncode == 1 and "cannot read" in res.stderr and "Traceback" not in res.stderr
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    res = cli(empty, "-o", tmp_path / "o.json")
    assert res.returncode == 1 and "no usable documents" in res.stderr


def test_cli_progress_on_stderr(tmp_path):
    res = cli(FIXTURE, "-o", tmp_path / "o.json", "--progress", "always")
    assert res.returncode == 0 and "tokenise" in res.stderr and "done" in res.stderr


def test_parse_line_accepts_optional_fields():
    doc = parse_line(json.dumps({"id": 7, "text": "好", "title": "标题", "source": "hearing", "stance": "support",
                                 "group": "村民", "weight": 2.5, "time": "2024-01-01", "author": "张"}).encode(), 1)
    assert doc.id == "7" and doc.weight == 2.5 and doc.source == "hearing" and doc.title == "标题"
    with pytest.raises(InputError):
        parse_line(b'{"id": "x", "text": "t", "weight": -1}', 3)
    # a subject line without a body is usable; nothing at all is not
    assert parse_line('{"id": "y", "title": "噪音扰民", "text": ""}'.encode(), 4).title == "噪音扰民"
    with pytest.raises(InputError, match="empty 'text'"):
        parse_line(b'{"id": "z", "title": " ", "text": ""}', 5)


def test_read_jsonl_handles_bom_crlf_and_blank_lines():
    import io

    from consult.analysis.pipeline.jsonl import read_jsonl

    raw = '\ufeff{"id": "a", "text": "垃圾中转站太臭"}\r\n\r\n{"id": "b", "text": "补偿标准太低"}\r\n'.encode()
    report = read_jsonl(io.BytesIO(raw))
    assert [d.id for d in report.documents] == ["a", "b"] and report.skipped == []
