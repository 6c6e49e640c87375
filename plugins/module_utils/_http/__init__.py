# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The collection's one HTTP layer: standard library only (socket, ssl), for every device protocol.

ONVIF SOAP (``_onvif``), snapshots and RTSP Digest (``_stream``) and the vendor APIs all use
it, so the safety rules below hold in one place:

Address guard
    An :class:`HttpClient` is bound to one scheme, host and port. A URL naming anything else --
    a redirect's Location included -- raises :class:`HttpAddressRefused` before any byte is
    sent. Proxy variables of the environment are ignored: the TCP peer is the device itself.
Deadline
    ``timeout`` bounds the whole request: connecting, the TLS handshake, sending, and reading
    the full answer (headers and body, by Content-Length, chunked, or until close), redirects
    and the Digest retry included. Each socket operation gets the time left as its timeout, so
    a device that drips a byte at a time fails at the deadline (:class:`HttpTimeoutError`).
Authentication
    One Digest implementation (RFC 7616: MD5, MD5-sess, SHA-256, SHA-256-sess; qop auth,
    auth-int or none), shared with RTSP (:class:`Credentials`); Basic only when it is the only
    scheme offered.
TLS
    Certificates are verified against the system trust store unless ``validate_certs`` is false.
Errors
    :class:`HttpError` subclasses name the operation, host:port and cause, never a secret or a
    raw body; protocol clients map them onto their own exceptions class by class.

Layout: ``errors`` (exceptions), ``digest`` (challenges and Authorization headers), ``wire``
(deadline, connection, message reader; also used for RTSP), ``client`` (HttpClient).
"""

from __future__ import annotations

from ansible_collections.dukcapil.cctv.plugins.module_utils._http.errors import (  # noqa: F401 pylint: disable=unused-import
    HttpAddressRefused, HttpAuthError, HttpConnectionError, HttpConnectTimeout, HttpError, HttpProtocolError,
    HttpTimeoutError, HttpTlsError,
)
from ansible_collections.dukcapil.cctv.plugins.module_utils._http.digest import (  # noqa: F401 pylint: disable=unused-import
    Credentials, digest_response, is_stale, parse_challenges,
)
from ansible_collections.dukcapil.cctv.plugins.module_utils._http.wire import (  # noqa: F401 pylint: disable=unused-import
    Connection, Deadline, Headers, Message, format_target, printable, tls_context,
)
from ansible_collections.dukcapil.cctv.plugins.module_utils._http.client import HttpClient  # noqa: F401 pylint: disable=unused-import
