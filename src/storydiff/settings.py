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
# Seconds one download may take in all, retries included. The timeout above is
# per read: a server sending a byte every few seconds never trips it and keeps
# a batch run waiting for ever. 2 MB (the size limit) at a slow 20 kB/s is 100 s.
DEFAULT_FETCH_DEADLINE = 120.0
# A gzip file (a .jsonl.gz dump, a .warc.gz archive) may unpack to at most this
# many times its size, and always to the size limit: past it, it is taken for
# a decompression bomb (65 kB of newlines unpack to 64 MiB and took 130 s to
# read). News text and HTML compress 3 to 10 times; gzip cannot pass ~1,030.
DEFAULT_MAX_EXPANSION = 100.0
DEFAULT_USER_AGENT = "storydiff/0.1 (+offline news comparison)"


@dataclass(frozen=True, slots=True)
class Settings:
    """Options for reading inputs and comparing them."""

    max_bytes: int = DEFAULT_MAX_BYTES
    timeout: float = DEFAULT_TIMEOUT
    max_redirects: int = DEFAULT_MAX_REDIRECTS
    fetch_deadline: float = DEFAULT_FETCH_DEADLINE  # seconds for one download in all
    max_expansion: float = DEFAULT_MAX_EXPANSION  # how many times its size a gzip file may unpack to
    user_agent: str = DEFAULT_USER_AGENT
    published: str | None = None  # fallback publication date (ISO) when an input has none
    english_only: bool = True
    progress: bool = False
    scorer: str | None = None  # a pair scorer file written by `storydiff fit-scorer` (default: packaged)
