"""Base of every event contract: the topic naming rule and the fields every event carries."""

import re
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

DEFAULT_TOPIC_PREFIX = "parkops"


def kebab(name: str) -> str:
    """`TenantOnboarded` -> `tenant-onboarded`."""
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


class Event(BaseModel):
    """An immutable business fact. Unknown fields are ignored so that a consumer keeps working when
    a producer adds optional fields (backward-compatible evolution within a major version)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    SERVICE: ClassVar[str]
    VERSION: ClassVar[int] = 1
    KEY_FIELD: ClassVar[str]
    """The aggregate id field: the Kafka key, so one aggregate's events stay ordered."""

    park_id: str = Field(min_length=1, description="The park the fact belongs to.")
    group_id: str = Field(min_length=1, description="The park group (operator) that owns the park.")

    @classmethod
    def event_name(cls) -> str:
        return cls.__name__

    @classmethod
    def topic(cls, prefix: str = DEFAULT_TOPIC_PREFIX) -> str:
        """`<prefix>.<service>.<event>.v<N>`, one topic per event type and major version."""
        return f"{prefix}.{cls.SERVICE}.{kebab(cls.event_name())}.v{cls.VERSION}"

    @classmethod
    def ce_type(cls) -> str:
        """The CloudEvents `type` attribute, e.g. `parkops.leasing.TenantOnboarded.v1`."""
        return f"{DEFAULT_TOPIC_PREFIX}.{cls.SERVICE}.{cls.event_name()}.v{cls.VERSION}"

    def key(self) -> str:
        return str(getattr(self, self.KEY_FIELD))
