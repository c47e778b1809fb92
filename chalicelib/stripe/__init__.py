"""Stripe Connect: the OAuth exchange, the encrypted keys, the signed ``state``, the resource."""
