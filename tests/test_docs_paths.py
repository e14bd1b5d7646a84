"""Every repository path that README.md and docs/*.md name exists.

Checked: relative Markdown link targets (resolved from the file holding them)
and backticked paths that start with a top-level directory of the repository
or are one of its top-level files (`:line` suffixes stripped, globs must match
something). Fenced code blocks are examples, not checked.
"""

import posixpath
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOC_FILES = [README, *sorted((ROOT / "docs").glob("*.md"))]

TOP_DIRS = (
    "actions",
    "components",
    "channels",
    "safety",
    "practice",
    "rasa_patches",
    "scripts",
    "tests",
    "content",
    "data",
    "docs",
    "web",
    "configs",
    "reports",
    "vendor",
    ".ci",
    "build",
    "models",
    "var",
)
TOP_FILES = (
    "config.yml",
    "domain.yml",
    "endpoints.yml",
    "credentials.yml",
    "Makefile",
    "requirements.in",
    "requirements.lock",
    "ruff.toml",
    "pytest.ini",
    ".env.example",
    ".python-version",
    "README.md",
)
# Generated (gitignored) output: named in the docs, absent from a fresh clone.
GENERATED = (
    "build/",  # make install / make eval: spaCy pipelines, risk classifier, eval models
    "models/",  # make train
    "var/",  # make run: conversations, escalation counts, endpoints/credentials it writes
    "tests/artifacts/",  # make test: server logs, screenshots
    "web/crisis-line.json",  # make install: the widget's crisis line
    "web/about.html",  # make install, make run: the public "About this assistant" page
)

FENCED_BLOCK = re.compile(r"^```.*?^```", re.M | re.S)
LINK_TARGET = re.compile(r"\]\(([^)\s]+)\)")
CODE_SPAN = re.compile(r"`([^`\n]+)`")
DIR_NAMES, FILE_NAMES = ("|".join(map(re.escape, names)) for names in (TOP_DIRS, TOP_FILES))
REPO_PATH = re.compile(rf"(?:{DIR_NAMES})/\S*|{FILE_NAMES}")
URL_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")  # http:, https:, mailto:, ...


def named_paths(doc: Path) -> set:
    """Repository-relative paths a Markdown file names."""
    text = FENCED_BLOCK.sub("", doc.read_text(encoding="utf-8"))
    paths = set()
    for target in LINK_TARGET.findall(text):
        target = target.split("#", 1)[0]
        if target and not URL_SCHEME.match(target):  # relative to the file: ../reports/bench.md
            paths.add(posixpath.normpath(f"{doc.parent.relative_to(ROOT).as_posix()}/{target}"))
    for span in CODE_SPAN.findall(text):
        path = re.sub(r"(:\d+)+$", "", span)  # scripts/bench.py:120 -> scripts/bench.py
        if REPO_PATH.fullmatch(path):
            paths.add(path)
    return {p for p in paths if not p.startswith(GENERATED)}


def exists(path: str) -> bool:
    if path.startswith(("/", "..")):  # outside the repository
        return False
    if any(c in path for c in "*?["):  # a glob such as data/risk/*.yml must match something
        return any(ROOT.glob(path))
    return (ROOT / path).exists()


@pytest.mark.parametrize("doc", DOC_FILES, ids=lambda d: d.relative_to(ROOT).as_posix())
def test_every_path_named_exists(doc):
    missing = sorted(p for p in named_paths(doc) if not exists(p))
    assert not missing, f"{doc.relative_to(ROOT)} names paths that do not exist:\n  " + "\n  ".join(missing)


def test_readme_is_a_front_page_and_docs_hold_the_rest():
    size = len(README.read_bytes())  # what `wc -c README.md` says
    assert size <= 15_000, f"README.md is {size} bytes; move detail into docs/"
    assert len(DOC_FILES) - 1 >= 3, "docs/ should hold at least three pages"
