"""Request helpers that do not belong to a domain."""
import hashlib

from flask import current_app, request


def client_ip() -> str:
    """The client address; ProxyFix (PROXY_COUNT) has already resolved proxies."""
    return request.remote_addr or "0.0.0.0"


def client_fingerprint() -> str:
    """A keyed hash of the client address, stored instead of the address itself."""
    key = current_app.config["SECRET_KEY"].encode()
    return hashlib.blake2s(client_ip().encode(), key=key[:32], digest_size=16).hexdigest()
