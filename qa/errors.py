"""The one base class of problems a user causes and can fix (a bad path, question, file or option).

Every front door (CLI, HTTP, chat, `ui.py`) catches `UserError` and shows its message — always Chinese, one
line — instead of a traceback; anything else is a bug.
"""


class UserError(Exception):
    """A problem with the user's input or setup; `str(error)` is the Chinese message to show."""
