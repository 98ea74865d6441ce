"""`/import/csv/*`: spreadsheets of a production, row by row through data."""

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from libs.common.errors import Forbidden, WrongParameter
from libs.common.permissions import Manager
from libs.common.uploads import file_bytes
from services.importer import csv_files, data_api
from services.importer.store import runs

router = APIRouter(tags=["import"])


async def _check_manager_of(request: Request, project_id: uuid.UUID, user) -> None:
    access = await data_api.get(
        request, f"/internal/import/projects/{project_id}/access", person_id=str(user.id)
    )
    if not user.is_admin and not access["member"]:
        raise Forbidden()


@router.post("/import/csv/projects/{project_id}/assets")
async def import_assets(request: Request, project_id: uuid.UUID, user: Manager):
    await _check_manager_of(request, project_id, user)
    try:
        lines = csv_files.rows(await file_bytes(request))
    except csv_files.CsvError as exc:
        raise WrongParameter(str(exc)) from None
    update = request.query_params.get("update", "").lower() in ("true", "1")
    result = await data_api.post(
        request,
        f"/internal/import/projects/{project_id}/assets",
        {"user_id": str(user.id), "update": update, "rows": [cells for _, cells in lines]},
    )
    imported, error = result["imported"], result["error"]
    async with request.app.state.db.write() as conn:
        await runs.record(
            conn,
            "csv",
            "Asset",
            user.id,
            len(lines),
            [(f"{project_id}:{a['name']}", a["id"]) for a in imported],
            error=error and error["message"],
        )
    if error is not None:
        return JSONResponse(
            {
                "error": True,
                "message": error["message"],
                "line_number": lines[error["index"]][0],
                "imported_rows": len(imported),
            },
            status_code=400,
        )
    return JSONResponse(imported, status_code=201)
