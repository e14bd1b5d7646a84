"""Rasa's structured logs never carry a visitor's words at INFO and above."""

import logging

import rasa.utils.log_utils
import structlog

from rasa_patches import log_privacy


def test_rasa_error_logs_lose_the_message_text_and_keep_the_event(caplog):
    caplog.set_level(logging.DEBUG)
    log_privacy.install()  # what the launcher does, before Rasa starts
    rasa.utils.log_utils.configure_structlog(logging.DEBUG)  # what Rasa's command line then does
    logger = structlog.get_logger("rasa.core.channels.rest")
    logger.error("rest.message.received.failure", text="my secret worry")
    logger.info("processor.message.parse", parse_data_text="another secret")
    logger.debug("processor.debug", text="debug detail")
    printed = "\n".join(record.getMessage() for record in caplog.records)
    assert "rest.message.received.failure" in printed and "processor.message.parse" in printed
    assert "my secret worry" not in printed and "another secret" not in printed
    assert "debug detail" in printed  # DEBUG, turned on by hand, keeps it


def test_a_logged_exception_keeps_its_traceback_but_not_the_frames_variables(caplog):
    caplog.set_level(logging.DEBUG)
    rasa.utils.log_utils.configure_structlog(logging.DEBUG)  # the other order: Rasa configured first
    log_privacy.install()
    logger = structlog.get_logger("rasa.core.channels.rest")

    def handle(text):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379")

    message = " ".join(["I", "want", "to", "kill", "myself"])  # not written out: tracebacks quote code lines
    try:
        handle(message)  # a local variable of the failing frame
    except ConnectionError:
        logger.exception("rest.message.received.failure", text=message)
    printed = "\n".join(record.getMessage() for record in caplog.records)
    assert "ConnectionError: Error 111" in printed and "in handle" in printed
    assert "kill myself" not in printed
