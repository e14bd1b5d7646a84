"""Custom actions (rasa-sdk): FAQ answers, small talk and crisis replies."""
