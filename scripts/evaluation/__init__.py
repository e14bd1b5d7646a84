"""The evaluation report (`make eval`, scripts/evaluate.py) in parts, each with one job:

- constants.py: names and paths shared by the parts;
- models.py: training data, Rasa's default model, parsing, cross-validation (cached in build/eval/);
- metrics.py: the figures computed from parse results (no model needed);
- plots.py: the figures drawn as PNGs from the metrics dict;
- report.py: reports/evaluation.md (templates/evaluation.md.j2) and evaluation.json from the metrics dict.
"""
