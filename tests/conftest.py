"""Shared fixtures for the test suite (keep this file small: fixtures used by several files)."""

from __future__ import annotations

import pytest

from plainpage import Options


@pytest.fixture
def default_options() -> Options:
    """The Options every caller gets when it passes none."""
    return Options()
