"""RFC 9457 problem+json responses for every error the API returns."""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pymongo.errors import ConnectionFailure, ServerSelectionTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException

from scheduler_app.backend.errors import DomainError, TooManyRequestsError
from scheduler_app.backend.models import CorruptDocumentError

PROBLEM_JSON = "application/problem+json"
log = structlog.get_logger("scheduler_app.api")


def problem(
    status: int,
    title: str,
    detail: str,
    request: Request,
    errors: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
    }
    if errors:
        body["errors"] = errors
    body.update(extra)
    headers = {"WWW-Authenticate": 'Cookie realm="scheduler"'} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _field_path(location: tuple[Any, ...]) -> str:
    parts = [str(part) for part in location if part not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


def install_problem_handlers(app: FastAPI) -> None:
    """Map domain, validation, HTTP and infrastructure errors to problem+json."""

    @app.exception_handler(DomainError)
    async def _domain(request: Request, error: DomainError) -> JSONResponse:
        response = problem(
            error.status,
            error.title,
            error.detail,
            request,
            [{"field": item.field, "message": item.message} for item in error.errors],
        )
        if isinstance(error, TooManyRequestsError):
            response.headers["Retry-After"] = str(error.retry_after)
        return response

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, error: RequestValidationError) -> JSONResponse:
        errors = [
            {"field": _field_path(tuple(item.get("loc", ()))), "message": item.get("msg", "Invalid value.")}
            for item in error.errors()
        ]
        malformed = any(item.get("type") == "json_invalid" for item in error.errors())
        detail = "The request body is not valid JSON." if malformed else "Please correct the listed fields."
        return problem(422, "Invalid input", detail, request, errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> JSONResponse:
        return problem(error.status_code, str(error.detail), str(error.detail), request)

    @app.exception_handler(ServerSelectionTimeoutError)
    @app.exception_handler(ConnectionFailure)
    async def _database_down(request: Request, error: Exception) -> JSONResponse:
        log.error("database.unavailable", error=str(error))
        return problem(
            503, "Service unavailable", "The database cannot be reached; nothing was changed.", request
        )

    @app.exception_handler(CorruptDocumentError)
    async def _corrupt(request: Request, error: CorruptDocumentError) -> JSONResponse:
        log.error("database.corrupt_document", error=str(error))
        return problem(
            500, "Internal error", "A stored record is damaged; the operators have been told.", request
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("api.unhandled", error_type=type(error).__name__)
        return problem(500, "Internal error", "Something went wrong on our side.", request)
