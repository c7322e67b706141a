"""One `Settings` for the whole service, read from the environment (prefix `TRIAGE_`).

Nothing is created at import time: `get_settings()` builds a Settings and the app
factory, CLI and workers receive it explicitly. Tests build their own `Settings(...)`.
"""

from __future__ import annotations

import secrets
from ipaddress import IPv4Network, IPv6Network
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from triage.core.private_files import read_or_create_secret

PLACEHOLDER_SECRETS = frozenset(
    {"", "changeme", "change-me", "changethis", "secret", "placeholder"}
)


def _default_home() -> Path:
    return Path.home() / ".triage"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="TRIAGE_", extra="ignore", frozen=True, env_ignore_empty=True
    )

    env: Literal["dev", "production"] = "dev"
    home: Path = Field(default_factory=_default_home)
    database_url: str | None = None
    redis_url: str | None = None
    redis_password: SecretStr | None = Field(
        default=None,
        description="Redis password when TRIAGE_REDIS_URL carries none (a password there wins)",
    )
    public_url: str = "http://localhost:8000"
    secret_key: SecretStr | None = Field(
        default=None, description="signs console sessions; generated and kept in TRIAGE_HOME in dev"
    )
    data_key: SecretStr | None = Field(
        default=None,
        description=(
            "Fernet keys (comma-separated, newest first) encrypting contacts and messages "
            "at rest; generated and kept in TRIAGE_HOME in dev"
        ),
    )

    twilio_account_sid: str | None = None
    twilio_auth_token: SecretStr | None = None
    twilio_from: str | None = None
    twilio_api_base: str | None = Field(
        default=None, description="override of https://api.twilio.com (tests, proxies)"
    )

    line_channel_secret: SecretStr | None = None
    line_channel_access_token: SecretStr | None = None
    line_api_base: str | None = Field(
        default=None, description="override of https://api.line.me (tests, proxies)"
    )

    llm_base_url: str | None = None
    llm_model: str | None = None
    openai_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("OPENAI_API_KEY", "TRIAGE_OPENAI_API_KEY")
    )
    llm_timeout_seconds: float = 10.0
    llm_budget_per_minute: int = 1500  # >= 20 calls/s, the per-worker promise, with headroom

    geocoder: str | None = Field(default=None, description="geopy geocoder name, e.g. nominatim")
    home_area: str | None = Field(
        default=None,
        description="municipality served (e.g. 石川県七尾市): the last-resort location hint",
    )

    local_model_path: Path | None = Field(
        default=None,
        description=(
            "the local model file to load instead of the shipped one (e.g. one "
            "`triage model train --with-corrections` wrote)"
        ),
    )

    max_text_length: int = 5000
    rate_limit_per_ip: str = Field(
        # Sized for carrier-grade NAT: hundreds of phones on a Japanese mobile network
        # can share one IPv4 address, and so can an evacuation centre's Wi-Fi.
        default="600/minute;6000/hour",
        description="new web/API messages per client IP (limits syntax, ';'-separated)",
    )
    rate_limit_per_sender: str = Field(
        default="10/minute;60/hour",
        description="new web/API messages per contact or status link",
    )
    trusted_proxies: Annotated[tuple[IPv4Network | IPv6Network, ...], NoDecode] = Field(
        default=(),
        description="reverse proxies whose X-Forwarded-For is believed (CIDRs, comma-separated)",
    )
    intake_max_in_flight: int = Field(
        default=512,
        ge=1,
        description="new web/API messages one API process holds at once; beyond it, 503",
    )
    login_limit_per_account: str = Field(
        default="10/minute;100/hour", description="console sign-in attempts per account name"
    )
    login_limit_per_ip: str = Field(
        default="60/minute;600/hour", description="console sign-in attempts per client address"
    )
    api_token_ttl_days: int = Field(
        default=30, ge=1, description="a bearer token is refused this many days after issue"
    )
    intake_batch_max: int = Field(
        default=64, ge=1, description="new web/API messages stored in one group commit, at most"
    )
    intake_batch_wait_ms: float = Field(
        default=2.0, ge=0, description="how long a group commit waits for more messages"
    )
    outbound_timeout_seconds: float = Field(
        default=10.0, gt=0, description="how long a send waits for Twilio's or LINE's answer"
    )
    reply_sending_timeout_seconds: float = Field(
        default=60.0,
        gt=0,
        description="a reply still 'sending' this long (its worker died) has an unknown outcome",
    )
    sla_p1_claim_seconds: int = Field(
        default=300, gt=0, description="a P1 nobody has claimed this long breaches its SLA"
    )
    sla_p2_claim_seconds: int = Field(
        default=1800, gt=0, description="a P2 nobody has claimed this long breaches its SLA"
    )
    oncall_contacts: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(),
        description=(
            "who is told when an urgent inquiry breaches its SLA: 'sms:+8190…' or "
            "'line:U…', comma-separated (an HQ role's phone, not a person's own)"
        ),
    )
    map_tile_url: str = Field(
        default="https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png",
        description=(
            "the console map's tiles (default: GSI standard map); 'none': no tiles, the "
            "points still show (offline)"
        ),
    )
    display_timezone: str = Field(
        default="Asia/Tokyo",
        description="the time zone every time a citizen or responder reads is shown in",
    )
    claim_lease_seconds: int = Field(
        default=900,
        gt=0,
        description="a claim with no action by its holder this long lapses: back in the queue",
    )
    sweep_after_seconds: float = 30.0
    sweep_interval_seconds: float = 10.0
    job_retry_intervals: tuple[int, ...] = (2, 10, 60)
    worker_metrics_port: int | None = Field(
        default=None,
        ge=1,
        le=65535,
        description="each `triage worker` serves its Prometheus metrics on this port; unset: off",
    )
    log_level: str = "INFO"

    def map_tiles(self) -> str:
        """The tile URL, or "" for none ('none', 'off' or empty: an empty environment
        variable is ignored by these settings, so a word switches tiles off)."""
        value = self.map_tile_url.strip()
        return "" if value.lower() in ("", "none", "off") else value

    def map_tile_origins(self) -> tuple[str, ...]:
        """The tile server's origin, for the console's Content-Security-Policy."""
        from urllib.parse import urlsplit

        parts = urlsplit(self.map_tiles())
        return (f"{parts.scheme}://{parts.netloc}",) if parts.scheme and parts.netloc else ()

    @field_validator("display_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"not a time zone such as Asia/Tokyo: {value!r}") from error
        return value

    @field_validator("oncall_contacts", mode="before")
    @classmethod
    def _split_contacts(cls, value: Any) -> Any:
        """'sms:+819012345678,line:U1234' from the environment; a typo refuses to start."""
        if isinstance(value, str):
            value = tuple(part.strip() for part in value.split(",") if part.strip())
        for contact in value:
            channel, _, address = str(contact).partition(":")
            if channel not in ("sms", "line") or not address:
                raise ValueError(
                    f"an on-call contact is 'sms:NUMBER' or 'line:USER_ID': {contact!r}"
                )
        return value

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, value: Any) -> Any:
        """'10.0.0.0/8,192.0.2.7' from the environment; a typo refuses to start."""
        if not isinstance(value, str):
            return value
        from triage.core.client_address import parse_trusted_proxies

        return parse_trusted_proxies(value)

    @field_validator(
        "rate_limit_per_ip",
        "rate_limit_per_sender",
        "login_limit_per_account",
        "login_limit_per_ip",
    )
    @classmethod
    def _parse_rate_limits(cls, value: str) -> str:
        """Refuse an unreadable limit at start-up rather than on the first message."""
        from limits import parse_many

        try:
            parse_many(value)
        except ValueError as error:
            raise ValueError(f"not a rate limit such as '60/minute;600/hour': {value!r}") from error
        return value

    @field_validator("data_key")
    @classmethod
    def _parse_data_keys(cls, value: SecretStr | None) -> SecretStr | None:
        """Refuse a malformed key at start-up rather than on the first message."""
        if value is not None:
            # Imported only with a key to check: `cryptography` and SQLAlchemy's ORM cost
            # ~0.15 s of every process's start-up (`triage assess` needs neither).
            from triage.core.crypto import parse_data_keys

            parse_data_keys(value.get_secret_value())
        return value

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> Settings:
        if self.env != "production":
            return self
        named = {
            "TRIAGE_SECRET_KEY": self.secret_key,
            "TRIAGE_TWILIO_AUTH_TOKEN": self.twilio_auth_token,
            "TRIAGE_LINE_CHANNEL_SECRET": self.line_channel_secret,
            "TRIAGE_LINE_CHANNEL_ACCESS_TOKEN": self.line_channel_access_token,
        }
        if self.secret_key is None:
            raise ValueError("TRIAGE_SECRET_KEY must be set in production")
        if self.data_key is None:
            # A key generated on one machine would leave the others unable to read.
            raise ValueError("TRIAGE_DATA_KEY must be set in production (triage keys generate)")
        for name, value in named.items():
            if (
                value is not None
                and value.get_secret_value().strip().lower() in PLACEHOLDER_SECRETS
            ):
                raise ValueError(f"{name} is a placeholder; set a real secret in production")
        return self

    # A plain property, not cached: `model_copy(update={"database_url": ...})` copies a
    # cached value along, and the copy would silently keep the old database.
    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.home / 'triage.db'}"

    @property
    def uses_embedded_redis(self) -> bool:
        return not self.redis_url

    @property
    def llm_enabled(self) -> bool:
        return bool(self.llm_base_url and self.llm_model)

    def status_url_for(self, public_token: str) -> str:
        """The citizen's status page of a conversation, at the public URL."""
        return f"{self.public_url.rstrip('/')}/status/{public_token}"

    def session_secret(self) -> str:
        """The console session key: configured, or generated once and kept in TRIAGE_HOME."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value()
        return read_or_create_secret(self.home / "secret_key", lambda: secrets.token_urlsafe(48))

    def data_keys(self) -> list[str]:
        """The data keys, newest first: configured, or generated once and kept in
        TRIAGE_HOME (the file takes the same comma-separated form as TRIAGE_DATA_KEY)."""
        from triage.core.crypto import generate_data_key, parse_data_keys

        if self.data_key is not None:
            return parse_data_keys(self.data_key.get_secret_value())
        return parse_data_keys(read_or_create_secret(self.home / "data_key", generate_data_key))


def get_settings() -> Settings:
    return Settings()
