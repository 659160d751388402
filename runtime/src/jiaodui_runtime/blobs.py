"""Blob storage behind one small interface: a local folder, or S3-compatible storage.

Blobs are content-addressed (SHA-256 of the bytes), so names are always safe,
never derived from an upload, and storing the same bytes twice is harmless.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import tempfile
from pathlib import Path
from typing import Any, Protocol


class BlobNotFoundError(LookupError):
    pass


class BlobStore(Protocol):
    """Where photos and scans live."""

    async def put(self, data: bytes, *, content_type: str) -> str:
        """Store ``data``; return its key (``sha256:<hex>``)."""
        ...

    async def get(self, key: str) -> bytes: ...

    async def delete(self, key: str) -> None: ...


def blob_key(data: bytes) -> str:
    return f"sha256:{hashlib.sha256(data).hexdigest()}"


def _digest(key: str) -> str:
    algo, _, digest = key.partition(":")
    if algo != "sha256" or len(digest) != 64 or not all(c in "0123456789abcdef" for c in digest):
        raise BlobNotFoundError(key)
    return digest


class LocalBlobStore:
    """A folder: ``<root>/ab/cd/<digest>``; writes are atomic (temp file, then rename)."""

    def __init__(self, root: Path) -> None:
        self._root = root

    def _path(self, key: str) -> Path:
        digest = _digest(key)
        return self._root / digest[:2] / digest[2:4] / digest

    async def put(self, data: bytes, *, content_type: str) -> str:
        key = blob_key(data)
        path = self._path(key)

        def write() -> None:
            if path.exists():
                return
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)

        await asyncio.to_thread(write)
        return key

    async def get(self, key: str) -> bytes:
        path = self._path(key)
        try:
            return await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError as exc:
            raise BlobNotFoundError(key) from exc

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._path(key).unlink, missing_ok=True)


class S3BlobStore:
    """S3-compatible object storage (AWS, MinIO, Ceph...) through aioboto3."""

    def __init__(
        self,
        *,
        bucket: str,
        prefix: str = "",
        endpoint_url: str | None = None,
        region: str | None = None,
        access_key: str | None = None,
        secret_key: str | None = None,
    ) -> None:
        import aioboto3

        self._session: Any = aioboto3.Session(
            aws_access_key_id=access_key, aws_secret_access_key=secret_key, region_name=region
        )
        self._bucket = bucket
        self._prefix = prefix
        self._endpoint_url = endpoint_url

    def _object(self, key: str) -> str:
        return f"{self._prefix}{_digest(key)}"

    def _client(self) -> Any:
        return self._session.client("s3", endpoint_url=self._endpoint_url)

    async def put(self, data: bytes, *, content_type: str) -> str:
        key = blob_key(data)
        async with self._client() as s3:
            await s3.put_object(
                Bucket=self._bucket, Key=self._object(key), Body=data, ContentType=content_type
            )
        return key

    async def get(self, key: str) -> bytes:
        async with self._client() as s3:
            try:
                answer = await s3.get_object(Bucket=self._bucket, Key=self._object(key))
            except s3.exceptions.NoSuchKey as exc:
                raise BlobNotFoundError(key) from exc
            body: bytes = await answer["Body"].read()
            return body

    async def delete(self, key: str) -> None:
        async with self._client() as s3:
            await s3.delete_object(Bucket=self._bucket, Key=self._object(key))


def blob_store_from_url(url: str) -> BlobStore:
    """``file:///path`` or a plain path → local; ``s3://bucket/prefix`` → S3 (credentials
    and endpoint from the standard AWS environment/config of the deployment)."""
    if url.startswith("s3://"):
        bucket, _, prefix = url.removeprefix("s3://").partition("/")
        return S3BlobStore(bucket=bucket, prefix=prefix)
    return LocalBlobStore(Path(url.removeprefix("file://")))
