"""Rasa's own checks: the training data validates and the test stories pass."""

import subprocess

import pytest

from tests.conftest import BASE_ENV, BIN, ROOT


@pytest.mark.slow  # a fresh Python importing Rasa, ~10 s
def test_rasa_data_validate_is_clean():
    result = subprocess.run(
        [str(BIN / "rasa"), "data", "validate", "--fail-on-warnings"],
        cwd=ROOT,
        env=BASE_ENV,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_stories_pass_with_no_prediction_errors(trained_model, tmp_path):
    result = subprocess.run(
        [
            str(BIN / "rasa"),
            "test",
            "core",
            "-m",
            str(trained_model),
            "--stories",
            str(ROOT / "tests" / "test_stories.yml"),
            "--fail-on-prediction-errors",
            "--out",
            str(tmp_path),
        ],
        cwd=ROOT,
        env=BASE_ENV,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
