# Keeps the Python STAC clients off the network during tests.
#
# stac-api-validator runs stac-validator and stac-check, which fetch JSON schemas
# (and try asset and link URLs) from the internet. With this directory on
# PYTHONPATH, Python imports this module at start-up, and it answers every HTTP(S)
# request to a non-loopback host from ../stac-schemas/<host>/<path> (200 with the
# file, else 404) without opening a connection. Loopback requests, such as those to
# the API under test, go through untouched.
#
# Environment: STAC_SCHEMA_DIR overrides the schema directory; STAC_OFFLINE_LOG
# names a file to append "<status>\t<url>" to for each answered request, which is
# how the schema files kept in the repository were chosen.
import io
import os
import urllib.error
import urllib.request
import urllib.response
from email.message import Message
from urllib.parse import urlsplit

SCHEMA_DIR = os.path.abspath(os.environ.get("STAC_SCHEMA_DIR") or os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "stac-schemas"
))
LOG = os.environ.get("STAC_OFFLINE_LOG")


def _is_loopback(host):
    return host in ("localhost", "::1") or (host or "").startswith("127.")


def _intercepted(url):
    """None for requests that go to the network as usual, else the local answer: bytes or None (404)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or _is_loopback(parts.hostname):
        return None
    path = os.path.normpath(os.path.join(SCHEMA_DIR, parts.hostname or "", parts.path.lstrip("/")))
    body = None
    if path.startswith(SCHEMA_DIR + os.sep) and os.path.isfile(path):
        with open(path, "rb") as f:
            body = f.read()
    if LOG:
        with open(LOG, "a") as f:
            f.write(f"{200 if body is not None else 404}\t{url}\n")
    return (body,)


def _headers(found):
    return {"Content-Type": "application/json" if found else "text/plain"}


# requests: stac-validator, stac-check, stac-api-validator and pystac-client.
try:
    import requests.adapters
    import requests.models
    import requests.structures

    _send = requests.adapters.HTTPAdapter.send

    def _offline_send(self, request, *args, **kwargs):
        answer = _intercepted(request.url)
        if answer is None:
            return _send(self, request, *args, **kwargs)
        body = answer[0]
        response = requests.models.Response()
        response.url, response.request = request.url, request
        response.status_code = 200 if body is not None else 404
        response.reason = "OK" if body is not None else "Not Found"
        response._content = body if body is not None else b"not available offline"
        response.headers = requests.structures.CaseInsensitiveDict(_headers(body is not None))
        response.encoding = "utf-8"
        return response

    requests.adapters.HTTPAdapter.send = _offline_send
except ImportError:
    pass

# urllib3's PoolManager: pystac's default StacIO reads hrefs with it when installed.
try:
    import urllib3.poolmanager
    import urllib3.response

    _pool_urlopen = urllib3.poolmanager.PoolManager.urlopen

    def _offline_pool_urlopen(self, method, url, redirect=True, **kwargs):
        answer = _intercepted(url)
        if answer is None:
            return _pool_urlopen(self, method, url, redirect=redirect, **kwargs)
        body = answer[0]
        return urllib3.response.HTTPResponse(
            body=io.BytesIO(body if body is not None else b""),
            status=200 if body is not None else 404,
            headers=_headers(body is not None),
            preload_content=False,
            request_url=url,
        )

    urllib3.poolmanager.PoolManager.urlopen = _offline_pool_urlopen
except ImportError:
    pass


# urllib.request: stac-validator's link and asset checks, and pystac without urllib3.
def _urllib_answer(request):
    url = request.full_url if isinstance(request, urllib.request.Request) else request
    answer = _intercepted(url)
    if answer is None:
        return None
    body = answer[0]
    headers = Message()
    for name, value in _headers(body is not None).items():
        headers[name] = value
    if body is None:
        raise urllib.error.HTTPError(url, 404, "Not Found (offline)", headers, io.BytesIO(b""))
    return urllib.response.addinfourl(io.BytesIO(body), headers, url, 200)


class _OfflineHandler(urllib.request.BaseHandler):
    handler_order = 100  # ahead of the default HTTP(S) handlers

    def http_open(self, request):
        return _urllib_answer(request)

    https_open = http_open


urllib.request.install_opener(urllib.request.build_opener(_OfflineHandler()))

# urlopen(..., context=...) builds its own opener, so wrap the function as well.
# Modules that do `from urllib.request import urlopen` are imported after this one.
_urlopen = urllib.request.urlopen


def _offline_urlopen(url, *args, **kwargs):
    answer = _urllib_answer(url)
    return answer if answer is not None else _urlopen(url, *args, **kwargs)


urllib.request.urlopen = _offline_urlopen
