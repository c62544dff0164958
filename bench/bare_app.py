"""The floor of the HTTP stack: bare FastAPI endpoints that do no work, served by uvicorn beside the
real service in the benchmarks (bench/tickets_bench.py, bench/leasing_latency.py)."""

from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI()


class Body(BaseModel):
    category: str
    priority: str
    title: str


@app.get("/ping")
async def ping() -> dict[str, bool]:
    return {"ok": True}


@app.post("/parks/{park_id}/tickets", status_code=201)
async def open_ticket(park_id: str, body: Body) -> dict[str, str]:
    """The open-ticket route and body, answered without a store or a broker."""
    return {"park_id": park_id, "title": body.title, "state": "open"}
