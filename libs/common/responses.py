"""Answers already made of JSON values (str, numbers, lists, dicts), written as they are.

FastAPI walks every value of a returned dict or list with jsonable_encoder before
json.dumps; on list answers of whole rows that walk was most of the request (61% of the
data process's samples for a project's team). PlainJSON writes with the same json.dumps
settings as FastAPI's JSONResponse, so the bytes are the same; a value json cannot write
itself still goes through jsonable_encoder.
"""

import json
from typing import Any

from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse


class PlainJSON(JSONResponse):
    def render(self, content: Any) -> bytes:
        return json.dumps(
            content,
            ensure_ascii=False,
            allow_nan=False,
            separators=(",", ":"),
            default=jsonable_encoder,
        ).encode()
