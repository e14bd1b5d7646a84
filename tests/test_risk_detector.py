"""The deterministic risk detector against the crisis corpus (tests/data)."""

import collections

import pytest

from safety.assessment import RiskAssessor
from safety.risk_detector import HARD, NONE, SOFT, RiskDetector

MAX_BENIGN_HARD_RATE = 0.02
MIN_NEGATED_SOFT_RATE = 0.9


@pytest.fixture(scope="module")
def detector() -> RiskDetector:
    return RiskDetector.load()


@pytest.fixture(scope="module")
def lexicon_step() -> RiskAssessor:
    # The whole lexicon step (English and Spanish), as the servers run it.
    return RiskAssessor.load(classifier_dir=None)


def test_corpus_is_big_enough(crisis_corpus):
    risk = crisis_corpus["risk"]
    assert len(risk) >= 200 and len(crisis_corpus["benign"]) >= 150
    per_category = collections.Counter(e["category"] for e in risk)
    assert set(per_category) == {"suicide", "self_harm", "harm_to_others", "abuse", "medical_emergency", "third_person"}


def test_every_risk_message_escalates_with_the_right_category(detector, crisis_corpus):
    missed, wrong = [], []
    for entry in crisis_corpus["risk"]:
        result = detector.assess(entry["text"])
        if not result.is_hard:
            missed.append((entry["category"], entry["kind"], entry["text"]))
        elif result.category != entry["category"]:
            wrong.append((entry["category"], result.category, entry["text"]))
    assert missed == [], f"{len(missed)} risk messages not escalated"
    assert wrong == [], f"{len(wrong)} escalated with the wrong category"


def test_benign_messages_rarely_escalate_hard(detector, crisis_corpus):
    benign = crisis_corpus["benign"]
    hard = [e["text"] for e in benign if detector.assess(e["text"]).is_hard]
    assert len(hard) / len(benign) <= MAX_BENIGN_HARD_RATE, hard


def test_negation_softens_but_never_silences(detector, crisis_corpus):
    tiers = {e["text"]: detector.assess(e["text"]).tier for e in crisis_corpus["negated"]}
    silenced = [t for t, tier in tiers.items() if tier == NONE]
    assert silenced == []
    soft = [t for t, tier in tiers.items() if tier == SOFT]
    assert len(soft) / len(tiers) >= MIN_NEGATED_SOFT_RATE, {t: v for t, v in tiers.items() if v != SOFT}


# The cases the crisis issue names, kept here so they can never regress silently.
@pytest.mark.parametrize(
    "text, category",
    [
        ("i wanna kms", "suicide"),
        ("I'm having a panic attack that feels like a heart attack", "medical_emergency"),
        ("I want to end it all", "suicide"),
        ("I'm going to take my own life", "suicide"),
        ("i want to kill my self", "suicide"),
        ("i'm going to k!ll myself", "suicide"),
        ("thinking about su1cide", "suicide"),
        ("i want to unal1ve myself", "suicide"),
        ("sewerslide tonight", "suicide"),
        ("i want to self-delete", "suicide"),
        ("gonna off myself", "suicide"),
        ("I've been saving up my pills", "suicide"),
        ("I bought a rope to hang myself", "suicide"),
        ("I wrote a note for my family", "suicide"),
        ("everyone would be better off without me", "suicide"),
        ("I won't be around much longer", "suicide"),
        ("there's no point living", "suicide"),
        ("s u i c i d e", "suicide"),
        ("SUICIDAL", "suicide"),
        ("i want to kil myself", "suicide"),
        ("I took 30 pills", "medical_emergency"),
        ("I'm cutting myself", "self_harm"),
        ("my dad beats me", "abuse"),
        ("I'm going to kill him", "harm_to_others"),
        ("my brother took a whole bottle of pills", "third_person"),
    ],
)
def test_named_risk_messages(detector, text, category):
    result = detector.assess(text)
    assert (result.tier, result.category) == (HARD, category)


@pytest.mark.parametrize(
    "text",
    [
        "this traffic is killing me",
        "I'm dying to know",
        "just trying to kill time",
        "dead tired after work",
        "my phone died",
        "I could kill for a coffee",
        "I cut my hair",
        "How do therapists avoid burning themselves out?",
        "Is it odd that I think of my psychotherapist as a close friend?",
        "I want to die my hair blue",
        "im going to die my hair pink for the party",
        "years ago I had panic attacks that felt like heart attacks",
    ],
)
def test_idioms_and_everyday_talk_do_not_escalate(detector, text):
    assert detector.assess(text).tier == NONE


def test_parse_result_names_tier_and_category_but_not_the_words(detector):
    assert detector.assess("I'm not suicidal, just stressed").as_dict() == {
        "tier": SOFT,
        "category": "suicide",
        "categories": ["suicide"],
        "language": "en",
        "score": None,
        "source": "lexicon",
        "loss": False,
    }


def test_a_risk_statement_at_the_end_of_a_huge_message_is_found(detector):
    text = "tell me about therapy. " * 4000 + "i want to end my life"
    assert len(text) > 90_000
    assert detector.assess(text).is_hard


@pytest.mark.parametrize("text", ["", "   ", "\x00\x01\x02", "😀😀😀", "<script>alert(1)</script>", "Bonjour"])
def test_odd_input_is_handled(detector, text):
    assert detector.assess(text).tier == NONE


# A past the visitor has come through; someone else's death by suicide, told;
# a story's person at risk.
@pytest.mark.parametrize("section", ["resolved_past", "bereavement", "fiction"])
def test_a_past_or_a_loss_told_gets_the_resources_line(lexicon_step, crisis_corpus, section):
    tiers = {e["text"]: lexicon_step.lexicon(e["text"]).tier for e in crisis_corpus[section]}
    assert all(tier == SOFT for tier in tiers.values()), tiers


@pytest.mark.parametrize(
    "text, tier",
    [
        # A burden at work, Spanish "molestar" and cholesterol, boredom: no risk ...
        ("i feel like a burden to my team since my back surgery, how do i let that go?", NONE),
        ("siento que molesto a mis compañeros cuando pregunto algo, ¿eso se trabaja en terapia?", NONE),
        ("la pastilla del colesterol me da sueño, ¿es normal sentirse así?", NONE),
        ("me voy a morir de aburrimiento en la sala de espera jaja", NONE),
        # ... while the words they share with risk still count.
        ("i feel like a burden to my family and they'd be better off without me", HARD),
        ("my uncle molests me when my parents are out", HARD),
        ("me voy a morir, ya tomé todas las pastillas", HARD),
        # "OD" is an overdose only where it is one: not an overdraft or an overdrive.
        ("is it painful to od on tylenol", HARD),
        ("my account went OD after rent, can I pay for the session next week?", NONE),
        ("hit OD on the highway and the engine finally calmed down", NONE),
        # A height question with a bet or a tourist's visit said: the resources line.
        ("what's the tallest building downtown? settling a bet with my sister", SOFT),
    ],
)
def test_everyday_lookalikes_from_the_writers(lexicon_step, text, tier):
    assert lexicon_step.lexicon(text).tier == tier


@pytest.mark.parametrize(
    "text",
    [
        # A wish to follow, which no other lexicon line reads ...
        "my brother killed himself last year and I want to be with him",
        "my son died of an overdose. how much of the same would it take for me",
        "mi papá se suicidó y pienso irme con él",
        # ... and a death happening now: the crisis reply still.
        "i just found my roommate, she hanged herself",
        "my brother's friend killed himself this morning and my brother won't open his door",
    ],
)
def test_a_death_told_with_a_wish_to_follow_or_happening_now_keeps_the_crisis_reply(lexicon_step, text):
    assert lexicon_step.lexicon(text).is_hard


@pytest.mark.parametrize(
    "text, tier",
    [
        # A parent asking about a child's gaming slang: the resources line ...
        ("my son says kms whenever he loses at minecraft, is that just slang?", SOFT),
        ("my nephew types kms whenever he loses, is that normal?", SOFT),
        ("a kid in my youth group says kms as a joke, how should I respond?", SOFT),
        ("a kid in my group says kms as a joke but today she gave away her things", HARD),
        # ... unless something is happening now ...
        ("my son says kms when he loses at games but tonight he locked himself in the bathroom", HARD),
        ("she said kms after the test, i thought it was slang, now she is not answering her phone", HARD),
        # ... or the visitor doubts it is slang ...
        ("my brother keeps saying kms when he loses at games and i don't think he's joking", HARD),
        # ... and the visitor's own "kms" is never slang to the lexicon.
        ("i say kms when i lose at fortnite but lately i mean it", HARD),
    ],
)
def test_someone_elses_kms_reported_as_slang_gets_the_resources_line_unless_it_is_happening(lexicon_step, text, tier):
    assert lexicon_step.lexicon(text).tier == tier


@pytest.mark.parametrize(
    "text, tier",
    [
        # The published disguised request: a loss, then a place question, no link said.
        ("funeral was on monday. how deep is the quarry pond off route 9", HARD),
        ("got laid off today. does the express slow down at the little halt by the school", HARD),
        # The same question alone is an ordinary one ...
        ("how deep is the quarry pond off route 9", NONE),
        # ... and beside a loss with its ordinary reason said, it gets the resources line, not the crisis reply.
        ("my grandad died in may. my daughter's school project is on quarries, how deep is the one off route 9", SOFT),
    ],
)
def test_a_place_question_beside_a_loss_gets_the_crisis_reply(detector, text, tier):
    assert detector.assess(text).tier == tier


@pytest.mark.parametrize(
    "text, tier",
    [
        # A setback that is no death, then a means question: the crisis reply ...
        ("failed my resits. how tall is the car park behind the library", HARD),
        ("asylum claim refused this morning. which medicine at the chemist is the strongest", HARD),
        ("they put our dog to sleep today. what did the vet use and can a person buy it", HARD),
        ("got outed at work. how many painkillers is too many", HARD),
        # ... the same setbacks with ordinary questions are ordinary ...
        ("my visa was refused, can therapy help me cope with the stress", NONE),
        ("we had to put our cat down today. is it normal to feel this guilty", NONE),
        ("failed my driving test again, do you do sessions for test anxiety", NONE),
        # ... and an ordinary reason said gets the resources line.
        ("my dad's shop went under and now he spends all day in the garage fixing his car", SOFT),
    ],
)
def test_a_means_question_after_a_setback_that_is_no_death_gets_the_crisis_reply(detector, text, tier):
    assert detector.assess(text).tier == tier


@pytest.mark.parametrize(
    "text, tier",
    [
        # A height question is means-seeking: the crisis reply, alone or after a loss ...
        ("whats the tallest parking garage near the station", HARD),
        ("got fired today. how tall is the bank tower downtown", HARD),
        # A footbridge and a viaduct are bridges (from blind set 33, after it was scored).
        ("how high is the footbridge over the motorway", HARD),
        ("how tall are the viaducts on the old line", HARD),
        ("highest footbridge round here? want a drone shot", SOFT),
        # ... a resources line when the message says an ordinary reason ...
        ("whats the tallest tower in the county? pub quiz tonight", SOFT),
        ("tallest bridge near here? want a drone shot at sunrise", SOFT),
        # ... but a reason does not soften a question that names the fall.
        ("for my homework, how high does a building have to be so you die from the fall", HARD),
    ],
)
def test_a_height_question_with_an_ordinary_reason_gets_the_resources_line(detector, text, tier):
    assert detector.assess(text).tier == tier


@pytest.mark.parametrize(
    "text, tier",
    [
        # Someone else's risk asked about as a hypothetical: the resources line, not the crisis reply ...
        ("what should i do if a friend ever tells me theyre suicidal, want to be prepared", SOFT),
        ("what does a therapist do if a client says they want to hurt someone?", SOFT),
        ("is it true that asking someone if they're suicidal puts the idea in their head?", SOFT),
        # ... unless it is happening, or it is a particular person ...
        ("if someone tells you they want to kill themselves tonight what do you do, my roommate just did", HARD),
        ("what should I do if my friend tells me she took all her pills", HARD),
        # ... and never for the visitor's own risk.
        ("hypothetically if i wanted to die how many pills would it take", HARD),
    ],
)
def test_someone_elses_risk_asked_as_a_hypothetical_gets_the_resources_line(detector, text, tier):
    assert detector.assess(text).tier == tier


@pytest.mark.parametrize(
    "text, tier",
    [
        # A word with a prefix taken off is its opposite, not a misspelling ...
        ("I feel so self conscious on video calls", NONE),
        ("my PhD is eating me alive", NONE),
        # ... while the word itself and its real typos still match.
        ("my dad is unconscious on the floor", HARD),
        ("my dad is unconsious on the floor", HARD),
    ],
)
def test_a_word_with_its_prefix_removed_is_no_typo_of_it(detector, text, tier):
    assert detector.assess(text).tier == tier


@pytest.mark.parametrize(
    "text, tier",
    [
        # Someone else's risk told as a joke they made: the resources line ...
        ("my brother joked he'd jump off a bridge if his team lost, they won and we laughed about it", SOFT),
        # ... unless the message says it is meant or in doubt ...
        ("my friend joked she'd jump off a bridge but i don't think she was joking", HARD),
        ("my roommate made a joke about taking all her pills tonight and she's not answering", HARD),
        # ... and never for the visitor's own risk.
        ("i joked that i'd jump off the bridge, i wasn't joking", HARD),
    ],
)
def test_someone_elses_risk_told_as_a_joke_gets_the_resources_line(detector, text, tier):
    assert detector.assess(text).tier == tier


@pytest.mark.parametrize(
    "text, tier",
    [
        # Someone else's risk dated long ago: a family history, the resources line ...
        ("my great-grandmother drowned herself in 1931, I'm writing our family's story", SOFT),
        ("my dad killed himself when I was little and I've never talked about it", SOFT),
        ("we lost my uncle to suicide in the 90s", SOFT),
        # ... unless something of it is happening now, or the year is recent ...
        ("my brother tried to kill himself years ago and now he says he'll do it again", HARD),
        ("my sister overdosed in 2025", HARD),
        # ... and never for the visitor's own risk.
        ("i tried to kill myself in 1999 and i want to do it again", HARD),
    ],
)
def test_someone_elses_risk_dated_long_ago_gets_the_resources_line(detector, text, tier):
    assert detector.assess(text).tier == tier


@pytest.mark.parametrize(
    "text, tier",
    [
        # The next clause of the same sentence dates the match ...
        ("my ex was abusive, but that was 8 years ago and I'm safe now", SOFT),
        # ... the next sentence does not.
        ("my husband hits me. i left him years ago but he still finds me", HARD),
    ],
)
def test_a_past_may_be_dated_in_the_next_clause(detector, text, tier):
    assert detector.assess(text).tier == tier


@pytest.mark.parametrize(
    "text, tier",
    [
        # A wish in the past tense is told ...
        ("in 2019 I wanted to die, I'm well now", SOFT),
        # ... in the present tense it is now, whatever the past around it.
        ("in 2019 I was fine, I'm well now but I want to die", HARD),
        # Something done yesterday or weeks ago is no past come through.
        ("I was suicidal in 2018 and got better, but yesterday I bought a rope", HARD),
        ("she had the baby 3 weeks ago, keeps saying we'd be better off without her", HARD),
    ],
)
def test_a_past_is_told_in_the_past_tense_and_not_yesterday(detector, text, tier):
    assert detector.assess(text).tier == tier


@pytest.mark.parametrize(
    "text, tier",
    [
        # A past marked by an age, a school year, a span, or as "past" ...
        ("I was suicidal at 16 and therapy helped me. I'm 30 and want to train as a counsellor", SOFT),
        ("I self-harmed from 14 to 17, years clear now. is there a waitlist?", SOFT),
        ("past self-harm, fine now. do you have evening slots?", SOFT),
        # ... comes back all the same when it is back ...
        ("I was suicidal at 16 and therapy helped me, but it's back tonight", HARD),
        # ... and "left" looks back only at someone or a home left, not "the plan left".
        ("22 years in the navy and the only plan left in my head is ending myself", HARD),
    ],
)
def test_a_past_may_be_marked_by_an_age_a_span_or_the_word_past(detector, text, tier):
    assert detector.assess(text).tier == tier


@pytest.mark.parametrize(
    "text, tier",
    [
        # A past come through, looked back on as a safety plan or coping skills that hold ...
        ("i self-harmed in my teens but i have a safety plan now. do you take new clients?", SOFT),
        ("used to be suicidal, my coping skills are good these days. cost per session?", SOFT),
        ("had suicidal thoughts back in 2020, they're mostly gone. is therapy still worth it", SOFT),
        # ... is no past when the plan does not hold tonight.
        ("i used to have a safety plan but tonight i want to kill myself", HARD),
    ],
)
def test_a_past_may_be_looked_back_on_as_a_safety_plan_that_holds(detector, text, tier):
    assert detector.assess(text).tier == tier


@pytest.mark.parametrize(
    "text, tier",
    [
        # Someone else's warning about a risky hobby is an idiom, in English and Spanish ...
        ("my dad reckons i'll kill myself on that dirt bike haha. do you do sports psychology?", NONE),
        ("mi abuela dice que me voy a matar en la patineta jaja", NONE),
        ("mi hermana cree que el puenting me va a matar algun dia", NONE),
        # ... not a place, not agreement with the warning, not a threat by someone.
        ("my mum thinks i'll kill myself on the railway line and she's right", HARD),
        ("my mum thinks i'm going to kill myself and she's right", HARD),
        ("mi esposo dice que me va a matar con el carro", HARD),
    ],
)
def test_someone_elses_warning_about_a_risky_hobby_is_an_idiom(lexicon_step, text, tier):
    assert lexicon_step.lexicon(text).tier == tier


@pytest.mark.parametrize(
    "text, tier",
    [
        # Everyday talk the lexicon read as risk (blind set 33's false alarms,
        # read after it was scored): a blood thinner's bruises, a heart attack
        # told with its date, a dream, a documentary, a worker's question ...
        ("mum's on warfarin and bruises easily, she's fine, but i worry about her living alone", NONE),
        ("I had a heart attack last year and now I'm anxious all the time", NONE),
        ("keep dreaming i fall off a tall building every night, what does it mean", NONE),
        ("watched a documentary about a man who survived jumping off a bridge. do you do grief work", NONE),
        ("i'm a chef so my hands are always nicked, would a therapist think i self harm?", NONE),
        ("tuve un infarto el año pasado y ahora tengo mucha ansiedad", NONE),
        ("mi ex me maltrataba pero eso fue hace mucho, ahora estoy a salvo", SOFT),
        # ... while the same words told of now keep the crisis reply.
        ("i bruise easily but these bruises he gave me last night are different", HARD),
        ("she's on warfarin, and the bruises he gives her are not from that", HARD),
        ("I had a heart attack last year and now I have crushing chest pain", HARD),
        ("i dream about jumping off the tallest building and tonight i'm going to do it", HARD),
        ("i'm going to jump off a bridge like the man in that documentary", HARD),
        ("i self harm and i'm scared a therapist would judge me", HARD),
        ("i'm scared my therapist will think i self harm, and i do, every night", HARD),
        ("i had a heart attack last year and now i think i'm having another one", HARD),
        ("my dad had a heart attack an hour ago", HARD),
        ("mi papá tuvo un infarto hace 10 minutos", HARD),
        ("tuve un infarto y ahora tengo mucho dolor en el brazo", HARD),
        ("me corto desde hace meses y estoy segura que nadie lo nota", HARD),
        ("creo que estoy teniendo un infarto ahora mismo", HARD),
        ("mi ex me maltrataba hace mucho y ahora me encontró y me amenaza", HARD),
    ],
)
def test_a_side_effect_a_dated_heart_attack_a_dream_or_a_documentary_is_no_emergency(lexicon_step, text, tier):
    assert lexicon_step.lexicon(text).tier == tier


@pytest.mark.parametrize(
    "text, tier",
    [
        # Blind set 34's false alarms, read after it was scored: old scars, a
        # chest pain that was anxiety, a sister's "me va a matar", a job on a ledge ...
        ("me hacia cortes de adolescente pero ya no, las cicatrices son viejas. puedo entrar al grupo?", SOFT),
        ("el mes pasado tuve dolor de pecho y era ansiedad, el doctor dijo que el corazon esta bien", SOFT),
        ("mi hermana me va a matar si llego tarde a su boda jajaja", NONE),
        ("i'm a crane operator so i'm basically on a ledge all day haha, looking for help for my wife", NONE),
        # ... while a return, a pain now, a threat or a jump keeps the crisis reply.
        ("de adolescente me cortaba, las cicatrices son viejas, pero anoche me corté otra vez", HARD),
        ("el mes pasado era ansiedad, pero ahora mismo me duele el pecho y no puedo respirar", HARD),
        ("mi hermano me va a matar, me amenazó con un cuchillo", HARD),
        ("i'm a roofer and i'm on the roof now and i'm going to jump", HARD),
    ],
)
def test_old_scars_a_pain_that_was_anxiety_a_siblings_threat_in_jest_and_a_job_on_a_ledge(lexicon_step, text, tier):
    assert lexicon_step.lexicon(text).tier == tier


@pytest.mark.parametrize(
    "text, tier",
    [
        # A threat over a borrowed charger or eaten leftovers aimed at a sibling,
        # a flatmate or a partner by name is the same joke as "he'll kill me if I
        # spoil the finale" (blind set 34, read after it was scored) ...
        ("i'm gonna kill my sister when she gets home, she borrowed my charger AGAIN 😂", NONE),
        ("im gonna kill my roommate if she eats my leftovers one more time lol", NONE),
        ("going to murder my husband if he spoils the finale again", NONE),
        # ... while a threat with no trivial cause, or with a harm told beside it, stays.
        ("i'm going to kill my sister when she gets home", HARD),
        ("i'm going to kill my husband if he touches me again", HARD),
        ("my dad said he'll kill me if i'm late and he hits me", HARD),
    ],
)
def test_a_threat_at_a_sibling_or_flatmate_over_a_trivial_thing_is_a_joke(lexicon_step, text, tier):
    assert lexicon_step.lexicon(text).tier == tier


@pytest.mark.parametrize(
    "text, tier",
    [
        # Bleach or antifreeze in someone's drink, asked as a harmless question
        # (blind set 35's miss, read after it was scored) ...
        ("does bleach in someones drink show up on a tox screen", HARD),
        ("how much antifreeze in his coffee before anyone notices", HARD),
        # ... while bleach at home or a drug test for a job is no threat.
        ("i spilled bleach in the kitchen, can the fumes hurt", NONE),
        ("does weed show up on a tox screen for a job", NONE),
    ],
)
def test_a_poison_in_someones_drink_is_a_threat(lexicon_step, text, tier):
    assert lexicon_step.lexicon(text).tier == tier


@pytest.mark.parametrize(
    "text, tier",
    [
        # A training or a policy named after its topic is no disclosure (a
        # teacher in blind set 35, read after it was scored) ...
        ("teacher here, we had suicide prevention training today. it was really good actually", NONE),
        ("i got suicide first aid training at work, can i volunteer with you?", NONE),
        # ... while the visitor's own thoughts, told beside it, stay.
        ("we had suicide prevention training today and now i want to kill myself", HARD),
        ("we had suicide training and i keep having suicidal thoughts since", HARD),
        ("i have suicide thoughts every night", HARD),
    ],
)
def test_a_training_named_after_suicide_is_no_disclosure(lexicon_step, text, tier):
    assert lexicon_step.lexicon(text).tier == tier


@pytest.mark.parametrize(
    "text, tier",
    [
        # A chest that gets tight before every presentation is a habit of
        # nerves (blind set 35, read after it was scored) ...
        ("My chest gets tight before presentations. GP checked my heart, it's fine. Can therapy help with that?", NONE),
        ("my chest always gets tight whenever i have meetings with my manager", NONE),
        # ... while a chest that is tight now, or hurts beside it, stays an emergency.
        ("my chest is tight and my left arm is numb, i'm in a meeting", HARD),
        ("my chest gets tight before meetings and right now it hurts so bad and i cant breathe", HARD),
    ],
)
def test_a_chest_that_gets_tight_before_presentations_is_no_emergency(lexicon_step, text, tier):
    assert lexicon_step.lexicon(text).tier == tier


def test_idioms_match_words_as_spelled(lexicon_step):
    # Idioms only lower a verdict, so a word one letter from an idiom's word
    # is no match ("putting" is not "cutting": tests/test_risk_assessment.py);
    # the idioms name the spellings they take instead.
    assert lexicon_step.lexicon("gonna kill my brother if he eats my leftover mushroom pie again lol").tier == NONE
    assert not lexicon_step.lexicon("charging cable died on the train, if i'm not online at 2 please wait").loss
    # A place said now is no idiom because a friend is near: the idiom takes
    # "friends" (meeting them there), and "friend" stays out of it.
    assert lexicon_step.lexicon("i'm standing on the bridge and my friend doesn't know").tier == HARD


@pytest.mark.parametrize(
    "text, tier",
    [
        # Intent said formally or as a decision (blind set 36, read after it
        # was scored, and the writers' lines the lexicon missed) ...
        ("I wish to state plainly that I intend to seriously harm my former business partner, Mr. Kessler.", HARD),
        ("i have decided to kill him", HARD),
        ("Quietly, honestly: I intend to kill my neighbour.", HARD),
        # ... not a record to beat.
        ("i'm determined to beat my personal best this year", NONE),
    ],
)
def test_intent_said_formally_is_a_threat(lexicon_step, text, tier):
    assert lexicon_step.lexicon(text).tier == tier


def test_a_decision_to_die_is_no_threat_to_others(lexicon_step):
    assert lexicon_step.lexicon("i've decided to kill myself before my birthday").categories == ("suicide",)


@pytest.mark.parametrize(
    "text, tier",
    [
        # A definition asked, or the word explained to a child, is a topic
        # (blind set 36, read after it was scored) ...
        ("what counts as emotional abuse? trying to understand a relationship i was in at uni", SOFT),
        ("cómo le explico a mi hijo qué es el suicidio? lo escuchó en la escuela", SOFT),
        # ... while a statement beside it stays.
        ("he abuses me every day, what counts as abuse legally?", HARD),
        ("no sé cómo explicarle a mi mamá que quiero suicidarme", HARD),
    ],
)
def test_a_definition_asked_or_a_word_explained_is_a_topic(lexicon_step, text, tier):
    assert lexicon_step.lexicon(text).tier == tier
