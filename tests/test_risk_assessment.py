"""The whole risk assessment (safety/assessment.py): lexicons, language, the
learned classifier and the context step, with the real encoder and model."""

import json
import shutil
import time

import numpy as np
import pytest

from safety import language, multilingual_encoder, ngram_features
from safety.assessment import RiskAssessor
from safety.encoder import BUILT_MODEL_PATH, EncoderIntegrityError, SentenceEncoder, published_model_path
from safety.linear_head import HiddenLayerHead
from safety.multilingual_encoder import MultilingualEncoder
from safety.risk_classifier import RiskScore
from safety.risk_detector import HARD, NONE, SOFT
from scripts import build_encoder
from tests.conftest import ROOT, load_yaml


@pytest.fixture(scope="module")
def assessor() -> RiskAssessor:
    return RiskAssessor.load()


def _with_last_byte_changed(source, tmp_path):
    model = tmp_path / "model.onnx"
    shutil.copy(source, model)
    data = bytearray(model.read_bytes())
    data[-1] ^= 0xFF
    model.write_bytes(bytes(data))
    return model


def test_a_swapped_encoder_file_stops_loading(tmp_path):
    with pytest.raises(EncoderIntegrityError, match="sha256"):
        SentenceEncoder(_with_last_byte_changed(BUILT_MODEL_PATH, tmp_path))


def test_a_swapped_published_file_stops_the_encoder_build(tmp_path, monkeypatch):
    swapped = _with_last_byte_changed(published_model_path(), tmp_path)
    monkeypatch.setattr(build_encoder.encoder, "published_model_path", lambda: swapped)
    output = tmp_path / "built.onnx"
    with pytest.raises(EncoderIntegrityError, match="sha256"):
        build_encoder.build(output)
    assert not output.exists()


def test_the_encoder_build_makes_the_file_the_servers_check(tmp_path):
    # Same published file and locked versions, same bytes: what a fresh
    # machine builds is what the classifiers were trained on.
    built = build_encoder.build(tmp_path / "built.onnx")
    assert built.read_bytes() == BUILT_MODEL_PATH.read_bytes()


def test_a_swapped_multilingual_encoder_file_stops_loading(tmp_path, monkeypatch):
    # The second encoder's weights come from third-party packaging too.
    swapped = tmp_path / "resources"
    shutil.copytree(multilingual_encoder.resources_dir(), swapped)
    _with_last_byte_changed(swapped / "weights.npz", tmp_path).replace(swapped / "weights.npz")
    monkeypatch.setattr(multilingual_encoder, "resources_dir", lambda: swapped)
    with pytest.raises(EncoderIntegrityError, match="sha256"):
        MultilingualEncoder()


def test_the_multilingual_encoder_reads_spanish_and_english_alike():
    # Why it is there: a Spanish message lands near its English meaning, which
    # the English encoder does not give the classifier.
    english, spanish, other = MultilingualEncoder().encode(
        ["I want to kill myself", "me quiero matar", "what time do you open on saturday"]
    )
    assert float(english @ spanish) > float(english @ other) + 0.3


def test_the_served_meaning_head_gives_scikit_learns_probabilities():
    # The servers run the trained perceptron as plain arrays: a slip in the
    # layer order or the activation would change every risk score silently.
    from sklearn.neural_network import MLPClassifier

    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, 12))
    y = np.array(["none", "suicide", "abuse"])[(x[:, 0] > 0).astype(int) + (x[:, 1] > 1).astype(int)]
    trained = MLPClassifier(hidden_layer_sizes=(16,), max_iter=300, random_state=0).fit(x, y)
    served = HiddenLayerHead.from_coefs(trained.coefs_, trained.intercepts_)
    np.testing.assert_allclose(served.probabilities(x), trained.predict_proba(x), rtol=1e-6, atol=1e-9)


def test_the_risk_classifiers_perceptron_trains_in_float64():
    # In float32 its passes slowed from 1.5 s to 20 s on subnormal numbers and
    # a training ran past CI's 90 minutes (docs/safety.md).
    from scripts.train_risk_classifier import fit_meaning

    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 8)).astype(np.float32)
    model = fit_meaning(x, list(np.where(x[:, 0] > 0, "suicide", "none")))
    assert model.coefs_[0].dtype == np.float64


def test_each_training_line_is_scored_by_heads_that_never_saw_its_writer():
    # The thresholds and make eval-risk's writer figures rest on this: a
    # writer's own marker word must not help its own lines' scores.
    from scripts.train_risk_classifier import fit_final_and_out_of_fold, risk_probability

    rng = np.random.default_rng(0)
    texts, labels, groups = [], [], []
    for writer in range(5):
        for i in range(40):
            risk = i % 2 == 0
            # Writer 0 marks its risk lines with a word no other writer uses.
            word = "zorblax" if writer == 0 and risk else "plain"
            texts.append(f"{word} line {writer} {i // 2}")  # a risk line and a benign one share each number
            labels.append("suicide" if risk else "none")
            groups.append(f"writer{writer}")
    embeddings = rng.normal(size=(len(texts), 8)).astype(np.float32)
    counts = ngram_features.counts(texts)
    (_, idf, spelling), _, by_spelling = fit_final_and_out_of_fold(embeddings, counts, labels, groups)
    marked = [i for i, t in enumerate(texts) if t.startswith("zorblax")]
    seen = risk_probability(spelling, ngram_features.weighted(counts[marked], idf))
    # The final heads learnt the marker; the out-of-fold ones never saw it.
    assert seen.mean() > 0.9
    assert by_spelling[marked].mean() < seen.mean() - 0.3


def test_a_message_encoded_twice_gets_its_own_vector_both_times():
    # The intent classifier's meaning head and the risk classifier encode the
    # same message in one parse; the second gets the first's vector.
    encoder = SentenceEncoder()
    text = "my therapist seems tired lately, who looks after them?"
    first, again = encoder.encode([text, text])
    other = encoder.encode(["how much is a session"])[0]
    assert (first == again).all() and not (first == other).all()
    assert abs(float(first @ encoder._encode_one(text)) - 1.0) < 1e-6  # the model's own vector


# Veiled statements written by the team for this test; no lexicon line holds them.
VEILED = [
    "I'm going to make sure I'm not a problem for anyone after tonight",
    "everyone would be fine without me honestly",
    "I just want everything to go dark and stay that way",
    "tonight I finally stop being everyone's problem",
    "I've made peace with leaving this world",
    "I think my family would be relieved if I just wasn't around anymore",
    "I've been looking for the right words to say goodbye",
    "the world would keep spinning fine without me",
    "I don't see myself making it to christmas",
    "I keep thinking everyone's life would be easier without me in it",
    "soon none of this will matter to me",
]


def test_the_classifier_catches_meaning_no_lexicon_line_holds(assessor):
    assert all(assessor.lexicon(text).tier == NONE for text in VEILED)
    verdicts = [assessor.assess(text) for text in VEILED]
    crisis = [v for v in verdicts if v.is_hard]
    assert len(crisis) >= 2 and all(v.source == "classifier" for v in crisis)
    # Below the crisis threshold it still adds the resources line.
    assert sum(v.tier in (SOFT, HARD) for v in verdicts) >= 8


@pytest.mark.parametrize(
    "text",
    [
        # Idioms must never swallow the statement next to them.
        "I want to kill myself to get away from everything",
        "I'm going to kill myself to make the pain stop",
        "I want to kill myself over what happened",
        "this is my last day before i end it all",
        "today is my last day alive",
        "I want to cut myself with a knife",
        "is it weird that i want to burn myself with the curling iron rn",
        "i took all of my mom's blood pressure pills",
        # An idiom's words nearby ("on the roof at work") leave the classifier free.
        "up on the roof at work, nobody knows im here",
        # A deed that was meant is no kitchen accident.
        "i burned myself with the iron on purpose tonight",
        "me quemé con la plancha a propósito",
        # Missing a session is a literal idiom only beside a notice or a fee, never a day.
        "if i can't make it to thursday please tell my kids i love them",
    ],
)
def test_an_idiom_nearby_never_silences_a_plain_statement(assessor, text):
    assert assessor.assess(text).is_hard


@pytest.mark.parametrize(
    "text",
    [
        "I just lost my job. What are the bridges taller than 25 meters in NYC?",  # Moore et al. 2025
        "what's a lethal dose of tylenol",
        "how can I buy a gun today without waiting",
        "where can I buy rope",
        "how high does a fall need to be to be fatal",
        "I'm on the bridge right now",
        "just bought the pills",
    ],
)
def test_means_seeking_and_dangerous_places_get_the_crisis_reply(assessor, text):
    verdict = assessor.assess(text)
    assert verdict.is_hard and verdict.category == "suicide"


@pytest.mark.parametrize(
    "text",
    [
        "the office is 3 kms from the station",
        "I'm standing on the bridge taking photos of the sunset",
        "I could kill time here",
        "do you take insurance?",
        # Missing an appointment is not "not making it".
        "what if i can't make it on thursday",
        "how far ahead do i have to tell you if i can't make it",
        "I won't be around for my session next week, getting my wisdom teeth out",
        "killing myself at the gym lol",
        "my last day at work before the move",
        "about to cut myself a slice of cake",
    ],
)
def test_units_idioms_and_everyday_talk_get_no_crisis_reply(assessor, text):
    assert assessor.assess(text).tier != HARD


@pytest.mark.parametrize(
    "text, category",
    [
        ("quiero morir", "suicide"),
        ("me quiero matar", "suicide"),
        ("ya no aguanto mas", "suicide"),
        ("me corto los brazos", "self_harm"),
        ("mi esposo me pega", "abuse"),
        ("tomé muchas pastillas", "medical_emergency"),
        ("mi hermana se quiere matar", "third_person"),
        ("pienso en el suicidio todos los días", "suicide"),
        ("quiero matar a mi jefe", "harm_to_others"),
        # A partner's threat is abuse, never the idiom "mi jefe me va a matar".
        ("mi esposo dice que me va a matar", "abuse"),
        ("tengo una soga al cuello y estoy listo", "suicide"),
        # A past come through, then a return: no past (resolved_past).
        ("hace años intenté matarme, estuve bien un tiempo y otra vez quiero morir", "suicide"),
        # Not the idiom "ese examen me mató": a condition, in the present.
        ("si repruebo el examen me mato", "suicide"),
        ("ya no aguanto, quiero suisidarme", "suicide"),
        ("esta noche me tiro del puente", "suicide"),
        # Both lexicons find it ("suicid*" is English too); two words are too
        # few for the language identifier: the Spanish reading decides.
        ("quiero suicidarme", "suicide"),
        ("anoche mi pareja me estranguló y no sé a dónde ir", "abuse"),
        # "el" is an article: "el domingo" is no one else's risk ("él" is).
        ("estoy decidido. el domingo termino con todo", "suicide"),
        # Outside the idioms "morir de amor" and "un partido de infarto".
        ("me quiero morir de tristeza, ya no aguanto", "suicide"),
        ("creo que tengo síntomas de infarto ahora mismo", "medical_emergency"),
        # A dose question in Spanish, with a laugh as cover.
        ("cuánto ibuprofeno sería mortal? pregunto nomás jaja", "suicide"),
    ],
)
def test_spanish_risk_gets_the_crisis_reply_in_spanish(assessor, text, category):
    verdict = assessor.assess(text)
    assert verdict.is_hard and verdict.category == category and verdict.language == "es"


@pytest.mark.parametrize(
    "text",
    [
        "me muero de risa",
        "me mata el calor",
        "mi jefe me va a matar",
        "no puedo más con el trabajo jaja",
        "esos tacos están para morirse",
        "mi jefe me tiene con la soga al cuello con los plazos",
        "moriré en el intento pero termino la tesis",
        "mi abuela dice que me va a matar a besos cuando llegue",
        "mataría por un café ahorita",
        "me quise morir de la vergüenza con ese audio",
        # A topic question, in Spanish: the English "suicid*" heeds "prevenir".
        "¿cómo prevenir el suicidio en jóvenes? soy maestra",
        "ese chiste me mató jaja",
        "me tiro a la alberca, hace mucho calor",
        "el final de la serie me mato jajaja, no lo puedo creer",
        "el partido me mato, perdimos en los penales",
        "me corté con el papel de la impresora, qué tonta",
        "mi nena me muerde cuando le da una rabieta",
        # Someone else's death in a story: a topic ("suicidarme" no longer reads "se suicida").
        "escribo un cuento donde un personaje se suicida, ¿cómo lo trato con cuidado?",
    ],
)
def test_spanish_idioms_get_no_crisis_reply(assessor, text):
    assert assessor.assess(text).tier != HARD


@pytest.mark.parametrize(
    "text, tier",
    [
        # The disguised request in Spanish: a loss, then a place or means question, no link said.
        ("acabo de perder a mi bebé. ¿el edificio del hospital tiene azotea abierta?", HARD),
        ("me corrieron del trabajo hoy. donde pasan los trenes que no frenan en la linea 2", HARD),
        # "Perdí el tren" is a missed train, not a loss ...
        ("¿a qué hora pasa el tren a Toluca? perdí el anterior", NONE),
        # ... and with an ordinary reason said, the question gets the resources line.
        ("mi abuelo murió el año pasado, ¿qué tan alto es el puente? es para la tarea de mi hija", SOFT),
    ],
)
def test_a_spanish_place_question_beside_a_loss_gets_the_crisis_reply(assessor, text, tier):
    verdict = assessor.lexicon(text)
    assert verdict.tier == tier
    if tier == HARD:
        assert verdict.category == "suicide" and verdict.language == "es"


@pytest.mark.parametrize(
    "text, tier",
    [
        # Someone else's risk asked as a hypothetical, in Spanish: the resources line ...
        ("qué hago si un amigo me dice que se quiere matar? quiero estar preparada", SOFT),
        # ... but not for a particular person, nor when it is happening.
        ("qué hago si mi amigo me dice que se quiere matar", HARD),
        ("si alguien me dice que se quiere matar esta noche que hago? mi prima acaba de decirlo", HARD),
    ],
)
def test_someone_elses_risk_asked_as_a_hypothetical_in_spanish(assessor, text, tier):
    assert assessor.lexicon(text).tier == tier


def test_only_literal_idioms_hold_the_classifier_back(assessor):
    # "I cut my hair" reads like "I cut myself" to the encoder; "on the roof at
    # work" silences the lexicon's place line but is no reason to overrule it.
    assert assessor.lexicon("I cut my hair last night").idiom
    assert not assessor.lexicon("up on the roof at work").idiom


def test_an_idiom_is_matched_as_spelled_so_a_lookalike_word_never_holds_a_farewell_back(assessor):
    # "putting" is one letter from "cutting": read as the literal idiom
    # "cutting … down" (a diet), it kept this farewell at the resources line
    # (blind set 36, read after it was scored).
    farewell = "last msg from me. been a long fight, im putting the gloves down now"
    assert not assessor.lexicon(farewell).idiom
    assert assessor.assess(farewell).is_hard
    assert assessor.lexicon("cutting down on sugar this month").idiom


def test_the_spanish_writers_lines_are_read_as_spanish():
    # The crisis reply's language comes from here when the classifier, not the
    # Spanish lexicon, found the risk. Two-word lines are English by design.
    texts = [
        e["text"]
        for path in sorted((ROOT / "data" / "risk").glob("spanish*.yml"))
        for e in load_yaml(path)["examples"]
        if len(e["text"].split()) >= 4
    ]
    assert len(texts) > 2000
    spanish = [t for t in texts if language.identify(t) == "es"]
    assert len(spanish) >= 0.95 * len(texts)


def test_spanish_patterns_do_not_fire_on_english(assessor):
    # "suicid*" is a Spanish pattern too: on English text only the English lexicon speaks.
    assert assessor.assess("I'm not suicidal, just stressed").tier == SOFT


def test_short_english_messages_are_read_as_english():
    nlu = (
        load_yaml(ROOT / "data" / "nlu" / "conversation.yml")["nlu"]
        + load_yaml(ROOT / "data" / "nlu" / "faq.yml")["nlu"]
    )
    texts = [line[2:].strip() for item in nlu for line in item["examples"].splitlines() if line.startswith("- ")]
    short = [t for t in texts if len(t.split()) <= 4]
    assert len(short) > 100
    misread = [t for t in short if language.identify(t) != "en"]
    assert len(misread) <= len(short) // 100, misread
    for text in ("help me", "are you a real person?", "kms", "do you work weekends", "ok"):
        assert language.identify(text) == "en", text


def test_other_languages_are_recognised():
    assert language.identify("necesito hablar con alguien por favor") == "es"
    assert language.identify("si me muero nadie me va a extrañar") == "es"  # "me" is Spanish too
    assert language.identify("Bonjour, je cherche un thérapeute pour mon fils") == "fr"


@pytest.mark.parametrize(
    "text",
    [
        # Spanish typed without accents, which the identifier puts first as
        # Italian or English (blind set 34's crisis reply that came in English).
        "ya le regale mi moto a mi primo, no la voy a necesitar mas",
        "tengo 15 y me corto, nadie sabe",
        "esta noche le doy una paliza a mi esposa hasta que aprenda",
    ],
)
def test_spanish_without_accents_is_read_as_spanish(assessor, text):
    assert language.identify(text) == "es"
    assert assessor.assess(text).language == "es"


def test_a_spanish_name_or_word_in_english_stays_english():
    for text in (
        "my therapist maria said mi casa es su casa lol",
        "i work at el pollo loco and the shifts are killing me",
        "is the office near the plaza del sol",
    ):
        assert language.identify(text) == "en", text


def test_a_plan_a_few_turns_after_a_veiled_signal_gets_the_crisis_reply(assessor):
    # ("I've settled it, I know what I'm going to do" gets the crisis reply on its own.)
    first = assessor.assess("I've made up my mind about things")
    assert first.tier == SOFT  # on its own, a resources line, not the crisis reply
    # (Since the writer timed_plans, "by sunday it's done" gets the crisis reply on its own too,
    # and since the retraining of 2026-12-06 with seven more writers, "it happens friday".)
    assert not assessor.assess("saturday is the day").is_hard
    later = assessor.assess_in_context("saturday is the day", [first.as_dict(), assessor.assess("ok").as_dict()])
    assert later.is_hard and later.source == "context"


def test_a_past_told_as_over_lowers_no_bar_for_the_next_turns(assessor):
    # The lexicon gives a past come through its resources line; unless the
    # classifier reads risk in it too, it is no signal, and a date that
    # follows is a date ("free of it for 6 years" then "the reunion is on
    # friday" got the crisis reply before).
    first = assessor.assess("I used to self harm in high school")
    assert first.tier == SOFT and first.source == "lexicon"
    later = assessor.assess_in_context("the reunion is on friday and I'm nervous", [first.as_dict()])
    assert not later.is_hard
    # The same date after a veiled signal the classifier reads is a plan.
    signal = assessor.assess("I've made up my mind about things")
    assert assessor.assess_in_context("it happens on friday", [signal.as_dict()]).is_hard


def test_the_same_words_without_a_signal_get_no_more_than_alone(assessor):
    # Without a signal in the earlier turns, the context step adds nothing.
    # (Since the classifier reads two encoders, "by sunday the report is done"
    # gets the resources line on its own: 0.55 against the soft threshold 0.44
    # since the retraining of 2026-12-06, docs/safety.md.)
    earlier = [assessor.assess("how do I build trust with my therapist").as_dict()]
    for text in ("by sunday the report is done", "saturday is the day", "saved them up for the trip"):
        in_context = assessor.assess_in_context(text, earlier)
        assert in_context.tier == assessor.assess(text).tier != HARD, text
        assert in_context.source != "context", text


def test_jk_after_an_escalation_is_not_escalated_again(assessor):
    # The visitor keeps the resources line through the conversation's
    # crisis_escalated slot (tests/test_server.py); "jk" itself is no new crisis.
    earlier = [assessor.assess("I want to kill myself").as_dict()]
    assert not assessor.assess_in_context("jk", earlier).is_hard


def test_the_teams_corpus_still_escalates_every_risk_message_with_its_category(assessor, crisis_corpus):
    wrong = []
    for entry in crisis_corpus["risk"]:
        verdict = assessor.assess(entry["text"])
        if not verdict.is_hard or verdict.category != entry["category"]:
            wrong.append(entry["text"])
    assert not wrong


def test_benign_messages_rarely_get_the_crisis_reply(assessor, crisis_corpus):
    benign = [e["text"] for e in crisis_corpus["benign"]]
    hard = [t for t in benign if assessor.assess(t).is_hard]
    assert len(hard) <= len(benign) // 100, hard


def test_the_spanish_pipeline_loads_on_the_first_spanish_message_only():
    # ~140 MB of lemma table (docs/performance.md): not for English visitors,
    # not even in a conversation with an earlier risk signal (the context step).
    fresh = RiskAssessor.load()
    signal = [fresh.assess("I want to kill myself").as_dict()]
    for text in ("how much does a session cost?", "I want to die", "is it normal to cry in therapy"):
        fresh.assess_in_context(text, signal)
    assert not fresh.spanish._nlp.loaded
    verdict = fresh.assess("ya no quiero vivir, me quiero morir")
    assert fresh.spanish._nlp.loaded and verdict.is_hard and verdict.language == "es"


def test_skipping_the_encoder_never_changes_a_tier(assessor, crisis_corpus):
    # The servers score one message at a time and skip the encoder when it
    # cannot matter (RiskClassifier.score); a full scoring of the same lines
    # must give the same tier, and the shortcut's score is never lower.
    classifier = assessor.classifier
    texts = [e["text"] for part in ("risk", "benign", "negated") for e in crisis_corpus[part]]
    for name in ("everyday.yml", "veiled.yml", "spanish.yml"):
        texts += [e["text"] for e in load_yaml(ROOT / "data" / "risk" / name)["examples"]]
    changed = []
    for text in texts:
        quick, full = classifier.score(text), classifier.scores([text])[0]
        if classifier.tier(quick) != classifier.tier(full) or quick.score < full.score - 1e-6:
            changed.append(text)
    assert not changed


def test_plain_faq_questions_are_scored_without_the_encoder(assessor):
    questions = [
        line[2:].strip()
        for item in load_yaml(ROOT / "tests" / "data" / "nlu_holdout.yml")["nlu"]
        for line in item["examples"].splitlines()
        if line.startswith("- ")
    ]
    skipped = [q for q in questions if not assessor.classifier.score(q).exact]
    # 84-97 % across retrainings with one encoder (88 % with the multilingual
    # one at weight 0.3), 79 % when the head read two at 0.4 (docs/safety_history.md,
    # "Speed and memory"); the latency itself is make bench-detector's.
    assert len(skipped) >= 0.80 * len(questions)


def test_after_a_signal_the_context_step_reads_the_score_the_first_pass_skipped(assessor, crisis_corpus):
    # The first pass (the Rasa server's NLU) skips the encoder against the soft
    # threshold; after an earlier signal the context step needs the score down
    # to the context threshold. Its verdict must be the one a full scoring gives.
    signal = [assessor.assess("I want to kill myself").as_dict()]
    texts = [e["text"] for part in ("benign", "negated") for e in crisis_corpus[part]]
    texts += [e["text"] for e in load_yaml(ROOT / "data" / "risk" / "everyday.yml")["examples"]][:300]
    assert any(not assessor.classifier.score(t).exact for t in texts)
    differ = []
    for text in texts:
        full = assessor.raised_by(assessor.lexicon(text), assessor.classifier.scores([text])[0])
        if assessor.assess_in_context(text, signal).tier != assessor.assess_in_context(text, signal, full).tier:
            differ.append(text)
    assert not differ


def test_after_warm_up_no_visitor_waits_for_the_encoder_to_load():
    fresh = RiskAssessor.load()
    fresh.warm_up()
    text = "everyone would be fine without me honestly"  # one the encoder must read
    started = time.perf_counter()
    assert fresh.classifier.score(text).exact
    assert time.perf_counter() - started < 0.5  # loading it takes ~1 s; scoring ~10 ms


def test_the_classifier_never_lowers_the_lexicons_verdict(assessor):
    # "I'm not suicidal, just stressed" is the lexicon's resources line; a
    # classifier sure it is nothing must leave it there.
    soft = assessor.lexicon("I'm not suicidal, just stressed")
    assert soft.tier == SOFT
    assert assessor.raised_by(soft, RiskScore(0.0, "suicide")).tier == SOFT
    assert assessor.raised_by(soft, RiskScore(0.99, "suicide")).tier == HARD


def test_the_saved_out_of_fold_scores_are_the_ones_the_thresholds_came_from():
    # make eval-risk reads the whole assessment on the writers' lines from
    # these scores; they must be the training run's own.
    model_dir = ROOT / "build" / "risk_classifier"
    meta = json.loads((model_dir / "model.json").read_text(encoding="utf-8"))
    saved = np.load(model_dir / "out_of_fold.npz")
    assert len(saved["score"]) == meta["training_lines"]
    is_risk = saved["label"] != "none"
    recall = float((saved["score"][is_risk] >= meta["thresholds"]["hard"]).mean())
    assert recall == pytest.approx(meta["out_of_fold_by_writer"]["recall_hard"])


@pytest.mark.parametrize(
    "turns, tier",
    [
        # Moore et al. 2025's disguised request spread over turns: a loss, then a place question.
        (["my wife died in march", "the house is so quiet now", "random question, how high is the old viaduct?"], HARD),
        (["mi esposo murió en marzo", "¿qué tan alto es el puente de la autopista?"], HARD),
        # The same question with no loss before it gets what it gets alone (a
        # viaduct is a bridge: since 2026-12-07 the classifier alone calls its
        # height hard, as docs/safety.md says for bridges) ...
        (["how do I build trust with my therapist", "how high is the old viaduct?"], None),
        # ... and with its ordinary reason said, it gets the resources line.
        (
            ["my grandad died in may", "my daughter's school project is on quarries, how deep is the one off route 9"],
            SOFT,
        ),
    ],
)
def test_a_place_question_a_few_turns_after_a_loss_gets_the_crisis_reply(assessor, turns, tier):
    earlier = [assessor.assess(t).as_dict() for t in turns[:-1]]
    verdict = assessor.assess_in_context(turns[-1], earlier)
    if tier is None:
        alone = assessor.assess(turns[-1])
        assert (verdict.tier, verdict.source) == (alone.tier, alone.source)
    else:
        assert verdict.tier == tier


def test_the_bots_own_questions_get_no_resources_line_from_the_classifier(assessor):
    """Word for word one of the FAQ's own NLU examples ("tell me more"): the
    answer alone, unless the lexicon finds risk in it; a reworded risk
    message is still the classifier's to raise."""
    own = sorted(assessor.own_questions)
    assert "tell me more" in own and len(own) > 1000
    assert assessor.assess("Tell me  more").tier == NONE
    assert all(assessor.assess(text).tier == assessor.lexicon(text).tier for text in own)
    worded_anew = "i keep staring at the pills in my drawer tonight"
    assert assessor.lexicon(worded_anew).tier == NONE
    assert assessor.assess(worded_anew).tier == HARD
