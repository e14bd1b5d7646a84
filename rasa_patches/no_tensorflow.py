"""Serves a model whose graph needs no TensorFlow without loading TensorFlow.

Rasa 3.6 imports TensorFlow whatever the pipeline, ~310 MB of the Rasa
server's memory (docs/performance.md), through imports it never uses to serve
a graph without DIET, ResponseSelector or the TED policies:
  - rasa.utils.train_utils (imported by every policy, through the featurizers)
    imports Keras callbacks and the batch generator, used only in training;
  - loading a model resolves every class of its *training* graph too, among
    them the recipe validator, which imports DIETClassifier, ResponseSelector
    and TEDPolicy only to compare the configured classes with them.

The launcher (scripts/rasa_server.py) installs this before Rasa is imported,
for `run` and `shell` only, and only when the model's prediction graph uses
none of TENSORFLOW_MODULES (`needs_tensorflow`). Then:
  - those Rasa modules are stand-ins: every name imported from them is a
    placeholder class that raises TensorFlowNotLoaded when it is called or
    anything is read from it;
  - `import tensorflow` (or keras, tensorflow_addons, ...) raises
    TensorFlowNotLoaded, a ModuleNotFoundError with a message saying what to
    do, so libraries that merely probe for TensorFlow (spaCy's thinc) carry on
    without it and anything that really needs it fails at once, loudly.
RASA_SERVER_TENSORFLOW=1 keeps TensorFlow (for example to train through the
HTTP API, or to load a model that needs it with PUT /model).
"""

import importlib.abc
import importlib.machinery
import json
import os
import sys
import tarfile
import types
from pathlib import Path
from typing import Any, Iterable, List, Optional, Sequence

from rasa_patches.version import require_written_for_version

# The top-level packages that are not loaded.
TENSORFLOW_PACKAGES = frozenset(
    {"tensorflow", "keras", "tensorflow_addons", "tensorflow_hub", "tensorflow_text", "tensorflow_probability"}
)
# Rasa 3.6's modules that import TensorFlow when they are imported.
TENSORFLOW_MODULES = frozenset(
    {
        "rasa.utils.tensorflow.callback",
        "rasa.utils.tensorflow.data_generator",
        "rasa.nlu.classifiers.diet_classifier",
        "rasa.nlu.selectors.response_selector",
        "rasa.core.policies.ted_policy",
        "rasa.core.policies.unexpected_intent_policy",
        "rasa.nlu.featurizers.dense_featurizer.convert_featurizer",
        "rasa.nlu.featurizers.dense_featurizer.lm_featurizer",
    }
)
KEEP_TENSORFLOW = "RASA_SERVER_TENSORFLOW"


class TensorFlowNotLoaded(ModuleNotFoundError):
    def __init__(self, what: str) -> None:
        super().__init__(
            f"{what}: this Rasa server was started without TensorFlow, because its model's graph needs none "
            "(scripts/rasa_server.py, rasa_patches/no_tensorflow.py). If this model or this request needs "
            f"TensorFlow, start the server with {KEEP_TENSORFLOW}=1.",
            name=what.split()[-1],
        )


class _NeedsTensorFlow(type):
    """The type of the placeholders: they can be imported, named, compared and
    used in isinstance checks; calling them or reading anything else fails."""

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        raise TensorFlowNotLoaded(f"{cls.__module__}.{cls.__qualname__} needs TensorFlow")

    def __getattr__(cls, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        raise TensorFlowNotLoaded(f"{cls.__module__}.{cls.__qualname__}.{name} needs TensorFlow")


class StandInModule(types.ModuleType):
    """A Rasa module that imports TensorFlow, replaced: each name is a placeholder."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        placeholder = _NeedsTensorFlow(name, (), {"__module__": self.__name__, "__qualname__": name})
        setattr(self, name, placeholder)
        return placeholder


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Optional[Any]:
        if fullname.partition(".")[0] in TENSORFLOW_PACKAGES:
            raise TensorFlowNotLoaded(f"import {fullname}")
        if fullname in TENSORFLOW_MODULES:
            return importlib.machinery.ModuleSpec(fullname, self, origin="rasa_patches.no_tensorflow")
        return None

    def create_module(self, spec: Any) -> types.ModuleType:
        return StandInModule(spec.name, f"Stand-in for {spec.name} (rasa_patches/no_tensorflow.py)")

    def exec_module(self, module: types.ModuleType) -> None:
        pass


_FINDER = _Finder()


def install() -> None:
    require_written_for_version("no_tensorflow")
    loaded = sorted(m for m in sys.modules if m.partition(".")[0] in TENSORFLOW_PACKAGES or m in TENSORFLOW_MODULES)
    if loaded:
        raise RuntimeError(f"rasa_patches.no_tensorflow must be installed before TensorFlow is imported: {loaded[:3]}")
    if not installed():
        sys.meta_path.insert(0, _FINDER)


def installed() -> bool:
    return _FINDER in sys.meta_path


def prediction_classes(model: Path) -> List[str]:
    """The class paths of a trained model's prediction graph (its metadata.json)."""
    with tarfile.open(model) as archive:
        member = archive.extractfile("metadata.json")
        if member is None:
            raise ValueError(f"{model} has no metadata.json")
        metadata = json.load(member)
    return [node["uses"] for node in metadata["predict_schema"]["nodes"].values()]


def needs_tensorflow(classes: Iterable[str]) -> bool:
    return any(path.rpartition(".")[0] in TENSORFLOW_MODULES for path in classes)


def served_model(args: Sequence[str]) -> Optional[Path]:
    """The model file `rasa run` / `rasa shell` will serve with these arguments
    (as rasa.cli.utils and rasa.model find it), or None when that is not known
    before Rasa starts: then TensorFlow stays."""
    args = list(args)
    if len(args) < 1 or args[0] not in ("run", "shell") or args[1:2] in (["actions"], ["nlu"]):
        return None
    if "--remote-storage" in args or any(a.startswith("--remote-storage=") for a in args):
        return None
    model = "models"  # Rasa's default
    for i, arg in enumerate(args):
        if arg in ("-m", "--model") and i + 1 < len(args):
            model = args[i + 1]
        elif arg.startswith("--model="):
            model = arg.partition("=")[2]
    if len(args) >= 2 and not args[-2].startswith("-") and os.path.exists(args[-1]):
        model = args[-1]  # a positional model path (rasa.cli.utils.parse_last_positional_argument_as_model_path)
    path = Path(model)
    if path.is_dir():  # the newest model in it (rasa.model.get_latest_model)
        models = sorted(path.glob("*.tar.gz"), key=os.path.getmtime)
        path = models[-1] if models else path
    return path if path.is_file() and path.name.endswith(".tar.gz") else None


def install_if_unneeded(args: Sequence[str]) -> bool:
    """Installs the stand-ins when the served model needs no TensorFlow; True if it did."""
    if os.environ.get(KEEP_TENSORFLOW, "").strip() not in ("", "0"):
        return False
    model = served_model(args)
    if model is None:
        return False
    try:
        classes = prediction_classes(model)
    except (OSError, ValueError, KeyError, tarfile.TarError, json.JSONDecodeError):
        return False  # Rasa reports an unreadable model its own way
    if needs_tensorflow(classes):
        return False
    install()
    return True
