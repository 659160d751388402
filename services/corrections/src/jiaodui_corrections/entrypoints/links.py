"""corrections's main flows as OpenAPI links: an erratum filed → read → approved or
rejected by the office. Links run forward only: a decision that linked back to the read
would make approve and reject places where a stateful client (schemathesis) starts a walk,
with made-up erratum ids, instead of filing one."""

from __future__ import annotations

from jiaodui_runtime.openapi_links import Link

FILED = {"path.erratum_id": "$response.body#/erratum_id"}

LINKS = (
    Link(name="ReadErratum", source="POST /v1/errata",
         target="GET /v1/errata/{erratum_id}", parameters=FILED),
    Link(name="ApproveErratum", source="GET /v1/errata/{erratum_id}",
         target="POST /v1/errata/{erratum_id}/approve", parameters=FILED,
         description="The office approves the form"),
    Link(name="RejectErratum", source="GET /v1/errata/{erratum_id}",
         target="POST /v1/errata/{erratum_id}/reject", parameters=FILED,
         description="The office rejects the form, with a reason"),
)  # fmt: skip
