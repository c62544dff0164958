"""HTTP request and response schemas (input and output kept separate). Every input is bounded
(`parkops_kernel.bounds`): anything outside is a 422 naming the field, before anything is stored."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from fastapi import Header, Path
from parkops_contracts.events.leasing import ParkType, UnitType
from parkops_kernel.bounds import MAX_LIST, Area, ClientId, Code, Name, PastDate
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from leasing.domain.credit_code import credit_code_problem
from leasing.domain.park import UnitStatus


def _valid_credit_code(code: str) -> str:
    problem = credit_code_problem(code)
    if problem:
        raise ValueError(f"invalid unified social credit code: {problem}")
    return code


Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$")]
IndustryCode = Annotated[str, Field(pattern=r"^[A-T][0-9]{0,4}$", description="GB/T 4754 code, e.g. C39")]
Headcount = Annotated[int, Field(ge=0, le=10_000_000)]
UnitIds = Annotated[list[ClientId], Field(min_length=1, max_length=MAX_LIST)]
MAX_INDUSTRIES = 50
IdempotencyKey = Annotated[
    Name | None,
    Header(
        alias="Idempotency-Key",
        description="Makes a retry harmless: the same key and request answer the first result and "
        "change nothing; the key with another request is 409. 1-200 characters, one line. Scoped to "
        "the park; kept for the park's life.",
    ),
]
PathId = Annotated[str, Path(max_length=200, description="A unit, tenant or lease id of the park.")]


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ParkCreate(Input):
    name: Name
    park_type: ParkType
    leading_industries: list[IndustryCode] = Field(min_length=1, max_length=MAX_INDUSTRIES)
    park_id: Slug | None = Field(
        default=None,
        description="Optional readable id, unique across all groups; generated when absent. "
        "An id already registered (by any group) is 409 `park id … is taken`, telling nothing else.",
    )


class ParkPublic(BaseModel):
    park_id: str
    group_id: str
    name: str
    park_type: ParkType
    leading_industries: list[str]
    unit_count: int
    tenant_count: int | None = Field(description="None for tenant users: a park-wide figure.")


class UnitCreate(Input):
    building: Code
    floor: int = Field(ge=-5, le=200)
    unit_number: Code
    unit_type: UnitType
    area_m2: Area


class UnitPublic(BaseModel):
    unit_id: str
    park_id: str
    building: str
    floor: int
    unit_number: str
    unit_type: UnitType
    area_m2: Decimal
    status: UnitStatus
    tenant_id: str | None = Field(description="The occupant; for a tenant user only when it is itself.")
    base_rent: Decimal | None = Field(default=None, description="Own CNY/m²/month after a renovation.")


class TenantCreate(Input):
    name: Name
    credit_code: Annotated[Code, AfterValidator(_valid_credit_code)]
    industry_code: IndustryCode
    high_tech: bool = False
    founded_on: PastDate
    headcount: Headcount
    unit_ids: UnitIds


class TenantPublic(BaseModel):
    tenant_id: str
    park_id: str
    name: str
    credit_code: str
    industry_code: str
    in_leading_industry: bool
    high_tech: bool
    founded_on: date
    headcount: int
    unit_ids: list[str]
    onboarded_at: datetime
