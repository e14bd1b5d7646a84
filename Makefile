# The two commands that matter:  make run   and   make test
# Everything installs and trains itself on first use.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
SPACY_PIPELINE := build/spacy_en/meta.json
ENCODER := build/encoder/all-MiniLM-L6-v2.dynamic-int8.onnx
RISK_CLASSIFIER := build/risk_classifier/model.json
WIDGET_TEXTS := web/crisis-line.json
ABOUT_PAGE := web/about.html
MODEL := models/faq.tar.gz
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2

.PHONY: install train run shell test test-fast lint format validate eval eval-holdouts eval-faq-blind eval-risk bench-detector bench bench-long soak escalations report unanswered forget-sender forget-older clean

install: $(INSTALLED) $(SPACY_PIPELINE) $(ENCODER) $(RISK_CLASSIFIER) $(WIDGET_TEXTS) $(ABOUT_PAGE)

# The widget's header and offline notice for the practice's region.
$(WIDGET_TEXTS): $(INSTALLED) scripts/build_widget_texts.py content/practice.yml content/crisis_resources.yml
	$(BIN)/python scripts/build_widget_texts.py

# The public "About this assistant" page (what it is, crisis protocol, what is
# kept). scripts/run.sh rebuilds it at every start: its staff alert sentence
# follows STAFF_ALERT_WEBHOOK_URL.
$(ABOUT_PAGE): $(INSTALLED) scripts/build_about_page.py scripts/templates/about.html.j2 content/practice.yml content/crisis_resources.yml content/answers.yml content/article.txt practice/crisis_resources.py
	$(BIN)/python scripts/build_about_page.py

# Python 3.10 comes from .python-version (pyenv). Top-level requirements are
# installed under the full resolved lock, so every machine gets the same set.
$(INSTALLED): requirements.in requirements.lock
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 10), "Rasa 3.6 needs Python 3.10, got " + sys.version' 
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.in -c requirements.lock
	touch $@

$(SPACY_PIPELINE): $(INSTALLED) scripts/build_spacy_pipeline.py
	$(BIN)/python scripts/build_spacy_pipeline.py

# The sentence encoder, made to compute in int8 (scripts/build_encoder.py, a few seconds).
$(ENCODER): $(INSTALLED) scripts/build_encoder.py safety/encoder.py
	$(BIN)/python scripts/build_encoder.py

# The learned risk classifier (safety/risk_classifier.py), from the independent
# writers' lines in data/risk/ and the spent blind sets (its time on 2 cores: README, Notes).
$(RISK_CLASSIFIER): $(INSTALLED) scripts/train_risk_classifier.py safety/encoder.py safety/multilingual_encoder.py safety/ngram_features.py safety/linear_head.py safety/risk_classifier.py $(wildcard data/risk/*.yml data/risk/conversations/*.yml data/risk/spent_blind/*.yml data/nlu/*.yml data/nlu/visitors/*.yml)
	$(BIN)/python scripts/train_risk_classifier.py

train: $(MODEL)

$(MODEL): $(INSTALLED) $(SPACY_PIPELINE) $(ENCODER) $(RISK_CLASSIFIER) config.yml domain.yml $(wildcard data/*.yml data/nlu/*.yml data/nlu/visitors/*.yml components/*.py)
	$(BIN)/python scripts/rasa_server.py train --fixed-model-name faq --out models

# Starts the action server and the Rasa server (REST + socket.io); Ctrl-C stops both.
run: train $(WIDGET_TEXTS) $(ABOUT_PAGE)
	scripts/run.sh

# Talk to the bot in the terminal, with the action server running.
shell: train
	scripts/run.sh shell

test: install
	scripts/test.sh

# The quick loop (under a minute): content, detector, actions and NLU components
# in-process; leaves out what trains a model or starts servers (`slow` tests).
test-fast: install
	scripts/test.sh -m "not slow"

# Lint and format check (ruff.toml); `make format` fixes what it can.
lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(INSTALLED)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

validate: install
	$(BIN)/rasa data validate --fail-on-warnings

# Evaluation report in reports/: the project's pipeline next to Rasa's default one
# (hold-out intents, cross-validation, crisis corpus, out of scope). The default
# pipeline's cross-validation is slow (DIET): DEFAULT_CV_FOLDS=5 runs it.
DEFAULT_CV_FOLDS ?= 0
eval: train
	$(BIN)/python scripts/evaluate.py --default-cv-folds $(DEFAULT_CV_FOLDS)
	$(BIN)/python scripts/evaluate_risk.py

# The team's NLU hold-outs on the trained model (~1 min): per file, the five
# FAQ questions, the practice's questions, out of scope. --misses lists the
# FAQ lines that got another intent, the practice questions that got neither
# their answer nor the contact, and the out-of-scope lines that got an answer:
# make eval-holdouts ARGS=--misses
eval-holdouts: train
	$(BIN)/python scripts/evaluate_holdouts.py $(MODEL) $(ARGS)

# A blind FAQ set (tests/data/blind/<BLIND>.yml), scored once at the end of a
# change: the project's model against Rasa's default pipeline on the same data
# (reports/faq_blind_<BLIND>.md; ~45 min the first time, DIET's training;
# DEFAULT_MODEL=build/bench/default.tar.gz reuses make bench's).
eval-faq-blind: train
	$(BIN)/python scripts/evaluate_faq_blind.py --blind $(BLIND) $(if $(DEFAULT_MODEL),--default-model $(DEFAULT_MODEL))

# Risk detection alone (reports/risk_evaluation.md): the lexicon, the learned
# classifier and both, on the team's corpus, on published prompts and on the
# writers' lines with the training's out-of-fold scores (a few minutes).
# BLIND=1 scores the blind sets instead: once, at the end of a change;
# BLIND=risk_blind_6 scores only that one.
eval-risk: install
	$(BIN)/python scripts/evaluate_risk.py $(if $(BLIND),--blind $(filter-out 1,$(BLIND)))

# Risk assessment speed, stage by stage: median and p99 per message, one thread.
bench-detector: install
	$(BIN)/python scripts/bench_detector.py

# Project pipeline vs Rasa's default: training, start-up, memory, latency,
# throughput, served three rounds in turn (medians: this machine's speed drifts),
# then the long conversation of bench-long (~55 min, most of it DIET's
# training; reports/bench.md and reports/bench_long.md).
bench: train
	$(BIN)/python scripts/bench.py --rounds 3
	$(BIN)/python scripts/bench_long.py --model $(MODEL) --repeat 3

# One visitor, 200 messages in one conversation, on the project's server and on
# stock Rasa (same model), three times: is the 200th message as quick as the first? (~5 min)
bench-long: train
	$(BIN)/python scripts/bench_long.py --model $(MODEL) --repeat 3

# 32 visitors for 2 minutes with growing conversations, then 2 minutes with fresh
# 10-message ones, on loopback: throughput of each, errors, memory growth.
soak: train
	$(BIN)/python scripts/soak.py

# Crisis referral counts by category, tier and kind (no message text, no sender).
escalations: install
	$(BIN)/python -m practice.referrals

# The text of questions the bot could not answer, when content/practice.yml
# keeps them (keep_unanswered_days; off by default).
unanswered: install
	$(BIN)/python -m practice.unanswered

# The practice's report: one HTML page of counts (var/report/practice-report.html):
# conversations, topics, what went unanswered, contact requests, crisis referrals
# per year. No message text, no sender. SINCE=/UNTIL=YYYY-MM-DD (UTC, included),
# ENDPOINTS=FILE for another conversation store, REFERRALS=FILE for another
# referral counts file, OUTPUT=FILE for another page (docs/operations.md).
report: install
	$(BIN)/python scripts/report.py $(if $(SINCE),--since "$(SINCE)") $(if $(UNTIL),--until "$(UNTIL)") \
		$(if $(ENDPOINTS),--endpoints "$(ENDPOINTS)") $(if $(REFERRALS),--referrals "$(REFERRALS)") \
		$(if $(OUTPUT),--output "$(OUTPUT)")

# Privacy: delete one visitor's conversation, or every conversation older than DAYS.
forget-sender: install
	$(BIN)/python scripts/retention.py --sender "$(SENDER)"

forget-older: install
	$(BIN)/python scripts/retention.py --older-than-days "$(DAYS)"

clean:
	rm -rf models build .rasa results tests/artifacts
