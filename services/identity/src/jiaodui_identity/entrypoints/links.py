"""identity's main flows as OpenAPI links: register → (the activation mail) → activate →
real name. The activation token travels only by mail, so no link joins registering to
activating; what a link can carry is the address (to re-send the mail) and, from activation
or a login on, the access token as the bearer of the next calls."""

from __future__ import annotations

from jiaodui_runtime.openapi_links import Link

BEARER = {"header.Authorization": "Bearer {$response.body#/access_token}"}

LINKS = (
    Link(
        name="ResendActivationMail",
        source="POST /v1/accounts",
        target="POST /v1/accounts/activation-mail",
        request_body={"email": "$request.body#/email"},
        description="The activation mail again, to the address just registered",
    ),
    Link(
        name="RegisterRealName",
        source="POST /v1/accounts/activate",
        target="PUT /v1/me/realname",
        parameters=BEARER,
        description="Real-name registration, with the token the activation answered",
    ),
    Link(
        name="ReadProfile",
        source="POST /v1/accounts/activate",
        target="GET /v1/me",
        parameters=BEARER,
    ),
    Link(
        name="ReadProfile",
        source="POST /v1/sessions",
        target="GET /v1/me",
        parameters=BEARER,
    ),
    Link(
        name="LogOut",
        source="POST /v1/sessions",
        target="DELETE /v1/sessions/current",
        parameters=BEARER,
        description="Ends the session just opened",
    ),
)
