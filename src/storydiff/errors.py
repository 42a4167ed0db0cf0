"""All exceptions storydiff raises, in one tree.

::

    StorydiffError                 every error storydiff raises on purpose
    ├── InputError                 an input (file, URL, stdin) cannot be used
    │   ├── InputNotFound          the path does not exist
    │   ├── EmptyInput             no text in it
    │   ├── BinaryInput            not text or HTML
    │   ├── InputTooLarge          over the size limit
    │   ├── UnsupportedLanguage    not English (only English is analysed)
    │   └── FetchError             a URL could not be fetched
    ├── NoArticlesError            nothing usable was left to compare
    ├── SettingsError              an option has a bad value (a --published date that is not a date)
    ├── EvalDataError              evaluation data or a scorer is missing or malformed
    ├── StoreError                 the corpus database cannot be opened, read or written
    └── ModelError                 a packaged model is missing or broken

Each carries the input it is about (``input``) and, where it helps, the stage,
so the command-line layer can print one line: ``Error: <input>: <message>``.
Messages say what went wrong and how to fix it.
"""

from __future__ import annotations

__all__ = [
    "BinaryInput",
    "EmptyInput",
    "EvalDataError",
    "FetchError",
    "InputError",
    "InputNotFound",
    "InputTooLarge",
    "ModelError",
    "NoArticlesError",
    "SettingsError",
    "StoreError",
    "StorydiffError",
    "UnsupportedLanguage",
]


class StorydiffError(Exception):
    """Base class: a failure storydiff explains in one line."""

    def __init__(self, message: str, *, input: str | None = None, stage: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.input = input
        self.stage = stage

    def __str__(self) -> str:
        return f"{self.input}: {self.message}" if self.input else self.message


class InputError(StorydiffError):
    """An input cannot be used; batch runs record it as rejected and go on."""


class InputNotFound(InputError):
    """The path given does not exist."""


class EmptyInput(InputError):
    """The input holds no text."""


class BinaryInput(InputError):
    """The input is neither text nor HTML."""


class InputTooLarge(InputError):
    """The input is over the configured size limit."""


class UnsupportedLanguage(InputError):
    """The input is not in English."""

    def __init__(self, message: str, *, language: str, input: str | None = None) -> None:
        super().__init__(message, input=input, stage="language")
        self.language = language


class FetchError(InputError):
    """A URL could not be fetched (unreachable, refused, HTTP error, too large)."""


class NoArticlesError(StorydiffError):
    """No usable article was left to compare."""


class SettingsError(StorydiffError):
    """An option has a value storydiff cannot use; the message says the accepted form."""


class ModelError(StorydiffError):
    """A packaged model could not be loaded."""


class EvalDataError(StorydiffError):
    """Evaluation data or one of its scorers is missing or malformed (``storydiff eval``)."""


class StoreError(StorydiffError):
    """The corpus database cannot be opened, read or written (``input`` names the database)."""
