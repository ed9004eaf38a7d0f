"""What templates see of a job."""

from __future__ import annotations

from pydantic import BaseModel


class JobView(BaseModel):
    """A job as texts see it."""

    id: str
    model: str
    model_name: str
    price: str
    free: bool
    state: str
    elapsed: str
    created: str
    error: str = ""
