"""The project's extensions of Rasa, loaded by class path from config.yml and
endpoints.yml: NLU components (term normaliser, intent classifier, risk
detector), the conversation and lock stores and the practice-aware response
generator. Importing this package changes nothing in Rasa: the process-wide
patches live in rasa_patches/ and the launcher installs them.
"""
