"""The practice's configuration file is checked at start-up."""

import subprocess

import pytest
import yaml

from practice import config as practice_config
from tests.conftest import BASE_ENV, ROOT


@pytest.fixture
def good() -> dict:
    return yaml.safe_load((ROOT / "content" / "practice.yml").read_text())


def write(tmp_path, data) -> str:
    path = tmp_path / "practice.yml"
    path.write_text(yaml.safe_dump(data) if isinstance(data, dict) else data)
    return path


def test_the_shipped_example_practice_is_valid_and_fictional(good):
    assert practice_config.load(ROOT / "content" / "practice.yml") == good
    assert "555-01" in good["phone"] and good["email"].endswith(".example")


@pytest.mark.parametrize(
    "field, value",
    [
        ("email", "not-an-email"),
        ("phone", "call us"),
        ("booking_url", "maplegrove/book"),
        ("region", "Mars"),
        ("name", ""),
        ("hours", None),
        ("website", 42),
    ],
)
def test_a_bad_field_is_named(tmp_path, good, field, value):
    with pytest.raises(practice_config.PracticeConfigError, match=f"field '{field}'"):
        practice_config.load(write(tmp_path, {**good, field: value}))


def test_a_missing_field_is_named(tmp_path, good):
    del good["hours"]
    with pytest.raises(practice_config.PracticeConfigError, match="field 'hours' is missing"):
        practice_config.load(write(tmp_path, good))


def test_broken_yaml_is_reported(tmp_path):
    with pytest.raises(practice_config.PracticeConfigError, match="not valid YAML"):
        practice_config.load(write(tmp_path, "name: [unclosed"))


def test_start_up_fails_with_a_message_naming_the_field(tmp_path, good):
    path = write(tmp_path, {**good, "email": "nobody"})
    result = subprocess.run(
        ["bash", "scripts/run.sh"],
        cwd=ROOT,
        env={**BASE_ENV, "PRACTICE_CONFIG": str(path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "Practice configuration error" in result.stderr and "field 'email'" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_optional_answer_may_be_left_out_but_not_be_a_number(tmp_path, good):
    without = {k: v for k, v in good.items() if k not in practice_config.OPTIONAL_FIELDS}
    assert practice_config.load(write(tmp_path, without)) == without
    with pytest.raises(
        practice_config.PracticeConfigError, match="field 'fees' must be a non-empty text, or leave it out"
    ):
        practice_config.load(write(tmp_path, {**without, "fees": 150}))
