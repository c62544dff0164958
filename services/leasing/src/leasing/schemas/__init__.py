"""HTTP request and response models (inputs and outputs kept apart). Every input is bounded
(`parkops_kernel.bounds`): anything outside is a 422 naming the field, before anything is stored.

No domain object crosses the HTTP boundary: an input builds the domain's command (`command()`), an
output is built from what the domain answered (`Output.of`). The domain's vocabularies (enums such as
`UnitStatus`) are shared as values."""

from typing import Annotated, Self

from fastapi import Path
from parkops_kernel.bounds import MAX_LIST, ClientId
from pydantic import BaseModel, ConfigDict, Field

Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$")]
IndustryCode = Annotated[str, Field(pattern=r"^[A-T][0-9]{0,4}$", description="GB/T 4754 code, e.g. C39")]
Headcount = Annotated[int, Field(ge=0, le=10_000_000)]
UnitIds = Annotated[list[ClientId], Field(min_length=1, max_length=MAX_LIST)]
MAX_INDUSTRIES = 50
PathId = Annotated[str, Path(max_length=200, description="A unit, tenant or lease id of the park.")]


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Output(BaseModel):
    @classmethod
    def of(cls, value: BaseModel, **more: object) -> Self:
        """The answer made of a domain value (and what it does not hold itself)."""
        return cls.model_validate({**value.model_dump(), **more})
