"""HTTP request and response schemas (input and output kept separate)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from parkops_contracts.events.leasing import ParkType, UnitType
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


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ParkCreate(Input):
    name: str = Field(min_length=1, max_length=200)
    park_type: ParkType
    leading_industries: list[IndustryCode] = Field(min_length=1)
    park_id: Slug | None = Field(default=None, description="Optional readable id; generated when absent.")


class ParkPublic(BaseModel):
    park_id: str
    group_id: str
    name: str
    park_type: ParkType
    leading_industries: list[str]
    unit_count: int
    tenant_count: int


class UnitCreate(Input):
    building: str = Field(min_length=1, max_length=100)
    floor: int = Field(ge=-5, le=200)
    unit_number: str = Field(min_length=1, max_length=50)
    unit_type: UnitType
    area_m2: Decimal = Field(gt=0, le=1_000_000, decimal_places=2)


class UnitPublic(BaseModel):
    unit_id: str
    park_id: str
    building: str
    floor: int
    unit_number: str
    unit_type: UnitType
    area_m2: Decimal
    status: UnitStatus
    tenant_id: str | None
    base_rent: Decimal | None = Field(default=None, description="Own CNY/m²/month after a renovation.")


class TenantCreate(Input):
    name: str = Field(min_length=1, max_length=200)
    credit_code: Annotated[str, AfterValidator(_valid_credit_code)]
    industry_code: IndustryCode
    high_tech: bool = False
    founded_on: date
    headcount: int = Field(ge=0, le=1_000_000)
    unit_ids: list[str] = Field(min_length=1)


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
