"""The feeds in the bucket: the files, content-addressed, and one small manifest per event.

``feeds/files/<event id>/<sha256>-<name>`` never changes once written, so a presigned link to it
stays right until it expires and a file that did not change is not written again;
``feeds/manifests/<identifier>.json`` names the current files with their ETags, sizes and the
feeds' version. A request reads the manifest only (one small GET, no database); the refresh
writes it last, after the files it names, and deletes it when the schedule is no longer public.
The prefix is outside the exports' lifecycle rule (``exports/``), so feeds never expire.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, BinaryIO
from urllib.parse import quote

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib import aws
from chalicelib.errors import ServiceUnavailable
from chalicelib.settings import get_settings

log = logging.getLogger(__name__)

PREFIX = "feeds/"
IDENTIFIER_MAX = 64  # events.identifier's length


@dataclass(frozen=True)
class StoredFile:
    key: str
    etag: str  # S3's own (quoted, strong): the same bytes uploaded the same way get the same one
    size: int
    content_type: str
    last_modified: datetime  # when these bytes were first published, to the second (HTTP dates)


@dataclass(frozen=True)
class Manifest:
    event_id: int
    version: str
    last_modified: datetime  # when the version changed, to the second
    files: dict[str, StoredFile]

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), sort_keys=True, default=datetime.isoformat).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        document: dict[str, Any] = json.loads(raw)
        return cls(
            event_id=document["event_id"],
            version=document["version"],
            last_modified=datetime.fromisoformat(document["last_modified"]),
            files={
                name: StoredFile(**stored | {"last_modified": datetime.fromisoformat(stored["last_modified"])})
                for name, stored in document["files"].items()
            },
        )


def manifest_key(identifier: str) -> str:
    # Quoted: an identifier is whatever the URL held, and must name no other key.
    return f"{PREFIX}manifests/{quote(identifier, safe='')}.json"


def files_prefix(event_id: int) -> str:
    return f"{PREFIX}files/{event_id}/"


def file_key(event_id: int, name: str, digest: str) -> str:
    return f"{files_prefix(event_id)}{digest}-{name}"


def _bucket() -> str:
    return get_settings().export_bucket


def _unavailable(error: Exception) -> ServiceUnavailable:
    return ServiceUnavailable(
        f"The feed storage is not available right now ({type(error).__name__}); try again shortly"
    )


def _missing(error: ClientError, key: str) -> bool:
    """Whether S3 said the key does not exist. A role that may read ``feeds/*`` but not list the
    bucket for that read gets ``AccessDenied`` for a missing key instead of ``NoSuchKey`` (S3 hides
    which keys exist); every role that reads here is granted ``s3:GetObject`` on ``feeds/*``, so a
    denial means missing, logged in case a role lost its read."""
    code = error.response.get("Error", {}).get("Code")
    if code == "AccessDenied":
        log.warning("feeds: reading %s was denied: taken as missing (the role may not list the bucket)", key)
    return code in {"NoSuchKey", "404", "AccessDenied", "403"}


def read_manifest(identifier: str) -> Manifest | None:
    """The event's manifest, or None when its schedule is not public (or there is no such event)."""
    if len(identifier) > IDENTIFIER_MAX:  # no event has it, and S3 refuses keys over 1,024 bytes
        return None
    key = manifest_key(identifier)
    try:
        answer = aws.s3().get_object(Bucket=_bucket(), Key=key)
        return Manifest.from_json(answer["Body"].read())
    except ClientError as error:
        if _missing(error, key):
            return None
        raise _unavailable(error) from error
    except BotoCoreError as error:
        raise _unavailable(error) from error


def read_file(stored: StoredFile) -> bytes:
    try:
        body: bytes = aws.s3().get_object(Bucket=_bucket(), Key=stored.key)["Body"].read()
    except (ClientError, BotoCoreError) as error:
        raise _unavailable(error) from error
    return body


def stored_keys(prefix: str) -> set[str]:
    """The keys under ``prefix`` (a thousand per request): how the refresh sees, without reading
    them, which of an event's files are still in the bucket."""
    keys: set[str] = set()
    for page in aws.s3().get_paginator("list_objects_v2").paginate(Bucket=_bucket(), Prefix=prefix):
        keys.update(item["Key"] for item in page.get("Contents", []))
    return keys


def download_url(stored: StoredFile, expiry_seconds: int, attachment: str | None) -> str:
    """A presigned GET of the file, with its media type (and ``attachment``'s file name)."""
    params = {"Bucket": _bucket(), "Key": stored.key, "ResponseContentType": stored.content_type}
    if attachment:
        params["ResponseContentDisposition"] = f'attachment; filename="{attachment}"'
    url: str = aws.s3().generate_presigned_url("get_object", Params=params, ExpiresIn=expiry_seconds)
    return url


def put_file(key: str, body: BinaryIO, content_type: str) -> str:
    """Upload the file in one PUT (feeds are megabytes, far under S3's 5 GB); return the ETag S3
    gives it, which the feeds answer with too: a client that followed the redirect of a large file
    keeps S3's ETag and sends it back to the stable URL (EventFahrplan stores the ETag of the
    response it finally read)."""
    etag: str = aws.s3().put_object(Bucket=_bucket(), Key=key, Body=body, ContentType=content_type)["ETag"]
    return etag


def put_manifest(identifier: str, manifest: Manifest) -> None:
    aws.s3().put_object(
        Bucket=_bucket(), Key=manifest_key(identifier), Body=manifest.to_json(), ContentType="application/json"
    )


def delete(keys: list[str]) -> None:
    """Delete these objects (missing ones are no error), a thousand per request as S3 allows."""
    for start in range(0, len(keys), 1000):
        chunk = [{"Key": key} for key in keys[start : start + 1000]]
        aws.s3().delete_objects(Bucket=_bucket(), Delete={"Objects": chunk, "Quiet": True})
