"""What the park already holds, and the steps an import plan is made of: one per sheet row, in the order
they run. Units are named by their natural key `building/unit_number` across the sheets."""

from dataclasses import dataclass, field
from datetime import date

from leasing.domain.months import lease_end
from leasing.importer.sheets import Refusal, Row
from leasing.schemas.leases import LeaseCreate, LeasePublic, LeaseTerminate, PricingPolicy
from leasing.schemas.space import TenantCreate, TenantPublic, UnitCreate, UnitPublic


@dataclass(frozen=True)
class Holdings:
    """What the park already holds, as leasing's GETs answer it."""

    units: list[UnitPublic]
    tenants: list[TenantPublic]
    leases: list[LeasePublic]
    policy: (
        PricingPolicy | None
    )  # None: not readable by the caller (the base-rent check is then the server's)


@dataclass
class UnitStep:
    row: Row
    key: str
    body: UnitCreate
    present: str | None  # the unit id when the park holds it already


@dataclass
class TenantStep:
    row: Row
    credit_code: str
    body: TenantCreate
    units: list[str]
    present: str | None


@dataclass
class LeaseStep:
    row: Row
    ref: str
    tenant: str
    units: list[str]
    body: LeaseCreate
    termination: LeaseTerminate | None
    present: LeasePublic | None

    @property
    def last_day(self) -> date:
        end = lease_end(self.body.starts_on, self.body.term_months)
        return self.termination.terminated_on if self.termination else end

    @property
    def signs(self) -> bool:
        return self.present is None

    @property
    def terminates(self) -> bool:
        return self.termination is not None and (self.present is None or self.present.terminated_on is None)


Step = UnitStep | TenantStep | LeaseStep


@dataclass
class Plan:
    steps: list[Step] = field(default_factory=list)
    refusals: list[Refusal] = field(default_factory=list)


def unit_key(building: str, unit_number: str) -> str:
    return f"{building}/{unit_number}"


def unit_ref(text: str) -> str:
    """A reference to a unit as `building/unit_number`, spaces around either part ignored."""
    building, _, number = text.partition("/")
    return unit_key(building.strip(), number.strip())
