# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The HTTP layer's exceptions: what failed, on which host:port, why -- never a secret.

Protocol clients (the ONVIF client, the stream checks, the vendor APIs) map these onto their own
hierarchy with one table (see ``_onvif/errors.py`` ``from_http_error``); each class here has one
meaning so the mapping never has to read a message.
"""

from __future__ import annotations


class HttpError(Exception):
    """Base. ``target`` is host:port, ``operation`` what was attempted (e.g. 'GET /x'), ``cause`` why."""

    def __init__(self, cause, target=None, operation=None):
        super().__init__(cause)
        self.cause = cause
        self.target = target
        self.operation = operation

    def __str__(self):
        where = ' on %s' % self.target if self.target else ''
        what = self.operation or 'request'
        return '%s%s failed: %s' % (what, where, self.cause)


class HttpConnectionError(HttpError):
    """No connection: refused, unreachable, name not found, TLS handshake or certificate failure."""


class HttpConnectTimeout(HttpConnectionError):
    """No connection within the deadline (host unreachable or port filtered)."""


class HttpTlsError(HttpConnectionError):
    """The TLS handshake failed (certificate not trusted, wrong name, protocol mismatch)."""


class HttpAddressRefused(HttpConnectionError):
    """The layer refused to contact a host:port other than the one it is bound to (redirects included)."""


class HttpTimeoutError(HttpError):
    """Connected, but the whole answer did not arrive before the deadline.

    ``seconds`` is the deadline, ``started`` whether any byte of the answer had arrived.
    """

    def __init__(self, cause, target=None, operation=None, seconds=None, started=False):
        super().__init__(cause, target, operation)
        self.seconds = seconds
        self.started = started


class HttpProtocolError(HttpError):
    """The peer answered something that is not a well-formed HTTP (or RTSP) message."""


class HttpAuthError(HttpError):
    """An authentication challenge this layer cannot answer (unknown scheme or algorithm, no nonce)."""
