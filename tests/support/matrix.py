"""Permission matrices written out by hand: each row's marks read into one test case per cell."""

from __future__ import annotations

from collections.abc import Callable

import pytest


def matrix_cells(
    matrix: dict[str, str],
    columns: tuple[tuple[str, object, object], ...],
    marks: Callable[[str], list[str]] = str.split,
) -> list:
    """One ``(actor_name, action, target, allowed)`` case per cell; "Y" marks an allowed cell.

    Args:
        matrix: each actor's row of marks, in the order of ``columns``.
        columns: (label, action, target) of each column; the label names the case.
        marks: splits a row into its marks (by default at white space).
    """
    cells = []
    for actor_name, row in matrix.items():
        row_marks = marks(row)
        assert len(row_marks) == len(columns), (
            f"row {actor_name!r} has {len(row_marks)} cells, expected {len(columns)}"
        )
        for (label, action, target), mark in zip(columns, row_marks, strict=True):
            cells.append(
                pytest.param(actor_name, action, target, mark == "Y", id=f"{actor_name}-{label}")
            )
    return cells
