import os

import pytest

from bench import load


@pytest.fixture
def wrk_installed():
    """wrk, or a skip (a failure under CI=true, where it must be installed)."""
    if load.wrk_path() is None:
        message = f"wrk is not installed: {load.INSTALL_HINT}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
