"""Envelope encryption of Stripe tokens with KMS (moto over HTTP): a data key per record, AES-GCM."""

from __future__ import annotations

import pytest

from chalicelib.errors import AppError
from chalicelib.stripe.crypto import Sealed, Tokens, new_data_key, seal, unseal

TOKENS = Tokens(access_token="sk_test_accessSECRET", refresh_token="rt_test_refreshSECRET")


def test_sealed_tokens_open_again_through_kms(stack):
    sealed = seal(TOKENS, new_data_key(7))

    assert unseal(sealed, event_id=7) == TOKENS


def test_sealed_tokens_hold_no_token_in_clear(stack):
    sealed = seal(TOKENS, new_data_key(7))

    for blob in (sealed.encrypted_data_key, sealed.ciphertext):
        assert b"SECRET" not in blob
        assert b"sk_test" not in blob


def test_each_record_gets_its_own_data_key(stack):
    first, second = seal(TOKENS, new_data_key(7)), seal(TOKENS, new_data_key(7))

    assert first.encrypted_data_key != second.encrypted_data_key
    assert first.ciphertext != second.ciphertext


def test_tokens_sealed_for_one_event_do_not_open_for_another(stack):
    sealed = seal(TOKENS, new_data_key(7))

    with pytest.raises(AppError):
        unseal(sealed, event_id=8)


def test_altered_ciphertext_does_not_open(stack):
    sealed = seal(TOKENS, new_data_key(7))
    flipped = sealed.ciphertext[:-1] + bytes([sealed.ciphertext[-1] ^ 1])

    with pytest.raises(AppError):
        unseal(Sealed(sealed.encrypted_data_key, flipped), event_id=7)
