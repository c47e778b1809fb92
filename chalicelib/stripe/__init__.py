"""Stripe Connect: the OAuth exchange, the encrypted keys, the signed ``state``, the resource."""

# Where errors about the one-time code point, in the request and in Stripe's answer alike.
CODE_POINTER = "/data/attributes/stripe-auth-code"
