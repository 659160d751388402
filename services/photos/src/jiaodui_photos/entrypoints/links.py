"""photos's main flows as OpenAPI links: a batch → its files → a linked photo, which its
student confirms or disputes; the student's own photos → the same answers. Links run
forward only (see corrections's links: a link out of confirm would make it a starting
point of stateful walks, with made-up photo ids)."""

from __future__ import annotations

from jiaodui_runtime.openapi_links import Link

BATCH_PHOTO = {"path.photo_id": "$response.body#/files/0/photo_id"}
MY_PHOTO = {"path.photo_id": "$response.body#/0/graduation/photo_id"}

LINKS = (
    Link(
        name="ReadBatch",
        source="POST /v1/batches",
        target="GET /v1/batches/{batch_id}",
        parameters={"path.batch_id": "$response.body#/batch_id"},
        description="The batch's progress and each file's photo",
    ),
    Link(name="ViewPhoto", source="GET /v1/batches/{batch_id}",
         target="GET /v1/photos/{photo_id}/image", parameters=BATCH_PHOTO),
    Link(name="ConfirmPhoto", source="GET /v1/batches/{batch_id}",
         target="POST /v1/photos/{photo_id}/confirm", parameters=BATCH_PHOTO,
         description="The photo's student answers: correct"),
    Link(name="DisputePhoto", source="GET /v1/batches/{batch_id}",
         target="POST /v1/photos/{photo_id}/dispute", parameters=BATCH_PHOTO,
         description="The photo's student answers: wrong"),
    Link(name="ViewPhoto", source="GET /v1/me/photos",
         target="GET /v1/photos/{photo_id}/image", parameters=MY_PHOTO),
    Link(name="ConfirmPhoto", source="GET /v1/me/photos",
         target="POST /v1/photos/{photo_id}/confirm", parameters=MY_PHOTO),
    Link(name="DisputePhoto", source="GET /v1/me/photos",
         target="POST /v1/photos/{photo_id}/dispute", parameters=MY_PHOTO),
)  # fmt: skip
