"""The S3 upload stream: parts as it fills, one PutObject for small files, nothing left after an error."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.exports.pipeline.s3stream import S3UploadStream


class RecordingS3:
    """Just enough of an S3 client to see what the stream asks for (a fake transport, no network)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def _record(self, name: str, **params: Any) -> dict[str, Any]:
        self.calls.append((name, params))
        return {"UploadId": "upload-1", "ETag": f'"etag-{len(self.calls)}"'}

    def __getattr__(self, name: str) -> Any:
        return lambda **params: self._record(name, **params)

    def names(self) -> list[str]:
        return [name for name, _ in self.calls]

    def bodies(self) -> list[bytes]:
        return [params["Body"] for name, params in self.calls if "Body" in params]


def stream(client: RecordingS3, part_size: int = 10) -> S3UploadStream:
    return S3UploadStream(client, "bucket", "exports/key.csv", content_type="text/csv", part_size=part_size)


def test_small_file_is_one_put_object():
    client = RecordingS3()

    with stream(client) as out:
        out.write(b"abc")
        out.write(b"def")

    assert client.names() == ["put_object"]
    assert client.bodies() == [b"abcdef"]
    assert client.calls[0][1]["ContentType"] == "text/csv"
    assert out.size == 6


def test_large_file_is_uploaded_in_parts_while_writing():
    client = RecordingS3()

    with stream(client) as out:
        for chunk in (b"0123456", b"789ab", b"cdefghijkl", b"mn"):
            out.write(chunk)

    assert client.names() == ["create_multipart_upload", "upload_part", "upload_part", "upload_part",
                              "complete_multipart_upload"]  # fmt: skip
    assert b"".join(client.bodies()) == b"0123456789abcdefghijklmn"
    complete = client.calls[-1][1]
    assert [part["PartNumber"] for part in complete["MultipartUpload"]["Parts"]] == [1, 2, 3]
    assert out.size == 24


def test_error_inside_the_block_aborts_the_multipart_upload():
    client = RecordingS3()

    with pytest.raises(RuntimeError), stream(client) as out:
        out.write(b"x" * 25)
        raise RuntimeError("renderer crashed")

    assert client.names()[-1] == "abort_multipart_upload"
    assert "complete_multipart_upload" not in client.names()


def test_error_before_the_first_part_uploads_nothing():
    client = RecordingS3()

    with pytest.raises(RuntimeError), stream(client) as out:
        out.write(b"short")
        raise RuntimeError("renderer crashed")

    assert client.names() == []


def test_close_without_finish_never_publishes():
    client = RecordingS3()
    out = stream(client)
    out.write(b"x" * 15)

    out.close()

    assert client.names() == ["create_multipart_upload", "upload_part", "abort_multipart_upload"]
    with pytest.raises(ValueError):
        out.write(b"more")


class FailingPartS3(RecordingS3):
    def upload_part(self, **params: Any) -> dict[str, Any]:
        self._record("upload_part", **params)
        raise ConnectionError("network down")


def test_failed_part_upload_surfaces_in_the_writer_and_aborts():
    client = FailingPartS3()

    with pytest.raises(ConnectionError), stream(client) as out:
        out.write(b"x" * 15)  # the part goes up in the background...
        out.write(b"y" * 15)  # ...and its failure is raised here, before the next part is sent

    assert client.names() == ["create_multipart_upload", "upload_part", "abort_multipart_upload"]
