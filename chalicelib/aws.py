"""AWS clients: one lazy, cached getter each.

Endpoints come from boto3's own configuration (``AWS_ENDPOINT_URL``, ``AWS_ENDPOINT_URL_S3``, ...),
so moto and LocalStack need no code here.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import boto3
from botocore.config import Config

from chalicelib.settings import get_settings

_RETRIES = {"max_attempts": 3, "mode": "standard"}


@lru_cache(maxsize=1)
def s3() -> Any:
    # SigV4: boto3 still presigns with SigV2 by default, which real S3 rejects in new regions
    # and which cannot express a short expiry reliably.
    config = Config(signature_version="s3v4", retries=_RETRIES)
    return boto3.client("s3", region_name=get_settings().aws_region, config=config)


@lru_cache(maxsize=1)
def sqs() -> Any:
    return boto3.client("sqs", region_name=get_settings().aws_region, config=Config(retries=_RETRIES))


@lru_cache(maxsize=1)
def kms() -> Any:
    return boto3.client("kms", region_name=get_settings().aws_region, config=Config(retries=_RETRIES))


@lru_cache(maxsize=1)
def ssm() -> Any:
    """Parameter Store, where production keeps the secrets (``chalicelib.settings.Secret``)."""
    return boto3.client("ssm", region_name=get_settings().aws_region, config=Config(retries=_RETRIES))


def reset() -> None:
    """Forget every client, so that the next use reads the environment again."""
    for getter in (s3, sqs, kms, ssm):
        getter.cache_clear()
