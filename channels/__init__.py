"""Input channels (Rasa connectors) configured in credentials.yml."""
