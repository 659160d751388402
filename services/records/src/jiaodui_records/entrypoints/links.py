"""records's main flows as OpenAPI links: an import → its progress → the institution's
roster → one record; a student's records → the print view and the collection code."""

from __future__ import annotations

from jiaodui_runtime.openapi_links import Link

LINKS = (
    Link(
        name="ReadImport",
        source="POST /v1/imports",
        target="GET /v1/imports/{import_id}",
        parameters={"path.import_id": "$response.body#/import_id"},
        description="The import's progress and row errors",
    ),
    Link(
        name="ListImportedRecords",
        source="GET /v1/imports/{import_id}",
        target="GET /v1/records",
        parameters={"query.institution_code": "$response.body#/institution_code"},
        description="The roster of the institution the import was for",
    ),
    Link(
        name="ReadRecord",
        source="GET /v1/records",
        target="GET /v1/records/{record_id}",
        parameters={"path.record_id": "$response.body#/items/0/record_id"},
    ),
    Link(
        name="NextPage",
        source="GET /v1/records",
        target="GET /v1/records",
        parameters={
            "query.cursor": "$response.body#/next_cursor",
            "query.institution_code": "$request.query.institution_code",
        },
    ),
    Link(
        name="PrintRecord",
        source="GET /v1/me/records",
        target="GET /v1/me/records/{record_id}/printable",
        parameters={"path.record_id": "$response.body#/0/record_id"},
    ),
    Link(
        name="CollectionCode",
        source="GET /v1/me/records",
        target="GET /v1/me/records/{record_id}/collection-code",
        parameters={"path.record_id": "$response.body#/0/record_id"},
    ),
)
