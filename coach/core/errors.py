"""Expected failures: things a user can meet and understand (a bad file, a full disk).

Anything raised as `KnownError` carries a sentence fit to show as it is. Every other exception
is a bug: logged with its traceback and shown in a crash dialog that names the log file.
"""


class KnownError(Exception):
    """An expected failure with a message a patient or physiotherapist can read."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
