"""Authentication as cameras do it: WS-Security UsernameToken and HTTP Digest (RFC 7616).

WS-Security PasswordDigest is Base64(SHA1(nonce + created + password)); the Created time
must be within five minutes of the *camera's* clock and a nonce is accepted once.
HTTP Digest uses stateless nonces (a timestamp signed with a per-camera secret).
"""

import base64
import binascii
import collections
import hashlib
import hmac
import os
import re
import time
from datetime import datetime, timedelta, timezone

from .xmlutil import child, text

LEVELS = {"Anonymous": 0, "User": 1, "Operator": 2, "Administrator": 3}
CREATED_WINDOW = 300.0   # seconds either side of the camera clock
NONCE_TTL = 600.0        # how long a WS-Security nonce is remembered / a digest nonce lives
PASSWORD_DIGEST = "#PasswordDigest"

_CREATED = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$")
_DIGEST_PARAM = re.compile(r'([A-Za-z0-9_-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^,\s]*)')


class AuthError(Exception):
    """Credentials are absent or wrong; the message says why (for the log, not the client)."""


def parse_created(value):
    """wsu:Created to epoch seconds. Accepts ``Z``, ``+hh:mm``/``+hhmm``, no zone (UTC) and
    any number of fractional digits."""
    match = _CREATED.match(value.strip())
    if not match:
        raise ValueError("bad Created %r" % value)
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    fraction = float(match.group(7) or 0)
    stamp = datetime(year, month, day, hour, minute, second, tzinfo=timezone.utc)
    zone = match.group(8)
    if zone and zone != "Z":
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        stamp -= sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return stamp.timestamp() + fraction


class NonceCache:
    """Bounded memory of recently accepted WS-Security nonces (replay protection)."""

    def __init__(self, size=4096, ttl=NONCE_TTL):
        self.size = size
        self.ttl = ttl
        self._seen = collections.OrderedDict()

    def check_and_add(self, nonce, now=None):
        """Record ``nonce``; return False if it was already used within the TTL."""
        now = time.monotonic() if now is None else now
        while self._seen:
            oldest, stamp = next(iter(self._seen.items()))
            if now - stamp <= self.ttl and len(self._seen) < self.size:
                break
            self._seen.pop(oldest)
        if nonce in self._seen:
            return False
        self._seen[nonce] = now
        return True

    def clear(self):
        self._seen.clear()


def verify_wsse(camera, header):
    """Return the user named by a valid UsernameToken in the SOAP header, None when there
    is no token; raise AuthError when there is one and it is not acceptable."""
    token = child(child(header, "Security"), "UsernameToken")
    if token is None:
        return None
    username = text(token, "Username", "")
    password_element = child(token, "Password")
    supplied = (password_element.text or "").strip() if password_element is not None else ""
    user = camera.find_user(username)
    if user is None:
        raise AuthError("unknown user %r" % username)
    kind = password_element.get("Type", "") if password_element is not None else ""
    if not kind.endswith(PASSWORD_DIGEST):
        if not hmac.compare_digest(supplied.encode(), user["password"].encode()):
            raise AuthError("wrong PasswordText for %r" % username)
        return user
    nonce_text = text(token, "Nonce")
    created_text = text(token, "Created")
    if not nonce_text or not created_text:
        raise AuthError("PasswordDigest without Nonce or Created")
    try:
        nonce = base64.b64decode(nonce_text, validate=True)
        created = parse_created(created_text)
    except (ValueError, binascii.Error) as exc:
        raise AuthError(str(exc)) from None
    expected = base64.b64encode(hashlib.sha1(
        nonce + created_text.encode() + user["password"].encode()).digest()).decode()
    if not hmac.compare_digest(expected.encode(), supplied.encode()):
        raise AuthError("wrong PasswordDigest for %r" % username)
    skew = created - camera.now()
    if abs(skew) > CREATED_WINDOW:
        raise AuthError("Created is %+.0f s away from the camera clock" % skew)
    if not camera.nonces.check_and_add(nonce_text):
        raise AuthError("replayed nonce")
    return user


def parse_digest_header(value):
    """Parameters of an ``Authorization: Digest ...`` header (quotes removed)."""
    scheme, dummy, rest = value.strip().partition(" ")
    if scheme.lower() != "digest":
        return None
    params = {}
    for key, raw in _DIGEST_PARAM.findall(rest):
        if raw.startswith('"'):
            raw = raw[1:-1].replace('\\"', '"').replace("\\\\", "\\")
        params[key.lower()] = raw
    return params


def _hash(algorithm, data):
    name = "sha256" if algorithm.upper().startswith("SHA-256") else "md5"
    return hashlib.new(name, data.encode()).hexdigest()


class DigestAuthority:
    """Issues HTTP Digest challenges for one camera and checks the answers."""

    def __init__(self, realm):
        self.realm = realm
        self._secret = os.urandom(16)
        self.opaque = binascii.hexlify(os.urandom(8)).decode()

    def _sign(self, stamp):
        return hmac.new(self._secret, stamp.encode(), hashlib.sha256).hexdigest()[:24]

    def new_nonce(self):
        stamp = "%x" % int(time.time())
        return stamp + self._sign(stamp)

    def nonce_is_fresh(self, nonce):
        stamp, signature = nonce[:-24], nonce[-24:]
        try:
            age = time.time() - int(stamp, 16)
        except ValueError:
            return False
        return hmac.compare_digest(signature, self._sign(stamp)) and -5 <= age <= NONCE_TTL

    def challenge(self, stale=False):
        """Value of a ``WWW-Authenticate`` header."""
        return 'Digest realm="%s", qop="auth", nonce="%s", opaque="%s", algorithm=MD5%s' % (
            self.realm, self.new_nonce(), self.opaque, ', stale="true"' if stale else "")

    def verify(self, header, method, target, find_user):
        """Return the user an ``Authorization`` header proves, None when it is not a Digest
        header; raise AuthError otherwise (``stale`` in the message for an old nonce)."""
        params = parse_digest_header(header or "")
        if params is None:
            return None
        username, nonce, uri = params.get("username", ""), params.get("nonce", ""), params.get("uri", "")
        if params.get("realm") != self.realm:
            raise AuthError("wrong realm")
        if not uri or not (uri == target or uri.endswith(target) or target.endswith(uri)):
            raise AuthError("digest uri %r does not match %r" % (uri, target))
        user = find_user(username)
        if user is None:
            raise AuthError("unknown user %r" % username)
        algorithm = params.get("algorithm", "MD5")
        ha1 = _hash(algorithm, "%s:%s:%s" % (username, self.realm, user["password"]))
        ha2 = _hash(algorithm, "%s:%s" % (method, uri))
        if params.get("qop"):
            expected = _hash(algorithm, ":".join(
                (ha1, nonce, params.get("nc", ""), params.get("cnonce", ""), params["qop"], ha2)))
        else:
            expected = _hash(algorithm, "%s:%s:%s" % (ha1, nonce, ha2))
        if not hmac.compare_digest(expected, params.get("response", "")):
            raise AuthError("wrong digest response for %r" % username)
        if not self.nonce_is_fresh(nonce):
            raise AuthError("stale nonce")
        return user
