"""KMS envelope encryption of a connected account's tokens.

Per record, KMS ``GenerateDataKey`` gives a fresh 256-bit key in clear and encrypted under the
master key. The tokens are sealed with AES-GCM under the clear key, which is then forgotten; the
database keeps only the encrypted data key and ``version || nonce || ciphertext+tag``. Reading them
back needs KMS ``Decrypt``, which is logged by CloudTrail and can be denied by key policy.

The event id is bound to both layers (KMS encryption context and GCM associated data), so that
ciphertext copied to another event's row does not decrypt.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from botocore.exceptions import BotoCoreError, ClientError
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from chalicelib import aws
from chalicelib.errors import AppError, ServiceUnavailable
from chalicelib.settings import get_settings

_VERSION = b"\x01"
_NONCE_BYTES = 12
_PURPOSE = "stripe-authorization"


@dataclass(frozen=True)
class Tokens:
    """The account's secret key (``access_token``) and refresh token, in clear: never logged."""

    access_token: str = field(repr=False)
    refresh_token: str | None = field(repr=False)


@dataclass(frozen=True)
class Sealed:
    encrypted_data_key: bytes
    ciphertext: bytes


def _context(event_id: int) -> dict[str, str]:
    return {"purpose": _PURPOSE, "event_id": str(event_id)}


@dataclass(frozen=True)
class DataKey:
    """A fresh data key for one record: in clear (for sealing, then dropped) and wrapped by KMS."""

    event_id: int
    plaintext: bytes = field(repr=False)
    encrypted: bytes = field(repr=False)


def new_data_key(event_id: int) -> DataKey:
    """Ask KMS for a data key. Callers do it before spending Stripe's one-time code, so that a KMS
    outage fails the request while the code is still good."""
    with _key_service():
        answer = aws.kms().generate_data_key(
            KeyId=get_settings().kms_key_id, KeySpec="AES_256", EncryptionContext=_context(event_id)
        )
    return DataKey(event_id=event_id, plaintext=answer["Plaintext"], encrypted=answer["CiphertextBlob"])


def seal(tokens: Tokens, key: DataKey) -> Sealed:
    """Encrypt ``tokens`` under ``key``, for the authorization of ``key.event_id``."""
    nonce = os.urandom(_NONCE_BYTES)
    plaintext = json.dumps({"access_token": tokens.access_token, "refresh_token": tokens.refresh_token}).encode()
    sealed = AESGCM(key.plaintext).encrypt(nonce, plaintext, _associated_data(key.event_id))
    return Sealed(encrypted_data_key=key.encrypted, ciphertext=_VERSION + nonce + sealed)


def unseal(sealed: Sealed, *, event_id: int) -> Tokens:
    """The tokens of ``sealed``; fails if the record was altered or belongs to another event."""
    if sealed.ciphertext[:1] != _VERSION:
        raise AppError("Unknown encryption format for the Stripe tokens")
    with _key_service():
        data_key = aws.kms().decrypt(CiphertextBlob=sealed.encrypted_data_key, EncryptionContext=_context(event_id))
    nonce, body = sealed.ciphertext[1 : 1 + _NONCE_BYTES], sealed.ciphertext[1 + _NONCE_BYTES :]
    try:
        plaintext = AESGCM(data_key["Plaintext"]).decrypt(nonce, body, _associated_data(event_id))
    except InvalidTag:
        raise AppError("The Stripe tokens were altered or belong to another event") from None
    values = json.loads(plaintext)
    return Tokens(access_token=values["access_token"], refresh_token=values["refresh_token"])


@contextmanager
def _key_service() -> Iterator[None]:
    """KMS failures as our errors: a data key of another record is ours (500), an outage is 503."""
    try:
        yield
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "InvalidCiphertextException":
            raise AppError("The Stripe tokens' data key does not belong to this event") from None
        raise ServiceUnavailable(f"The key service is unavailable: {error.response['Error'].get('Code')}") from None
    except BotoCoreError as error:
        raise ServiceUnavailable(f"The key service is unavailable: {type(error).__name__}") from None


def _associated_data(event_id: int) -> bytes:
    return f"{_PURPOSE}:{event_id}".encode()
