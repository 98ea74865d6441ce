"""SAML and OpenID Connect: not configured yet, answered as Zou answers then."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse

router = APIRouter(tags=["auth"])


def not_enabled(protocol: str) -> JSONResponse:
    return JSONResponse({"error": f"{protocol} is not enabled."}, status_code=400)


@router.get("/auth/saml/login")
@router.post("/auth/saml/sso")
async def saml():
    return not_enabled("SAML")


@router.get("/auth/oidc/login")
@router.get("/auth/oidc/callback")
async def oidc():
    return not_enabled("OIDC")
