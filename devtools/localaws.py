"""AWS for the local stack and the tests: ``AWS_ENDPOINT_URL`` when set (LocalStack), else moto.

``provision`` creates what the deployment template creates in production (bucket, export queue and
its dead-letter queue, KMS key), so that the application code runs unchanged against either.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any

import boto3

FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}
KMS_ALIAS = "alias/open-event-secrets"
QUEUE_NAME = "open-event-exports"
BUCKET_NAME = "open-event-exports"


def start_moto(port: int = 0) -> tuple[Any, str]:
    """A moto server on 127.0.0.1 in a thread of this process; returns it and its endpoint."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    host, bound_port = server.get_host_and_port()
    return server, f"http://{host}:{bound_port}"


def use_endpoint(endpoint: str, region: str = "us-east-1") -> None:
    """Point every boto3 client of this process (and its children) at ``endpoint``."""
    os.environ["AWS_ENDPOINT_URL"] = endpoint
    os.environ.setdefault("AWS_DEFAULT_REGION", region)
    os.environ.setdefault("AWS_REGION", region)
    for name, value in FAKE_CREDENTIALS.items():
        os.environ.setdefault(name, value)


@dataclass(frozen=True)
class Resources:
    bucket: str
    queue_url: str
    dead_letter_queue_url: str
    kms_key_id: str

    def environment(self) -> dict[str, str]:
        return {"EXPORT_BUCKET": self.bucket, "EXPORT_QUEUE_URL": self.queue_url, "KMS_KEY_ID": self.kms_key_id}


def provision(
    *,
    bucket: str = BUCKET_NAME,
    queue_name: str = QUEUE_NAME,
    max_receive_count: int = 3,
    visibility_timeout: int = 960,
) -> Resources:
    """Create the bucket, the queues and the KMS key unless they exist. Idempotent."""
    region = os.environ.get("AWS_DEFAULT_REGION", "us-east-1")
    s3 = boto3.client("s3", region_name=region)
    sqs = boto3.client("sqs", region_name=region)
    kms = boto3.client("kms", region_name=region)

    existing = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
    if bucket not in existing:
        s3.create_bucket(Bucket=bucket)
    s3.put_public_access_block(
        Bucket=bucket,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )

    dlq_url = sqs.create_queue(QueueName=f"{queue_name}-dlq", Attributes={"MessageRetentionPeriod": "1209600"})[
        "QueueUrl"
    ]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(max_receive_count)})
    queue_url = sqs.create_queue(
        QueueName=queue_name,
        Attributes={"VisibilityTimeout": str(visibility_timeout), "RedrivePolicy": redrive},
    )["QueueUrl"]

    aliases = {a["AliasName"]: a.get("TargetKeyId") for a in kms.list_aliases()["Aliases"]}
    if aliases.get(KMS_ALIAS) is None:
        key_id = kms.create_key(Description="open-event-serverless secrets (local)")["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName=KMS_ALIAS, TargetKeyId=key_id)
    return Resources(bucket=bucket, queue_url=queue_url, dead_letter_queue_url=dlq_url, kms_key_id=KMS_ALIAS)
