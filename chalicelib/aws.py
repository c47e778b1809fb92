"""AWS clients: one lazy, cached getter each.

Endpoints come from boto3's own configuration (``AWS_ENDPOINT_URL``, ``AWS_ENDPOINT_URL_S3``, ...),
so moto and LocalStack need no code here. The region is the one Lambda sets (``AWS_REGION``). This
module reads no settings: the settings read their secrets from SSM through it.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any

import boto3
from botocore.config import Config

# Every call is bounded: a hung endpoint costs at most 2 x (2 s + 8 s) plus a short backoff, inside
# API Gateway's 29 s, instead of botocore's default of 60 s per read and up to 5 attempts.
_LIMITS = {"connect_timeout": 2, "read_timeout": 8, "retries": {"max_attempts": 2, "mode": "standard"}}


def region() -> str:
    """Lambda sets ``AWS_REGION``; tools and tests often set only ``AWS_DEFAULT_REGION``."""
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"


@lru_cache(maxsize=1)
def s3() -> Any:
    # SigV4: boto3 still presigns with SigV2 by default, which real S3 rejects in new regions
    # and which cannot express a short expiry reliably.
    config = Config(signature_version="s3v4", **_LIMITS)
    return boto3.client("s3", region_name=region(), config=config)


@lru_cache(maxsize=1)
def sqs() -> Any:
    return boto3.client("sqs", region_name=region(), config=Config(**_LIMITS))


@lru_cache(maxsize=1)
def kms() -> Any:
    return boto3.client("kms", region_name=region(), config=Config(**_LIMITS))


@lru_cache(maxsize=1)
def ssm() -> Any:
    """Parameter Store, where production keeps the secrets (``chalicelib.settings.Secret``)."""
    return boto3.client("ssm", region_name=region(), config=Config(**_LIMITS))


def reset() -> None:
    """Forget every client, so that the next use reads the environment again."""
    for getter in (s3, sqs, kms, ssm):
        getter.cache_clear()
