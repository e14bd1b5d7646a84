"""The compact lemma table (safety/lemmas.py) gives the same tokens and lemmas
as the saved spaCy pipelines it replaces, in a fraction of their memory."""

import pytest
import spacy
import yaml

from safety import lemmas
from safety.assessment import SPANISH_LEXICON, SPANISH_SPACY_PIPELINE
from safety.risk_detector import DEFAULT_LEXICON, DEFAULT_SPACY_PIPELINE
from tests.conftest import DATA


def corpus(compact: lemmas.CompactLookupPipeline, lexicon_path) -> list:
    """Every lemma of the table as a word, the lexicon's lines and the crisis corpus."""
    words = list(compact._table._lemmas)
    texts = [" ".join(words[i : i + 50]) for i in range(0, len(words), 50)]
    texts += [str(value) for value in yaml.safe_load(lexicon_path.read_text(encoding="utf-8")).values()]
    crisis = yaml.safe_load((DATA / "crisis_corpus.yml").read_text(encoding="utf-8"))
    texts += [str(e["text"]) for group in crisis.values() if isinstance(group, list) for e in group if "text" in e]
    return texts


@pytest.mark.parametrize(
    "path, lexicon",
    [(DEFAULT_SPACY_PIPELINE, DEFAULT_LEXICON), (SPANISH_SPACY_PIPELINE, SPANISH_LEXICON)],
    ids=["en", "es"],
)
def test_the_compact_table_lemmatizes_as_spacy_does(path, lexicon):
    compact = lemmas.load(path)
    assert isinstance(compact, lemmas.CompactLookupPipeline)
    full = spacy.load(path)
    texts = corpus(compact, lexicon)
    assert len(texts) > 500
    for text in texts:
        assert [(t.text, t.lemma_) for t in compact(text)] == [(t.text, t.lemma_) for t in full(text)], text
    assert len(compact._table) == len(full.get_pipe("lemmatizer").lookups.get_table(lemmas.TABLE))


def test_another_pipeline_is_loaded_as_it_is(tmp_path):
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.to_disk(tmp_path / "pipeline")
    assert not isinstance(lemmas.load(tmp_path / "pipeline"), lemmas.CompactLookupPipeline)
