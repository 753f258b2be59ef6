from __future__ import annotations

import pytest
from typer.testing import CliRunner

from analyzer.cli import app


@pytest.fixture()
def run_cli():
    """Run the CLI in-process; returns (exit_code, stdout, stderr)."""
    runner = CliRunner()

    def run(*args: str, input: str | bytes | None = None):
        result = runner.invoke(app, list(args), input=input, catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr

    return run
