"""The kpi service's use cases through the real AggregateStore over in-memory aggregates: each command is one
change, its events recorded with it, the Idempotency-Key rule on each, and the read side following."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from kpi.domain.terms import ParkTerms
from kpi.projections import Projections
from kpi.queries import KpiQueries
from kpi.queries.scorecards import Scorecards, TermsMemory
from kpi.repository import AssessmentCodec, KpiStores, ScanCodec, TermsCodec
from kpi.schemas import AgreementIn, BonusBasis, ScanIn, TargetIn
from kpi.service import KpiService
from parkops_contracts.base import Event
from parkops_contracts.events.kpi import (
    KpiTargetMissed,
    KpiTermsChanged,
    LowEfficiencySpaceFlagged,
    OperatorBonusEarned,
)
from parkops_kernel.errors import Conflict, NotFound, Unprocessable
from parkops_runtime.access import ParkAccess
from parkops_runtime.aggregates import AggregateStore
from parkops_runtime.auth import Principal, Role
from parkops_runtime.directory import ParkEntry, TenantEntry
from parkops_runtime.events import OutboundEvent
from parkops_runtime.mongo import Document
from parkops_runtime.testing import MemoryAggregates

from services.kpi.tests.unit.kpi_facts import scenario

D = Decimal
NOW = datetime(2027, 1, 5, 9, tzinfo=UTC)
AGREEMENT = AgreementIn(
    kpis=["tax_growth", "repair_response_hours"], bonus_basis=BonusBasis.REVENUE, bonus_share=D("0.02")
)
SCAN = ScanIn(as_of=date(2026, 12, 31), max_vacant_days=100, min_tax_per_m2=D(1000))


def outbound(event: Event) -> OutboundEvent:
    return OutboundEvent.of(event, source="/parkops/kpi", topic_prefix="t")


class Parks:
    """The park directory: p1 and p2 belong to g1."""

    async def park(self, park_id: str) -> ParkEntry | None:
        return ParkEntry(park_id, "g1", park_id, NOW) if park_id in ("p1", "p2") else None

    async def tenant(self, park_id: str, tenant_id: str) -> TenantEntry | None:
        return None


@dataclass
class Kit:
    terms: MemoryAggregates
    assessments: MemoryAggregates
    scans: MemoryAggregates
    service: KpiService
    queries: KpiQueries
    load: Callable[[], Awaitable[None]]
    """What the service does at start-up: the stored terms into memory."""
    memory: TermsMemory
    """The read side's terms (every replica's view folds `KpiTermsChanged` into them)."""


def admin(park: str = "p1", group: str = "g1") -> ParkAccess:
    return ParkAccess(
        Principal("ada", Role.GROUP_ADMIN, group, frozenset()), ParkEntry(park, group, park, NOW)
    )


def kit(stored_terms: list[Document] | None = None) -> Kit:
    terms, assessments, scans = MemoryAggregates(), MemoryAggregates(), MemoryAggregates()
    for doc in stored_terms or []:
        terms.documents[doc["_id"]] = doc

    async def every_terms() -> list[ParkTerms]:
        return [TermsCodec().decode(d) for d in terms.documents.values()]

    stores = KpiStores(
        AggregateStore(terms, TermsCodec(), outbound, kind="terms", clock=lambda: NOW),
        AggregateStore(assessments, AssessmentCodec(), outbound, kind="assessment", clock=lambda: NOW),
        AggregateStore(scans, ScanCodec(), outbound, kind="scan", clock=lambda: NOW),
        every_terms,
    )
    projections = Projections()
    projections.apply_all((e, NOW, f"e{i}") for i, e in enumerate(scenario()))
    scorecards = Scorecards(projections, TermsMemory(), Parks())

    async def load() -> None:
        scorecards.terms.load(await stores.every_terms())

    return Kit(
        terms,
        assessments,
        scans,
        KpiService(stores, scorecards, lambda: NOW),
        KpiQueries(projections, scorecards, stores.assessments),
        load,
        scorecards.terms,
    )


async def test_a_target_is_set_recorded_stored_and_scored() -> None:
    k = kit()
    answer = await k.service.set_target(
        admin(), "occupancy_rate", TargetIn(target=D("0.01"), weight=D(20)), None
    )
    assert answer.targets["occupancy_rate"].overridden
    assert answer.changes == [
        {
            "at": NOW.isoformat(),
            "by": "ada",
            "what": "target occupancy_rate",
            "before": None,
            "after": {"target": "0.01", "weight": "20"},
        }
    ]
    assert k.queries.terms(admin()) == answer
    assert k.terms.documents["p1"]["_version"] == 1
    card = k.queries.scorecard(admin(), "2026")
    assert next(c for c in card.kpis if c.kpi == "occupancy_rate").score == D(100)


async def test_a_refused_change_stores_nothing() -> None:
    k = kit()
    with pytest.raises(Unprocessable):
        await k.service.set_target(admin(), "occupancy_rate", TargetIn(target=D("1.4"), weight=D(20)), None)
    with pytest.raises(Unprocessable):
        await k.service.set_agreement(admin(), AGREEMENT.model_copy(update={"kpis": ["no_such_kpi"]}), None)
    assert k.terms.documents == {}
    assert k.queries.terms(admin()).changes == []


async def test_a_target_and_an_agreement_are_one_change_and_one_event_each() -> None:
    k = kit()
    await k.service.set_agreement(admin(), AGREEMENT, None)
    answer = await k.service.set_target(admin(), "tax_growth", TargetIn(target=D("0.2"), weight=D(15)), None)
    assert answer.agreement == {
        "kpis": ["tax_growth", "repair_response_hours"],
        "bonus_basis": "revenue",
        "bonus_share": "0.02",
    }
    assert [c["what"] for c in answer.changes] == ["operator agreement", "target tax_growth"]
    assert k.terms.documents["p1"]["_version"] == 2
    [agreed, targeted] = k.terms.events(KpiTermsChanged)
    assert (agreed.change, agreed.changed_by, agreed.changed_at) == ("agreement", "ada", NOW)
    assert agreed.terms.kpis == []
    assert agreed.terms.agreement is not None
    assert agreed.terms.agreement.bonus_share == D("0.02")
    # the whole terms after the change, each a microsecond after the last when the clock stands still
    assert (targeted.change, targeted.changed_at) == ("target:tax_growth", NOW + timedelta(microseconds=1))
    assert [(t.kpi, t.target, t.weight) for t in targeted.terms.kpis] == [("tax_growth", D("0.2"), 15)]
    assert targeted.terms.agreement == agreed.terms.agreement


async def test_a_change_that_changes_nothing_records_no_event() -> None:
    k = kit()
    await k.service.set_target(admin(), "occupancy_rate", TargetIn(target=D("0.5"), weight=D(20)), None)
    await k.service.set_agreement(admin(), AGREEMENT, None)
    same = await k.service.set_target(
        admin(), "occupancy_rate", TargetIn(target=D("0.50"), weight=D("20.0")), None
    )
    await k.service.set_agreement(admin(), AGREEMENT, None)
    assert len(same.changes) == 2
    assert len(k.terms.events(KpiTermsChanged)) == 2
    assert k.terms.documents["p1"]["_version"] == 2


async def test_terms_and_assessments_folded_from_the_topics_into_an_empty_store_are_the_same() -> None:
    k = kit()
    await k.service.set_target(admin(), "occupancy_rate", TargetIn(target=D("0.5"), weight=D(20)), None)
    await k.service.set_agreement(admin(), AGREEMENT, None)
    await k.service.set_target(admin(), "occupancy_rate", TargetIn(target=D("0.01"), weight=D(25)), None)
    await k.service.set_target(admin("p2"), "churn_rate", TargetIn(target=D("0.2"), weight=D(5)), None)
    await k.service.publish_assessment(admin(), "2026", None)
    events = k.terms.events(KpiTermsChanged)
    assert len(events) == 4

    rebuilt = kit()
    for event in events:
        await rebuilt.service.fold_terms(event)  # the consumer group: into the store
        rebuilt.memory.fold(event)  # the view: into memory
    [assessed] = k.assessments.events(OperatorBonusEarned)
    assert assessed.assessed_by == "ada"
    await rebuilt.service.fold_assessment(assessed)
    await k.service.fold_assessment(assessed)  # its own, consumed back: nothing new
    assert k.assessments.documents["p1:2026"]["_version"] == 1
    assert await rebuilt.queries.assessment(admin(), "2026") == await k.queries.assessment(admin(), "2026")
    with pytest.raises(Conflict, match="published and immutable"):
        await rebuilt.service.publish_assessment(admin(), "2026", None)
    assert rebuilt.assessments.published == []
    for park in ("p1", "p2"):
        assert rebuilt.queries.terms(admin(park)) == k.queries.terms(admin(park))
        assert rebuilt.terms.documents[park]["changes"] == k.terms.documents[park]["changes"]
    assert rebuilt.queries.scorecard(admin(), "2026") == k.queries.scorecard(admin(), "2026")
    assert rebuilt.terms.published == []  # a fold records no event

    for event in events:  # its own events, consumed back, and a redelivery: nothing new
        await k.service.fold_terms(event)
        await rebuilt.service.fold_terms(event)
    assert (k.terms.documents["p1"]["_version"], rebuilt.terms.documents["p1"]["_version"]) == (3, 3)
    await rebuilt.load()  # restarted: the store has the terms
    assert rebuilt.queries.terms(admin()) == k.queries.terms(admin())


async def test_a_keyed_terms_change_replays_its_first_answer_and_refuses_another_request() -> None:
    k = kit()
    body = TargetIn(target=D("0.5"), weight=D(20))
    first = await k.service.set_target(admin(), "occupancy_rate", body, "k1")
    again = await k.service.set_target(
        admin(), "occupancy_rate", TargetIn(target=D("0.50"), weight=D("20.0")), "k1"
    )
    assert again == first
    assert k.terms.documents["p1"]["_version"] == 1
    with pytest.raises(Conflict, match="k1"):
        await k.service.set_target(admin(), "occupancy_rate", TargetIn(target=D("0.6"), weight=D(20)), "k1")
    with pytest.raises(Conflict, match="k1"):
        await k.service.set_agreement(admin(), AGREEMENT, "k1")
    other_park = await k.service.set_target(admin("p2"), "occupancy_rate", body, "k1")
    assert other_park.park_id == "p2"
    assert (k.terms.documents["p1"]["_version"], k.terms.documents["p2"]["_version"]) == (1, 1)


async def test_an_assessment_needs_an_agreement_and_is_published_once_through_its_aggregate() -> None:
    k = kit()
    with pytest.raises(Unprocessable):
        await k.service.publish_assessment(admin(), "2026", None)
    assert k.assessments.documents == {}
    await k.service.set_agreement(admin(), AGREEMENT, None)
    first = await k.service.publish_assessment(admin(), "2026", None)
    assert (first.type, first.event["amount"], first.published_by) == (
        "OperatorBonusEarned",
        "20000.00",
        "ada",
    )
    assert [e.amount for e in k.assessments.events(OperatorBonusEarned)] == [D("20000.00")]
    with pytest.raises(Conflict, match="published and immutable"):
        await k.service.publish_assessment(admin(), "2026", None)
    with pytest.raises(Conflict, match="published and immutable"):
        await k.service.publish_assessment(admin(), "2026", "late-key")
    read = await k.queries.assessment(admin(), "2026")
    assert read.recomputation_matches is True
    assert len(k.assessments.published) == 1


@pytest.mark.parametrize("period", ["2027", "2027-Q1", "2027-01", "2027-01-05", "2027-02", "2030"])
async def test_a_period_not_over_by_the_service_clocks_today_is_not_assessed(period: str) -> None:
    k = kit()  # today is 5 January 2027
    await k.service.set_agreement(admin(), AGREEMENT, None)
    with pytest.raises(Unprocessable) as refused:
        await k.service.publish_assessment(admin(), period, None)
    assert refused.value.field == "period"
    assert k.assessments.documents == {}


async def test_a_period_ended_before_today_is_assessed() -> None:
    k = kit()
    await k.service.set_agreement(admin(), AGREEMENT, None)
    for period in ("2026", "2026-Q4", "2026-12", "2027-01-04"):
        assert (await k.service.publish_assessment(admin(), period, None)).period == period


async def test_an_assessment_carries_its_terms_and_is_recomputed_with_them_after_they_changed() -> None:
    k = kit()
    await k.service.set_target(admin(), "tax_growth", TargetIn(target=D("0.1"), weight=D(15)), None)
    await k.service.set_agreement(admin(), AGREEMENT, None)
    published = await k.service.publish_assessment(admin(), "2026", None)
    assert published.type == "OperatorBonusEarned"
    [event] = k.assessments.events(OperatorBonusEarned)
    assert event.terms is not None
    used = {t.kpi: (t.target, t.weight) for t in event.terms.kpis}
    assert used["tax_growth"] == (D("0.1"), 15)  # the override
    assert used["occupancy_rate"] == (D("0.90"), 20)  # and every default of the park
    assert event.terms.agreement is not None
    assert (event.terms.agreement.kpis, event.terms.agreement.bonus_share) == (AGREEMENT.kpis, D("0.02"))
    assert published.event["terms"] == event.model_dump(mode="json")["terms"]

    # today's terms would miss tax growth (a growth of 5000%) and pay another share
    await k.service.set_target(admin(), "tax_growth", TargetIn(target=D("50"), weight=D(15)), None)
    await k.service.set_agreement(admin(), AGREEMENT.model_copy(update={"bonus_share": D("0.5")}), None)
    read = await k.queries.assessment(admin(), "2026")
    assert read.recomputation_matches is True
    assert read.recomputed == published.event
    today = k.queries.scorecard(admin(), "2026")
    assert next(c for c in today.kpis if c.kpi == "tax_growth").met is False


async def test_a_keyed_assessment_replays_its_first_answer_without_a_second_event() -> None:
    k = kit()
    await k.service.set_agreement(admin(), AGREEMENT.model_copy(update={"kpis": ["occupancy_rate"]}), None)
    first = await k.service.publish_assessment(admin(), "2026-Q4", "a1")
    assert first.type == "KpiTargetMissed"
    assert await k.service.publish_assessment(admin(), "2026-Q4", "a1") == first
    with pytest.raises(Conflict, match="published and immutable"):  # another key: another request
        await k.service.publish_assessment(admin(), "2026-Q4", "a2")
    assert len(k.assessments.events(KpiTargetMissed)) == 1
    other_period = await k.service.publish_assessment(admin(), "2026-Q3", "a1")  # the key names this one
    assert other_period.period == "2026-Q3"


async def test_a_scan_flags_once_and_its_flags_are_its_events() -> None:
    k = kit()
    flags = await k.service.scan(admin(), SCAN, "s1")
    assert sorted(f.unit_id for f in flags if f.unit_id) == ["u2", "u3", "u4"]
    assert k.scans.events(LowEfficiencySpaceFlagged) == flags
    assert await k.service.scan(admin(), SCAN, "s1") == flags
    with pytest.raises(Conflict, match="s1"):
        await k.service.scan(admin(), SCAN.model_copy(update={"max_vacant_days": 10}), "s1")
    with pytest.raises(Conflict, match="already scanned"):
        await k.service.scan(admin(), SCAN, None)
    assert len(k.scans.published) == len(flags)


async def test_terms_another_group_stored_under_the_park_count_as_absent_and_are_replaced() -> None:
    squatter = ParkTerms("p1", "g-other", changes=[{"what": "squatted"}])
    squatted = TermsCodec().encode(squatter)
    k = kit([{"_id": "p1", **squatted, "_version": 1}])
    await k.load()
    assert k.queries.terms(admin()).changes == []
    answer = await k.service.set_agreement(admin(), AGREEMENT, None)
    assert [c["what"] for c in answer.changes] == ["operator agreement"]
    assert k.terms.documents["p1"]["group_id"] == "g1"


async def test_documents_stored_before_the_aggregate_store_still_decode() -> None:
    """As TermsStore and Assessments wrote them: plain fields, no idempotency keys."""
    old_terms: Document = {
        "_id": "p1",
        "park_id": "p1",
        "group_id": "g1",
        "overrides": {"occupancy_rate": {"target": "0.01", "weight": "20"}},
        "agreement": {"kpis": ["tax_growth"], "bonus_basis": "revenue", "bonus_share": "0.1"},
        "operating_costs": {"2026": "500000"},
        "changes": [{"at": "2026-01-01T00:00:00+00:00", "by": "old", "what": "target occupancy_rate"}],
        "_version": 3,
        "_commit": "c",
    }
    k = kit([old_terms])
    await k.load()
    assert k.queries.terms(admin()).targets["occupancy_rate"].target == D("0.01")  # the costs ignored
    assert "operating_costs" not in TermsCodec().encode(TermsCodec().decode(old_terms))
    answer = await k.service.set_target(admin(), "churn_rate", TargetIn(target=D("0.2"), weight=D(5)), None)
    assert len(answer.changes) == 2
    assert k.terms.documents["p1"]["_version"] == 4

    old_assessment = {
        "_id": "p1:2026",
        "park_id": "p1",
        "group_id": "g1",
        "period": "2026",
        "type": "KpiTargetMissed",
        "event": {"assessed_at": NOW.isoformat(), "missed": ["tax_growth"]},
        "published_by": "old",
        "_version": 1,
    }
    k.assessments.documents["p1:2026"] = old_assessment
    read = await k.queries.assessment(admin(), "2026")
    assert (read.type, read.published_by, read.recomputation_matches) == ("KpiTargetMissed", "old", False)
    with pytest.raises(Conflict, match="published and immutable"):
        await k.service.publish_assessment(admin(), "2026", None)
    old_scan = {"_id": "p1:2026-12-31", "park_id": "p1", "group_id": "g1", "as_of": "2026-12-31", "flags": []}
    k.scans.documents["p1:2026-12-31"] = old_scan | {"_version": 1}
    with pytest.raises(Conflict, match="already scanned"):
        await k.service.scan(admin(), SCAN, None)


async def test_another_groups_assessment_under_the_park_is_not_found() -> None:
    k = kit()
    k.assessments.documents["p1:2026"] = {
        "_id": "p1:2026",
        "park_id": "p1",
        "group_id": "g-other",
        "period": "2026",
        "type": "KpiTargetMissed",
        "event": {"assessed_at": NOW.isoformat()},
        "published_by": "x",
        "_version": 1,
    }
    with pytest.raises(NotFound):
        await k.queries.assessment(admin(), "2026")
