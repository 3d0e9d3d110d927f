"""The corporate risk matrix: all 16 cells rate exactly as seed 000 prints them."""

import re
from pathlib import Path

import pytest

from saferhub.core.errors import ValidationProblem
from saferhub.risks.matrix import LEVELS, check_level, corporate_matrix, rate

SEED = Path(__file__).resolve().parents[3].parent / "shared" / "seeds" / "000_7340f0633c80a1b1.txt"


def seed_matrix() -> dict[tuple[int, int], tuple[str, int]]:
    """Read the "Corporate Risk Matrix" rows from the seed text: likelihood number, label, four cells."""
    text = SEED.read_text(encoding="utf-8")
    section = text[text.index("Corporate Risk Matrix") :]
    cells = {}
    for line in section.splitlines()[:12]:
        m = re.match(r"^(?:Probability)?\s*([1-4])\s+([A-Za-z ]+?)\t(.*)$", line.strip("\n"))
        if not m:
            continue
        likelihood = int(m[1])
        found = re.findall(r"(Low|Medium|High|Very High) \((\d+)\)", m[3])
        assert len(found) == 4, line
        for impact, (band, score) in enumerate(found, start=1):
            cells[impact, likelihood] = (band, int(score))
    return cells


def test_the_seed_matrix_has_sixteen_cells():
    assert len(seed_matrix()) == 16


@pytest.mark.parametrize("impact", LEVELS)
@pytest.mark.parametrize("likelihood", LEVELS)
def test_every_cell_rates_as_the_seed_prints_it(impact, likelihood):
    band, score = seed_matrix()[impact, likelihood]
    rating = rate(impact, likelihood)
    assert (rating.band, rating.score) == (band, score)


def test_labels_are_the_seeds():
    text = SEED.read_text(encoding="utf-8")
    m = corporate_matrix()
    for label in [*m.impact_labels.values(), *m.likelihood_labels.values()]:
        assert label in text


@pytest.mark.parametrize("bad", [5, 0, -1, "5", "two", 2.5, None, ""])
def test_a_level_off_the_matrix_is_refused_with_a_clear_message(bad):
    with pytest.raises(ValidationProblem) as exc:
        check_level(bad, name="likelihood")
    assert "likelihood" in str(exc.value)


def test_likelihood_five_names_the_scale():
    with pytest.raises(ValidationProblem, match=r"likelihood 5 is off the corporate risk matrix: use 1 to 4"):
        rate(2, 5)
