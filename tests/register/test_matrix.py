"""The risk matrix: default bands, exact boundaries, configured bands checked at start."""
import json

import pytest

from consult import config, create_app
from consult.register import matrix

DEFAULT = matrix.check_bands(matrix.DEFAULT_BANDS)

# rows: severity 5 (top) … 1; columns: likelihood 1 … 5 (L = low, M = medium, H = high)
EXPECTED_DEFAULT = """
M M H H H
L M M H H
L M M M H
L L M M M
L L L L M
"""


def _as_rows(bands):
    g = matrix.grid(bands)
    return [" ".join(level[0].upper() for level in g[sv - 1]) for sv in (5, 4, 3, 2, 1)]


def test_default_grid_cell_by_cell():
    assert _as_rows(DEFAULT) == EXPECTED_DEFAULT.strip().splitlines()


@pytest.mark.parametrize("lk,sv,level", [(1, 4, "low"), (2, 2, "low"), (1, 5, "medium"), (5, 1, "medium"),
                                         (3, 4, "medium"), (4, 3, "medium"), (3, 5, "high"), (4, 4, "high"),
                                         (5, 5, "high"), (1, 1, "low")])
def test_boundaries_fall_where_the_page_says(lk, sv, level):
    assert matrix.level_of(lk, sv, DEFAULT) == level


def test_bands_list_their_possible_scores():
    assert [(b.level, b.min_score, b.max_score, b.scores) for b in DEFAULT] == [
        ("low", 1, 4, [1, 2, 3, 4]), ("medium", 5, 12, [5, 6, 8, 9, 10, 12]), ("high", 13, 25, [15, 16, 20, 25])]


def test_custom_bands_move_the_boundaries():
    bands = matrix.check_bands([{"level": "low", "max_score": 2}, {"level": "medium", "max_score": 9},
                                {"level": "high", "max_score": 25}])
    assert [matrix.level_of(1, 3, bands), matrix.level_of(3, 3, bands), matrix.level_of(2, 5, bands)] == [
        "medium", "medium", "high"]


@pytest.mark.parametrize("raw,message", [
    ({"low": 4}, "exactly three bands"),
    ([{"level": "low", "max_score": 4}, {"level": "medium", "max_score": 12}], "exactly three bands"),
    ([{"level": "medium", "max_score": 4}, {"level": "low", "max_score": 12}, {"level": "high", "max_score": 25}],
     "order low, medium, high"),
    ([{"level": "low", "max_score": 12}, {"level": "medium", "max_score": 4}, {"level": "high", "max_score": 25}],
     "medium max_score must be an integer from 13"),
    ([{"level": "low", "max_score": "4"}, {"level": "medium", "max_score": 12}, {"level": "high", "max_score": 25}],
     "low max_score must be an integer"),
    ([{"level": "low", "max_score": True}, {"level": "medium", "max_score": 12}, {"level": "high", "max_score": 25}],
     "low max_score must be an integer"),
    ([{"level": "low", "max_score": 4}, {"level": "medium", "max_score": 12}, {"level": "high", "max_score": 20}],
     "must end at 25"),
    ([{"level": "low", "max_score": 4}, {"level": "medium", "max_score": 14}, {"level": "high", "max_score": 25}],
     None),
    ([{"level": "low", "max_score": 12}, {"level": "medium", "max_score": 14}, {"level": "high", "max_score": 25}],
     "at least one possible score"),
    ([{"level": "low", "max_score": 4, "colour": "green"}, {"level": "medium", "max_score": 12},
      {"level": "high", "max_score": 25}], "'level' and 'max_score' only"),
])
def test_bad_bands_are_named(raw, message):
    if message is None:
        assert matrix.check_bands(raw)[1].scores == [5, 6, 8, 9, 10, 12]
        return
    with pytest.raises(matrix.MatrixError, match=message):
        matrix.check_bands(raw)


def test_setting_is_read_from_the_environment_and_checked_at_start(monkeypatch, tmp_path):
    good = [{"level": "low", "max_score": 3}, {"level": "medium", "max_score": 10}, {"level": "high", "max_score": 25}]
    assert config.load({"CONSULT_RISK_MATRIX": json.dumps(good)})["RISK_MATRIX"] == good
    with pytest.raises(config.ConfigError, match="not valid JSON"):
        config.load({"CONSULT_RISK_MATRIX": "[{low: 4}"})
    monkeypatch.setenv("CONSULT_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("CONSULT_RISK_MATRIX", json.dumps(good[:2]))
    with pytest.raises(config.ConfigError, match="CONSULT_RISK_MATRIX must list exactly three bands"):
        create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"})


def test_scale_is_one_to_five():
    with pytest.raises(matrix.MatrixError):
        matrix.level_of(0, 3, DEFAULT)
    with pytest.raises(matrix.MatrixError):
        matrix.level_of(3, 6, DEFAULT)
