"""Build the project's offline spaCy pipelines (tokenizer + lookup lemmatizer).

The official spaCy models cannot be downloaded on our machines, so we build a
blank English pipeline with the lookup lemmatizer from `spacy-lookups-data`
and save it to a folder that `SpacyNLP` in config.yml (and the risk detector)
load by path. A Spanish one (build/spacy_es) serves the risk detector's
Spanish lexicon.

Usage: python scripts/build_spacy_pipeline.py [OUTPUT_DIR]   (English; Spanish beside it)
"""

import sys
from pathlib import Path

import spacy

DEFAULT_OUTPUT = Path(__file__).resolve().parent.parent / "build" / "spacy_en"


def build(output: Path = DEFAULT_OUTPUT, language: str = "en") -> Path:
    nlp = spacy.blank(language)
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()  # loads the lookup tables from spacy-lookups-data
    output.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(output)
    return output


if __name__ == "__main__":
    out = build(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUTPUT)
    spanish = build(out.parent / "spacy_es", "es")
    print(f"spaCy pipelines written to {out} and {spanish}")
