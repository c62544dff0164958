"""A park's KPI terms, set by the group admin: target overrides and the operator agreement.

Every change is an event, `KpiTermsChanged`, carrying the whole terms after it (the park's overrides and
its agreement), who and when; the terms are the fold of those events, so kpi rebuilt from its own topic
has the same terms as the kpi that recorded them. A change that changes nothing records nothing.

The history (`changes`: who, when, what, before, after) is part of the fold: each event adds one entry,
with `before` taken from the terms it folds onto. Operating costs are finance's (`CostRecognized`): terms
stored with them before still decode, the costs ignored."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from parkops_contracts.events.kpi import KpiTerm, KpiTermsChanged, OperatorAgreement, Terms
from parkops_contracts.events.leasing import ParkType

from kpi.domain.agreement import Agreement, BonusBasis
from kpi.domain.commands import Author, SetAgreement, SetTarget
from kpi.domain.targets import Target, defaults_for, validated

AGREEMENT = "agreement"
TARGET = "target:"


@dataclass
class ParkTerms:
    park_id: str
    group_id: str
    overrides: dict[str, Target] = field(default_factory=dict)
    agreement: Agreement | None = None
    changes: list[dict[str, Any]] = field(default_factory=list)
    events: list[KpiTermsChanged] = field(default_factory=list, compare=False, repr=False)
    """Recorded, not yet handed to the outbox."""

    def targets(self, park_type: ParkType | None) -> dict[str, Target]:
        return defaults_for(park_type) | self.overrides

    def claim(self, group_id: str) -> None:
        """Terms stored under the park id by another group (written before parks were checked against
        the directory) count as absent: the owner's first change starts from empty terms."""
        if self.group_id != group_id:
            self.group_id, self.overrides, self.agreement, self.changes = group_id, {}, None, []

    def set_target(self, command: SetTarget) -> None:
        new = validated(command.kpi, command.target, command.weight)
        if self.overrides.get(command.kpi) != new:
            self._change(
                f"{TARGET}{command.kpi}", self.overrides | {command.kpi: new}, self.agreement, command.author
            )

    def set_agreement(self, command: SetAgreement) -> None:
        agreement = Agreement.checked(command.kpis, command.bonus_basis, command.bonus_share)
        if agreement != self.agreement:
            self._change(AGREEMENT, self.overrides, agreement, command.author)

    def _change(
        self, change: str, overrides: dict[str, Target], agreement: Agreement | None, author: Author
    ) -> None:
        """Record the change as its event and fold it. Its time is after the last change's (a clock that
        stands still moves on by a microsecond): the time orders a park's changes and names each once."""
        last = self.last_changed_at()
        at = author.at if last is None or author.at > last else last + timedelta(microseconds=1)
        event = KpiTermsChanged(
            park_id=self.park_id,
            group_id=self.group_id,
            terms=terms_contract(overrides, agreement),
            change=change,
            changed_by=author.by,
            changed_at=at,
        )
        self.fold(event)
        self.events.append(event)

    def last_changed_at(self) -> datetime | None:
        at = self.changes[-1].get("at") if self.changes else None
        return None if at is None else datetime.fromisoformat(at)

    def fold(self, event: KpiTermsChanged) -> bool:
        """The terms after the event (recorded here or consumed from the topic); False, and unchanged, for
        an event not after the last change folded (already folded: a redelivery, or this process's own)."""
        self.claim(event.group_id)
        last = self.last_changed_at()
        if last is not None and event.changed_at <= last:
            return False
        overrides, agreement = terms_of(event.terms)
        if event.change.startswith(TARGET):
            kpi = event.change.removeprefix(TARGET)
            what = f"target {kpi}"
            before, after = _target_doc(self.overrides.get(kpi)), _target_doc(overrides.get(kpi))
        else:
            what = "operator agreement" if event.change == AGREEMENT else event.change
            before, after = _agreement_doc(self.agreement), _agreement_doc(agreement)
        self.overrides, self.agreement = overrides, agreement
        at = event.changed_at.isoformat()
        self.changes.append(
            {"at": at, "by": event.changed_by, "what": what, "before": before, "after": after}
        )
        return True

    def to_document(self) -> dict[str, Any]:
        return {
            "park_id": self.park_id,
            "group_id": self.group_id,
            "overrides": {k: _target_doc(t) for k, t in self.overrides.items()},
            "agreement": _agreement_doc(self.agreement),
            "changes": self.changes,
        }

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> "ParkTerms":
        """Also a document stored before costs left kpi: its `operating_costs` are ignored."""
        agreement = doc.get("agreement")
        return cls(
            doc["park_id"],
            doc["group_id"],
            {k: Target(Decimal(t["target"]), Decimal(t["weight"])) for k, t in doc["overrides"].items()},
            None
            if agreement is None
            else Agreement(
                tuple(agreement["kpis"]),
                BonusBasis(agreement["bonus_basis"]),
                Decimal(agreement["bonus_share"]),
            ),
            list(doc["changes"]),
        )

    def agreement_document(self) -> dict[str, Any] | None:
        return _agreement_doc(self.agreement)


def terms_contract(targets: dict[str, Target], agreement: Agreement | None) -> Terms:
    """Targets and agreement as the events carry them (KPIs in the catalog's order)."""
    return Terms(
        kpis=[KpiTerm(kpi=k, target=t.target, weight=int(t.weight)) for k, t in targets.items()],
        agreement=None
        if agreement is None
        else OperatorAgreement(
            kpis=list(agreement.kpis),
            bonus_basis=agreement.bonus_basis.value,
            bonus_share=agreement.bonus_share,
        ),
    )


def terms_of(terms: Terms) -> tuple[dict[str, Target], Agreement | None]:
    """The targets and agreement an event carries."""
    targets = {t.kpi: Target(t.target, Decimal(t.weight)) for t in terms.kpis}
    a = terms.agreement
    agreement = None if a is None else Agreement(tuple(a.kpis), BonusBasis(a.bonus_basis), a.bonus_share)
    return targets, agreement


def _target_doc(target: Target | None) -> dict[str, str] | None:
    return None if target is None else {"target": str(target.target), "weight": str(target.weight)}


def _agreement_doc(agreement: Agreement | None) -> dict[str, Any] | None:
    if agreement is None:
        return None
    return {
        "kpis": list(agreement.kpis),
        "bonus_basis": agreement.bonus_basis.value,
        "bonus_share": str(agreement.bonus_share),
    }
