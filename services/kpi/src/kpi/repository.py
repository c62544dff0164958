"""How kpi stores what it writes on request: one aggregate per park's terms (id: the park), per published
assessment (`<park>:<period>`) and per low-efficiency scan (`<park>:<day>`), each written through the
runtime's AggregateStore. The documents keep the layout they had before the AggregateStore (plain
fields, `park_id` and `group_id` among them), so documents stored earlier decode unchanged (terms stored
with operating costs too: the costs are ignored). A change of terms leaves as `KpiTermsChanged`."""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date

from parkops_contracts.base import Event
from parkops_runtime.aggregates import AggregateStore
from parkops_runtime.clock import Clock
from parkops_runtime.mongo import Document
from parkops_runtime.service import ServiceRuntime

from kpi.domain.assessment import PublishedAssessment
from kpi.domain.efficiency import LowEfficiencyScan
from kpi.domain.terms import ParkTerms


class TermsCodec:
    def encode(self, terms: ParkTerms) -> Document:
        return terms.to_document()

    def decode(self, document: Document) -> ParkTerms:
        return ParkTerms.from_document(document)

    def take_events(self, terms: ParkTerms) -> Sequence[Event]:
        events, terms.events = terms.events, []
        return events


class AssessmentCodec:
    def encode(self, assessment: PublishedAssessment) -> Document:
        return {
            "park_id": assessment.park_id,
            "group_id": assessment.group_id,
            "period": assessment.period,
            "type": assessment.type,
            "event": assessment.event,
            "published_by": assessment.published_by,
        }

    def decode(self, document: Document) -> PublishedAssessment:
        fields = ("park_id", "group_id", "period", "type", "event", "published_by")
        return PublishedAssessment(**{k: document[k] for k in fields})

    def take_events(self, assessment: PublishedAssessment) -> Sequence[Event]:
        events, assessment.events = assessment.events, []
        return events


class ScanCodec:
    def encode(self, scan: LowEfficiencyScan) -> Document:
        return {
            "park_id": scan.park_id,
            "group_id": scan.group_id,
            "as_of": scan.as_of.isoformat(),
            "flags": scan.flags,
        }

    def decode(self, document: Document) -> LowEfficiencyScan:
        as_of = date.fromisoformat(document["as_of"])
        return LowEfficiencyScan(document["park_id"], document["group_id"], as_of, document["flags"])

    def take_events(self, scan: LowEfficiencyScan) -> Sequence[Event]:
        events, scan.events = scan.events, []
        return events


@dataclass(frozen=True)
class KpiStores:
    terms: AggregateStore[ParkTerms]
    assessments: AggregateStore[PublishedAssessment]
    scans: AggregateStore[LowEfficiencyScan]
    every_terms: Callable[[], Awaitable[list[ParkTerms]]]
    """Every park's stored terms, read once at start-up into the read side's memory."""


def stores(runtime: ServiceRuntime, clock: Clock) -> KpiStores:
    terms = runtime.aggregates("kpi_terms")

    async def every_terms() -> list[ParkTerms]:
        return [TermsCodec().decode(doc) async for doc in terms.collection.find({})]

    return KpiStores(
        AggregateStore(terms, TermsCodec(), runtime.outbound, kind="terms", clock=clock),
        AggregateStore(
            runtime.aggregates("kpi_assessments"),
            AssessmentCodec(),
            runtime.outbound,
            kind="assessment",
            clock=clock,
        ),
        AggregateStore(
            runtime.aggregates("kpi_scans"), ScanCodec(), runtime.outbound, kind="scan", clock=clock
        ),
        every_terms,
    )
