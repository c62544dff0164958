"""The README's access table, checked on every operation of every service's OpenAPI document (issue 13).

All five services run in this process against the real broker and store; two groups are seeded through
the public APIs; each group's objects are attacked by the other group's admin, by the operator and a
tenant user of its other park, by another tenant of the same park, by its auditor (writes) and by bad
tokens. See `tests/support/sweep.py` for what each must get."""

import pytest

from tests.support.infra import Infra
from tests.support.platform import running_platform
from tests.support.seed import seed_groups
from tests.support.sweep import Sweep


@pytest.mark.timeout(600)
async def test_every_operation_answers_out_of_scope_callers_as_the_readme_says(infra: Infra) -> None:
    async with running_platform(infra) as platform:
        worlds = await seed_groups(platform)
        problems = [p for w in worlds for p in w.problems]
        assert all(len(w.tenants) == 4 for w in worlds), "\n".join(["no parks and tenants:", *problems])
        sweep = Sweep(platform.http, worlds)
        docs = await sweep.run()
    report = sweep.report(docs)
    print(report)
    assert not problems, "\n".join(["seeding problems:", *problems, report])
    assert not sweep.uncovered, report
    assert not sweep.mismatches, report
    assert not sweep.leaks, report
    assert sum(sweep.requests.values()) > 1000  # the sweep ran, it did not stop at an empty document
