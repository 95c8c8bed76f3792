"""Domain errors raised by services; the REST API maps them to problem+json, the UI to messages."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FieldProblem:
    """One invalid input field: a dotted path and a readable message."""

    field: str
    message: str


@dataclass
class DomainError(Exception):
    """Base of errors a user can be told about."""

    detail: str
    status: int = 400
    title: str = "Bad request"
    errors: list[FieldProblem] = field(default_factory=list)

    def __str__(self) -> str:
        if self.errors:
            return "; ".join(f"{problem.field}: {problem.message}" for problem in self.errors)
        return self.detail


class InvalidInputError(DomainError):
    def __init__(self, detail: str, errors: list[FieldProblem] | None = None):
        super().__init__(detail, 422, "Invalid input", errors or [])


class NotFoundError(DomainError):
    """Missing, or not visible to the caller (the two are never told apart)."""

    def __init__(self, detail: str = "Not found."):
        super().__init__(detail, 404, "Not found")


class ForbiddenError(DomainError):
    def __init__(self, detail: str = "You may not do that."):
        super().__init__(detail, 403, "Forbidden")


class ConflictError(DomainError):
    def __init__(self, detail: str):
        super().__init__(detail, 409, "Conflict")


class PreconditionFailedError(DomainError):
    def __init__(self, detail: str = "The resource changed since you read it; reload and retry."):
        super().__init__(detail, 412, "Precondition failed")


class AuthenticationError(DomainError):
    def __init__(self, detail: str = "Sign in to continue."):
        super().__init__(detail, 401, "Unauthorized")


class PayloadTooLargeError(DomainError):
    def __init__(self, detail: str):
        super().__init__(detail, 413, "Payload too large")


class TooManyRequestsError(DomainError):
    """Slow down: `retry_after` seconds until the next attempt is considered."""

    def __init__(self, detail: str, retry_after: int):
        super().__init__(detail, 429, "Too many requests")
        self.retry_after = retry_after
