"""Liveness and dependency health."""

from __future__ import annotations

import asyncio
import time

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from scheduler_app.backend.db import get_database

router = APIRouter(tags=["health"])
CHECK_TIMEOUT_S = 3.0


async def database_health() -> dict:
    started = time.perf_counter()
    try:
        await asyncio.wait_for(get_database().ping(), CHECK_TIMEOUT_S)
    except Exception as error:  # any failure is reported, never raised
        return {"status": "down", "error": type(error).__name__}
    return {"status": "ok", "latency_ms": round((time.perf_counter() - started) * 1000, 2)}


@router.get("/api/health")
async def health() -> JSONResponse:
    """200 when every dependency answers, 503 naming the ones that do not."""
    checks = {"database": await database_health()}
    healthy = all(check["status"] == "ok" for check in checks.values())
    return JSONResponse(
        {"status": "ok" if healthy else "degraded", "checks": checks}, status_code=200 if healthy else 503
    )
