"""Request bodies parsed the way Zou answers them: 400 "Validation error." with one entry
per field, and "Missing required parameter: x" for query arguments."""

import json
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from pydantic import BaseModel, ValidationError

from libs.common.errors import WrongParameter

M = TypeVar("M", bound=BaseModel)


def validation_error(error: ValidationError) -> WrongParameter:
    errors = [
        {"field": ".".join(str(p) for p in e["loc"]) or "body", "message": e["msg"]}
        for e in error.errors()
    ]
    return WrongParameter("Validation error.", data={"errors": errors})


def body_of(model: type[M]):
    """Dependency: the JSON body validated against `model`."""

    async def parse(request: Request) -> M:
        raw = await request.body()
        data: object = {}
        if raw:
            try:
                data = json.loads(raw)
            except ValueError:
                data = {}
        if not isinstance(data, dict):
            data = {}
        try:
            return model.model_validate(data)
        except ValidationError as error:
            raise validation_error(error) from None

    return Depends(parse)


def Body(model: type[M]):  # noqa: N802 - reads like a type in route signatures
    return Annotated[model, body_of(model)]


def required_arg(request: Request, name: str) -> str:
    value = request.query_params.get(name)
    if not value:
        raise WrongParameter(f"Missing required parameter: {name}", data=None)
    return value
