"""One settings object for every option of the pipeline."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Settings"]

# 2 MB of text is far more than any news report (a long feature is ~60 kB);
# beyond it parsing takes minutes, so larger inputs are refused unless asked for.
DEFAULT_MAX_BYTES = 2_000_000
# Seconds for connecting to and reading from a server when fetching a URL.
DEFAULT_TIMEOUT = 20.0
DEFAULT_MAX_REDIRECTS = 5
DEFAULT_USER_AGENT = "storydiff/0.1 (+offline news comparison)"


@dataclass(frozen=True, slots=True)
class Settings:
    """Options for reading inputs and comparing them."""

    max_bytes: int = DEFAULT_MAX_BYTES
    timeout: float = DEFAULT_TIMEOUT
    max_redirects: int = DEFAULT_MAX_REDIRECTS
    user_agent: str = DEFAULT_USER_AGENT
    published: str | None = None  # fallback publication date (ISO) when an input has none
    english_only: bool = True
    progress: bool = False
    scorer: str | None = None  # a pair scorer file written by `storydiff fit-scorer` (default: packaged)
