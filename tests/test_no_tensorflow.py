"""The Rasa server serves the project's model without TensorFlow
(rasa_patches/no_tensorflow.py, installed by scripts/rasa_server.py for `run`
and `shell`): it still answers, TensorFlow is nowhere in the process, and
anything that would use TensorFlow there fails at once with a clear message."""

import subprocess
import sys
from pathlib import Path

import pytest

from practice import content
from rasa_patches import no_tensorflow
from tests.conftest import BASE_ENV, ROOT, after_notice
from tests.test_server import new_sender

DIET = "rasa.nlu.classifiers.diet_classifier.DIETClassifier"


def run_python(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=BASE_ENV, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


def test_the_served_rasa_server_has_no_tensorflow_and_answers_a_question_and_a_crisis(servers, bot):
    maps = open(f"/proc/{servers.processes[-1].pid}/maps").read()
    assert "tensorflow" not in maps and "jaxlib" not in maps  # nor JAX, which TensorFlow would import
    assert "onnxruntime" in maps  # the check can see the libraries the server loaded
    question = content.answers()["faq"]["ask_build_trust"]["question"]
    assert [r["text"] for r in after_notice(bot.say(new_sender(), question))] == [content.faq_answer("ask_build_trust")]
    crisis = bot.texts(bot.say(new_sender(), "I want to kill myself"))
    assert "988" in crisis and content.faq_answer("ask_build_trust") not in crisis


@pytest.mark.slow  # a fresh Python
def test_the_stand_in_fails_loudly_and_probes_carry_on_without_tensorflow():
    printed = run_python(
        "from rasa_patches import no_tensorflow\n"
        "no_tensorflow.install()\n"
        "import thinc.compat\n"
        "print('thinc sees tensorflow:', thinc.compat.has_tensorflow)\n"
        "import rasa.core.agent, rasa.graph_components.validators.default_recipe_validator\n"
        "from rasa.nlu.classifiers.diet_classifier import DIETClassifier\n"
        "print('placeholder:', DIETClassifier.__module__, DIETClassifier.__name__, isinstance(1, DIETClassifier))\n"
        "for use in (lambda: __import__('tensorflow'), lambda: DIETClassifier({}), lambda: DIETClassifier.load):\n"
        "    try:\n"
        "        use()\n"
        "    except no_tensorflow.TensorFlowNotLoaded as e:\n"
        "        print('raised:', e)\n"
        "import sys; print('loaded:', [m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras')])\n"
    )
    lines = printed.splitlines()
    assert "thinc sees tensorflow: False" in lines
    assert "placeholder: rasa.nlu.classifiers.diet_classifier DIETClassifier False" in lines
    raised = [line for line in lines if line.startswith("raised:")]
    assert [r.split(":")[1].strip() for r in raised] == [
        "import tensorflow",
        "rasa.nlu.classifiers.diet_classifier.DIETClassifier needs TensorFlow",
        "rasa.nlu.classifiers.diet_classifier.DIETClassifier.load needs TensorFlow",
    ]
    assert all("started without TensorFlow" in r and "RASA_SERVER_TENSORFLOW=1" in r for r in raised)
    assert "loaded: []" in lines


@pytest.mark.slow  # a fresh Python
def test_installing_after_tensorflow_was_imported_is_refused():
    printed = run_python(
        "from rasa_patches import no_tensorflow\n"
        "import rasa.core.agent\n"  # imports TensorFlow
        "try:\n"
        "    no_tensorflow.install()\n"
        "except RuntimeError as e:\n"
        "    print(e)\n"
    )
    assert "must be installed before TensorFlow is imported" in printed


def test_the_projects_model_needs_no_tensorflow_and_the_default_pipelines_does(trained_model):
    classes = no_tensorflow.prediction_classes(trained_model)
    assert "components.risk_component.RiskDetectorComponent" in classes
    assert not no_tensorflow.needs_tensorflow(classes)
    assert no_tensorflow.needs_tensorflow([*classes, DIET])
    assert no_tensorflow.needs_tensorflow(["rasa.core.policies.ted_policy.TEDPolicy"])


def test_the_launcher_finds_the_model_rasa_will_serve(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "models").mkdir()
    model = tmp_path / "models" / "faq.tar.gz"
    model.write_bytes(b"")
    other = tmp_path / "other.tar.gz"
    other.write_bytes(b"")
    served = no_tensorflow.served_model
    assert served(["run", "-m", str(other), "--port", "5005", "--enable-api"]) == other
    assert served(["run", f"--model={other}"]) == other
    assert served(["shell", "--endpoints", "endpoints.yml"]) == Path("models") / "faq.tar.gz"  # Rasa's default folder
    assert served(["run", "--port", "5005", str(other)]) == other  # a positional model path
    assert served(["train"]) is None
    assert served(["run", "actions"]) is None
    assert served(["run", "-m", "missing.tar.gz"]) is None
    assert served(["run", "--remote-storage", "aws", "-m", str(other)]) is None


def test_keep_tensorflow_by_environment(trained_model, monkeypatch):
    monkeypatch.setenv(no_tensorflow.KEEP_TENSORFLOW, "1")
    assert no_tensorflow.install_if_unneeded(["run", "-m", str(trained_model)]) is False
    assert not no_tensorflow.installed()
