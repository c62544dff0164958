"""The floor for the open-ticket API: a bare FastAPI endpoint with the same route and body, no work.

Served by uvicorn beside the real service in bench/tickets_bench.py."""

from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI()


class Body(BaseModel):
    category: str
    priority: str
    title: str


@app.post("/parks/{park_id}/tickets", status_code=201)
async def open_ticket(park_id: str, body: Body) -> dict[str, str]:
    return {"park_id": park_id, "title": body.title, "state": "open"}
