"""The practice's configuration and content, shared by both servers: the
practice's details (content/practice.yml, checked), the answers and the crisis
resources (content/*.yml), and the crisis texts composed from them.

Free of Rasa and rasa-sdk: the Rasa server (components/, channels/), the action
server (actions/) and the scripts all read the content through this package.
"""
