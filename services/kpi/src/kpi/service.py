"""The commands of the kpi service: a group admin's changes of a park's terms (targets and weights, the
operator agreement), publishing an operator assessment of a closed period, scanning for low-efficiency
space; and folding kpi's own events (`KpiTermsChanged`, the assessments) back into the store. Each turns its
request into the domain's command object and is one change through the runtime's
AggregateStore (lock, retry, outbox commit, the Idempotency-Key rule): an assessment's and a scan's events
leave through the outbox with the aggregate that records them, never through a separate publish; so do
the terms' `KpiTermsChanged`, which kpi also consumes: a kpi rebuilt from the topics into an empty store
folds them back into the same terms.

An assessment and a scan are created once (ids name park and period, park and day): made again without
a key, or with another key, they are 409; with the key of the first they answer the first answer. The
caller's access (`parkops_runtime.access`) has already resolved the park and its owning group."""

import copy
from collections.abc import Callable

from parkops_contracts.events.kpi import (
    KpiTargetMissed,
    KpiTermsChanged,
    LowEfficiencySpaceFlagged,
    OperatorBonusEarned,
)
from parkops_runtime.access import ParkAccess
from parkops_runtime.aggregates import Idempotency
from parkops_runtime.clock import Clock
from parkops_runtime.request_keys import keyed

from kpi.domain.agreement import BonusBasis
from kpi.domain.assessment import PublishedAssessment
from kpi.domain.commands import (
    Author,
    PublishAssessment,
    ScanForLowEfficiency,
    SetAgreement,
    SetTarget,
)
from kpi.domain.efficiency import LowEfficiencyScan, flagged
from kpi.domain.periods import closed, parse_period
from kpi.domain.tenancy import TenancyView
from kpi.domain.terms import ParkTerms
from kpi.queries.present import assessment_public, terms_public
from kpi.queries.scorecards import Scorecards
from kpi.repository import KpiStores
from kpi.schemas import AgreementIn, AssessmentPublic, ScanIn, TargetIn, TermsPublic

Flags = list[LowEfficiencySpaceFlagged]


def event_fold(event: KpiTermsChanged) -> Callable[[ParkTerms], None]:
    def fold(terms: ParkTerms) -> None:
        terms.fold(event)

    return fold


class KpiService:
    def __init__(self, stores: KpiStores, scorecards: Scorecards, clock: Clock) -> None:
        self._stores, self._scorecards, self._clock = stores, scorecards, clock

    def _author(self, access: ParkAccess) -> Author:
        return Author(access.who.subject, self._clock())

    async def set_target(self, access: ParkAccess, kpi: str, body: TargetIn, key: str | None) -> TermsPublic:
        command = SetTarget(kpi, body.target, body.weight, self._author(access))
        asked = {"park": access.park_id, "kpi": kpi, "target": body.target, "weight": body.weight}
        keys = keyed(key, "set-target", asked, TermsPublic)
        return await self._change_terms(access, lambda t: t.set_target(command), keys)

    async def set_agreement(self, access: ParkAccess, body: AgreementIn, key: str | None) -> TermsPublic:
        basis = BonusBasis(body.bonus_basis.value)
        command = SetAgreement(tuple(body.kpis), basis, body.bonus_share, self._author(access))
        asked = {"park": access.park_id, **body.model_dump()}
        keys = keyed(key, "set-agreement", asked, TermsPublic)
        return await self._change_terms(access, lambda t: t.set_agreement(command), keys)

    async def _change_terms(
        self, access: ParkAccess, change: Callable[[ParkTerms], None], keys: Idempotency[TermsPublic] | None
    ) -> TermsPublic:
        """One change of the park's terms (created empty on the first); this replica's read side gets a
        copy at once (every replica's, the change's event: `kpi.view`)."""
        park_type = self._scorecards.ledger(access).park_type
        stored: list[ParkTerms] = []

        def apply(terms: ParkTerms) -> TermsPublic:
            terms.claim(access.group_id)
            change(terms)
            stored[:] = [copy.deepcopy(terms)]
            return terms_public(terms, park_type)

        answer = await self._stores.terms.change(
            access.park_id,
            apply,
            create=lambda: ParkTerms(access.park_id, access.group_id),
            idempotency=keys,
        )
        if stored:  # not on a replay: the first answer's change is in memory already
            self._scorecards.terms.put(stored[0])
        return answer

    async def fold_terms(self, event: KpiTermsChanged) -> None:
        """A change of terms from kpi's own topic, into the store: nothing new for the change a replica
        sharing the store recorded, the change itself for a kpi rebuilt from the topics. Never an event:
        the fold records nothing. (The memory folds it on every replica: `kpi.view`.)"""
        await self._stores.terms.change(
            event.park_id, event_fold(event), create=lambda: ParkTerms(event.park_id, event.group_id)
        )

    async def publish_assessment(self, access: ParkAccess, period: str, key: str | None) -> AssessmentPublic:
        """The operator's assessment of the period (OperatorBonusEarned or KpiTargetMissed), once."""
        assessed = closed(parse_period(period), self._clock().date())
        command = PublishAssessment(assessed.label, self._author(access))
        ledger, author = self._scorecards.ledger(access), command.author
        event = self._scorecards.assessment(ledger, assessed, author.at, by=author.by)

        def publish(assessment: PublishedAssessment) -> AssessmentPublic:
            assessment.publish(event, command.author.by)
            return assessment_public(assessment)

        return await self._stores.assessments.change(
            f"{access.park_id}:{command.period}",
            publish,
            create=lambda: PublishedAssessment(access.park_id, access.group_id, command.period),
            idempotency=keyed(key, "publish-assessment", {"period": command.period}, AssessmentPublic),
        )

    async def fold_assessment(self, event: OperatorBonusEarned | KpiTargetMissed) -> None:
        """An assessment from kpi's own topic, into the store: a kpi rebuilt from the topics answers it as
        published (and refuses to publish it again); nothing new for one in the store already."""
        await self._stores.assessments.change(
            event.assessment_id,
            lambda assessment: assessment.fold(event),
            create=lambda: PublishedAssessment(event.park_id, event.group_id, event.period),
        )

    async def scan(self, access: ParkAccess, body: ScanIn, key: str | None) -> Flags:
        """Flag the park's low-efficiency space as of a day, once."""
        command = ScanForLowEfficiency(
            body.as_of, body.max_vacant_days, body.min_tax_per_m2, self._author(access)
        )
        flags = flagged(TenancyView(self._scorecards.ledger(access)), command)

        def record(scan: LowEfficiencyScan) -> Flags:
            scan.record(flags)
            return flags

        return await self._stores.scans.change(
            f"{access.park_id}:{command.as_of}",
            record,
            create=lambda: LowEfficiencyScan(access.park_id, access.group_id, command.as_of),
            idempotency=keyed(key, "scan", body.model_dump(), Flags),
        )
