"""A writable binary stream into one S3 object, uploaded in multipart parts as it fills.

A file smaller than one part is sent with a single ``PutObject`` when the stream closes; a larger
one becomes a multipart upload that is completed by ``finish`` (a clean exit of the ``with``
block) and aborted by anything else (an error, ``close``, garbage collection), so a failed export
never leaves an object, or billable orphan parts, behind.

Each part uploads in a background thread while the writer fills the next one, so the export does
not stall on the network; at most one part is in flight, so memory stays bounded by about two
parts whatever the size of the file.
"""

from __future__ import annotations

import io
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_for
from contextlib import suppress
from types import TracebackType
from typing import Any

# S3 wants parts of at least 5 MiB (all but the last); 8 MiB is what the AWS CLI uses.
PART_SIZE = 8 * 1024 * 1024


class S3UploadStream(io.RawIOBase):
    """Use as a context manager: ``with S3UploadStream(client, bucket, key) as out: out.write(...)``."""

    def __init__(self, client: Any, bucket: str, key: str, *, content_type: str, part_size: int = PART_SIZE) -> None:
        super().__init__()
        self._client = client
        self._object = {"Bucket": bucket, "Key": key}
        # Private bucket, encrypted at rest; the download's headers come from the presigned URL.
        self._extra = {"ContentType": content_type, "ServerSideEncryption": "AES256"}
        self._part_size = part_size
        self._buffer = bytearray()
        self._upload_id: str | None = None
        self._uploader: ThreadPoolExecutor | None = None
        self._in_flight: Future[dict[str, Any]] | None = None
        self._parts: list[dict[str, Any]] = []
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        if self.closed:
            raise ValueError("write to a closed S3UploadStream")
        self._buffer += data
        written = len(data) if isinstance(data, bytes | bytearray) else memoryview(data).nbytes
        self.size += written
        if len(self._buffer) >= self._part_size:
            # Parts need not be equal: send the whole buffer (one part plus at most one write).
            full, self._buffer = self._buffer, bytearray()
            self._send_part(full)
        return written

    def _send_part(self, body: bytearray) -> None:
        if self._upload_id is None:
            self._upload_id = self._client.create_multipart_upload(**self._object, **self._extra)["UploadId"]
            self._uploader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="s3-part")
        assert self._uploader is not None
        self._collect()
        number = len(self._parts) + 1
        upload = {**self._object, "UploadId": self._upload_id, "PartNumber": number, "Body": body}
        self._in_flight = self._uploader.submit(lambda: self._client.upload_part(**upload))

    def _collect(self) -> None:
        """Wait for the part in flight; its failure surfaces here, in the writer's thread."""
        if self._in_flight is not None:
            in_flight, self._in_flight = self._in_flight, None
            self._parts.append({"PartNumber": len(self._parts) + 1, "ETag": in_flight.result()["ETag"]})

    def finish(self) -> None:
        """Publish the object: the last part and CompleteMultipartUpload, or one PutObject."""
        if self.closed:
            raise ValueError("finish of a closed S3UploadStream")
        try:
            if self._upload_id is None:
                self._client.put_object(**self._object, **self._extra, Body=self._buffer)
            else:
                if self._buffer:
                    self._send_part(self._buffer)
                self._collect()
                parts = {"Parts": self._parts}
                self._client.complete_multipart_upload(**self._object, UploadId=self._upload_id, MultipartUpload=parts)
                self._upload_id = None
        finally:
            self.close()

    def close(self) -> None:
        """Abort unless ``finish`` published the object: closing (or garbage collection) never publishes."""
        if self.closed:
            return
        try:
            if self._in_flight is not None:
                wait_for([self._in_flight])  # an abort must not race a part still uploading
            if self._upload_id is not None:
                self._client.abort_multipart_upload(**self._object, UploadId=self._upload_id)
                self._upload_id = None
        finally:
            if self._uploader is not None:
                self._uploader.shutdown(wait=False)
            self._buffer = bytearray()
            super().close()

    def __enter__(self) -> S3UploadStream:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if kind is None:
            self.finish()
        else:
            self.close()


def incomplete_uploads(client: Any, bucket: str, prefix: str) -> list[tuple[str, str]]:
    """The key and upload id of every multipart upload under ``prefix`` that was neither completed nor aborted."""
    pages = client.get_paginator("list_multipart_uploads").paginate(Bucket=bucket, Prefix=prefix)
    return [(upload["Key"], upload["UploadId"]) for page in pages for upload in page.get("Uploads", [])]


def abort_upload(client: Any, bucket: str, key: str, upload_id: str) -> None:
    """Abort one multipart upload; one that is already gone is fine."""
    with suppress(client.exceptions.NoSuchUpload):
        client.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id)
