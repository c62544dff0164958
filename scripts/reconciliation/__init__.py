"""The reconciliation a finance team runs: each figure two services show, as each reports it for a park
and period, and every difference between them (README, Reconciliation; ADR 12).

`compare` is pure (figures in, rows and differences out); `periods` names the periods; `read` asks the
services over HTTP for their figures; `cli` is `scripts/reconcile`."""
