"""Settings every service shares, read from environment variables with the service's own prefix.

`LEASING_MONGODB_URL` configures leasing alone; the unprefixed `MONGODB_URL` and
`KAFKA_BOOTSTRAP_SERVERS` are fallbacks so one shell can point every service at the same servers."""

from typing import Any, ClassVar

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, EnvSettingsSource, PydanticBaseSettingsSource, SettingsConfigDict

DEV_JWT_SECRET = "parkops-dev-secret-change-me-in-production"
SHARED_FIELDS = frozenset(
    {
        "kafka_bootstrap_servers",
        "mongodb_url",
        "topic_prefix",
        "jwt_secret",
        "jwt_issuer",
        "jwt_audience",
        "jwt_jwks_url",
        "jwt_jwks_file",
        "dev_mode",
        "otlp_endpoint",
    }
)


class InsecureSettings(RuntimeError):
    """Settings a service must not start with."""


class _UnprefixedSharedEnv(EnvSettingsSource):
    """Reads the shared infrastructure fields from unprefixed variables, below the prefixed ones."""

    def __init__(self, settings_cls: type[BaseSettings]) -> None:
        super().__init__(settings_cls, env_prefix="")

    def __call__(self) -> dict[str, Any]:
        return {k: v for k, v in super().__call__().items() if k in SHARED_FIELDS}


class ServiceSettings(BaseSettings):
    """Subclass per service with `SERVICE_NAME` and `model_config = settings_for("LEASING_")`."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, env_settings, _UnprefixedSharedEnv(settings_cls), file_secret_settings

    SERVICE_NAME: ClassVar[str]

    kafka_bootstrap_servers: str = "127.0.0.1:19092"
    mongodb_url: str = "mongodb://127.0.0.1:37017/"
    mongodb_database: str = ""
    topic_prefix: str = "parkops"
    jwt_secret: SecretStr = Field(
        default=SecretStr(DEV_JWT_SECRET),
        description="HS256 secret of development tokens; empty = HS256 off (identity-provider tokens only).",
    )
    jwt_issuer: str = Field(default="parkops", description="The `iss` every token must carry.")
    jwt_audience: str | None = Field(default=None, description="The `aud` every token must carry, if set.")
    jwt_jwks_url: str | None = Field(
        default=None, description="The identity provider's JWKS URL: RS256/ES256 tokens are verified with it."
    )
    jwt_jwks_file: str | None = Field(default=None, description="A JWKS file, instead of a URL.")
    dev_mode: bool = Field(
        default=False,
        description="Development mode: the only setting under which the built-in development secret is "
        "accepted (a service refuses to start with it otherwise).",
    )
    otlp_endpoint: str | None = Field(
        default=None, description="OTLP/HTTP traces endpoint; none = no export."
    )
    log_level: str = "INFO"
    http_port: int = 8000
    topic_partitions: int = Field(default=3, ge=1)
    topic_replication: int = Field(default=1, ge=1)
    topics_external: bool = Field(
        default=False,
        description="Topics are created outside the service (Strimzi KafkaTopics or `parkops-topics apply`):"
        " at start-up it only checks that they all exist, and refuses to start otherwise. False (local"
        " development, tests) creates missing ones with topic_partitions and topic_replication.",
    )
    consumer_group_name: str = Field(
        default="",
        description="Kafka consumer group; empty = <prefix>.<service>. A new group with a new database "
        "rebuilds the service's read models from the topics' beginning.",
    )
    consumer_max_records: int = 500
    consumer_batch_timeout_ms: int = 20
    consumer_max_poll_interval_ms: int = Field(
        default=300_000,
        gt=0,
        description="A consumer that does not poll this long leaves its group (max.poll.interval.ms).",
    )
    consumer_session_timeout_ms: int = Field(
        default=10_000,
        gt=0,
        description="A consumer whose heartbeats stop this long leaves its group (session.timeout.ms).",
    )
    snapshot_every_seconds: float = Field(
        default=300.0,
        gt=0,
        description="How often a replica checkpoints its in-memory read models (with the offsets they "
        "reflect) when they changed; a replica starts from the latest snapshot plus the log since.",
    )
    consistency_wait_seconds: float = Field(
        default=5.0,
        gt=0,
        le=60,
        description="How long a read sent a consistency token waits for this replica to fold the write "
        "it names before answering 503 with Retry-After.",
    )
    handler_attempts: int = Field(default=3, ge=1, description="Tries of a failing event before the DLQ.")
    outbox_retry_seconds: float = Field(default=2.0, gt=0, description="Retry of failed publishes, by _id.")
    outbox_sweep_seconds: float = Field(default=60.0, gt=0, description="Full scan for abandoned writes.")
    outbox_owner_beat_seconds: float = Field(
        default=1.0, gt=0, description="Heartbeat of this process as the owner of its outbox commits."
    )
    outbox_owner_dead_after_seconds: float = Field(
        default=10.0,
        gt=0,
        description="An owner whose heartbeat did not change this long is dead; its commits are adopted.",
    )
    outbox_crash_after_write: bool = Field(
        default=False, description="Chaos switch for tests: die between the state write and the publish."
    )

    def check_secure(self) -> None:
        """Refuse to run with the public development secret outside development mode."""
        if self.dev_mode:
            return
        if self.jwt_secret.get_secret_value() == DEV_JWT_SECRET:
            raise InsecureSettings(
                f"{self.SERVICE_NAME}: the development JWT secret is set; configure JWT_JWKS_URL or "
                "JWT_JWKS_FILE (and an empty JWT_SECRET) or a secret of your own, or set DEV_MODE=true"
            )

    @property
    def database(self) -> str:
        return self.mongodb_database or f"parkops_{self.SERVICE_NAME}"

    @property
    def source(self) -> str:
        """CloudEvents `source` of everything this service publishes."""
        return f"/parkops/{self.SERVICE_NAME}"

    @property
    def consumer_group(self) -> str:
        return self.consumer_group_name or f"{self.topic_prefix}.{self.SERVICE_NAME}"

    @property
    def dead_letter_topic(self) -> str:
        return f"{self.topic_prefix}.{self.SERVICE_NAME}.dead-letter.v1"


def settings_for(prefix: str) -> SettingsConfigDict:
    return SettingsConfigDict(env_prefix=prefix, extra="ignore", populate_by_name=True)
