"""The README's cost section is the cost model's table (python -m videogen_local.costs --write-readme)."""

from __future__ import annotations

import pytest

from videogen.domain import costs
from videogen_local import costs as cost_table

README = cost_table.README.read_text(encoding="utf-8")


def test_the_readme_cost_section_is_the_models_table() -> None:
    assert cost_table.readme_with_table(README, cost_table.cost_table()) == README, (
        "README.md's cost section is stale: run make cost-table"
    )
    assert cost_table.main(["--check-readme"]) == 0


def test_each_row_is_the_models_price_of_a_minute() -> None:
    section = README[README.index(cost_table.START) : README.index(cost_table.END)]
    priced = costs.estimate(cost_table.minute_shape("1080p", "stability", "polly"))

    row = f"| 1080p | stability | polly | **${priced.total_usd:.4f}** | $0.3000 | $0.0120 |"
    assert row in section
    assert section.count("\n| 720p |") == 6
    assert section.count("\n| 1080p |") == 6


def test_a_readme_without_markers_is_refused() -> None:
    with pytest.raises(ValueError, match="cost-table"):
        cost_table.readme_with_table("# videogen\n", "table")
