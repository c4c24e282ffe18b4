"""The sensitivity grid: 9 x 9, rows training growth + (-0.20 .. +0.20), columns f = 0.6 .. 1.4."""

from __future__ import annotations

import pytest
from modelkit import ALL_INPUTS, close, reference_path, scenario_parameters, variant

from reportgen.model.run import run_model


@pytest.mark.parametrize("stem", ALL_INPUTS)
def test_grid_shape_rows_columns_and_centre(load_input, stem):
    spec, model = load_input(stem)
    grid = model.sensitivity
    tg = spec.input.costs.training_growth
    assert len(grid.training_growth) == 9
    assert len(grid.growth_factor) == 9
    assert len(grid.value_to_price) == 9
    assert all(len(row) == 9 for row in grid.value_to_price)
    steps = [-0.20, -0.15, -0.10, -0.05, 0.0, 0.05, 0.10, 0.15, 0.20]
    assert grid.training_growth == pytest.approx([tg + s for s in steps], abs=1e-12)
    assert grid.training_growth[4] == tg
    assert grid.growth_factor == pytest.approx([0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4], abs=1e-12)
    assert grid.growth_factor[4] == 1.0
    assert grid.value_to_price[4][4] == model.scenarios["base"].value_to_price
    # v2: limited liability, so no cell is negative
    assert all(cell >= 0 for row in grid.value_to_price for cell in row)


def test_grid_centre_in_model_json(example_json):
    assert example_json["sensitivity"]["value_to_price"][4][4] == \
        example_json["scenarios"]["base"]["value_to_price"]


@pytest.mark.parametrize("stem", ALL_INPUTS)
def test_every_cell_against_the_pure_python_loop(load_input, stem):
    spec, model = load_input(stem)
    data = spec.input
    base = scenario_parameters(data)["base"]
    grid = model.sensitivity
    for i, tg in enumerate(grid.training_growth):
        for j, f in enumerate(grid.growth_factor):
            reference = reference_path(data, f=f, fade=base["fade"], d=base["d"], tg=tg)
            assert close(grid.value_to_price[i][j], reference["value_to_price"], 1e-10), (i, j)


def test_rows_are_training_growth_and_columns_growth_factor(example_model):
    # more training spend lowers value (down a column); faster growth raises it (along a row here)
    grid = example_model.sensitivity.value_to_price
    for j in range(9):
        column = [grid[i][j] for i in range(9)]
        assert column == sorted(column, reverse=True)
    assert grid[4] == sorted(grid[4])


def test_a_grid_where_value_is_lost_holds_zeros_not_negatives():
    # heavy opex: most cells have a negative DCF equity, shown as 0 (limited liability)
    data = variant({"costs.opex_share": 0.9})
    grid = run_model(data).sensitivity.value_to_price
    cells = [cell for row in grid for cell in row]
    assert 0.0 in cells and min(cells) == 0.0
    base = scenario_parameters(data)["base"]
    reference = reference_path(data, f=0.6, fade=base["fade"], d=base["d"], tg=base["tg"] + 0.2)
    assert reference["dcf_equity"] < 0 and grid[8][0] == 0.0
