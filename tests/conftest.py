"""Shared test helpers: where the real data lives, and a skip when it is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
REAL = SHARED / "data" / "real"
SAMPLES = ROOT / "data" / "samples"


def need(path: Path) -> Path:
    """Skip the calling test with a reason when a file of ../shared is absent."""
    if not path.exists():
        pytest.skip(f"{path} is absent (../shared sits beside the checkout in CI)")
    return path


@pytest.fixture
def real() -> Path:
    return need(REAL)
