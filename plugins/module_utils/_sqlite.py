# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The collection's registers in SQLite files: connect, write in one transaction, read.

Shared by the registers (the asset register; the agenda book can move onto it). Every write
is one ``BEGIN IMMEDIATE`` transaction that first makes sure the schema exists, then runs the
caller's work: SQLite's write lock serialises concurrent writers (Ansible forks, parallel
jobs), a busy timeout waits for the lock and a bounded retry loop with a random back-off
absorbs the rare "database is locked" that the timeout does not. Connections are in
autocommit mode, so transactions are explicit.

Errors are raised as the caller's exception class with the caller's name for the file
(``what``), so a message reads "cannot write the asset register /x: ..." rather than a bare
sqlite3 error.
"""

from __future__ import annotations

import os
import random
import sqlite3
import time
from urllib.parse import quote


class RegisterError(Exception):
    """A register file cannot be opened, read or written (default error class)."""


def connect(path, timeout=30.0, readonly=False, error=RegisterError, what='register'):
    """Open ``path`` in autocommit mode with a busy timeout; read-only opens never create it."""
    try:
        if readonly:
            conn = sqlite3.connect('file:%s?mode=ro' % quote(os.path.abspath(path)), timeout=timeout,
                                   isolation_level=None, uri=True)
        else:
            conn = sqlite3.connect(path, timeout=timeout, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute('PRAGMA busy_timeout = %d' % int(timeout * 1000))
    except sqlite3.Error as exc:
        raise error('cannot open the %s %s: %s' % (what, path, exc)) from exc
    return conn


def is_locked(exc):
    """Whether an sqlite3 error only means another writer holds the file."""
    text = str(exc).lower()
    return 'locked' in text or 'busy' in text


def _apply_schema(conn, schema):
    for statement in schema:
        if isinstance(statement, str):
            conn.execute(statement)
        else:
            conn.execute(*statement)


def transaction(path, work, schema=(), timeout=30.0, retries=50, error=RegisterError, what='register'):
    """Run ``work(conn)`` in one BEGIN IMMEDIATE transaction on ``path`` and return its result.

    The file and its folder are created when missing; ``schema`` (SQL strings, or
    ``(sql, parameters)`` pairs) is applied inside the same transaction, so it must be
    idempotent (``CREATE ... IF NOT EXISTS``, ``INSERT OR IGNORE``). Anything ``work`` raises
    rolls the transaction back and propagates unchanged.
    """
    folder = os.path.dirname(os.path.abspath(path))
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as exc:
        raise error('cannot create the folder of the %s %s: %s' % (what, path, exc)) from exc
    for attempt in range(retries + 1):
        conn = connect(path, timeout, error=error, what=what)
        try:
            conn.execute('BEGIN IMMEDIATE')
            _apply_schema(conn, schema)
            result = work(conn)
            conn.execute('COMMIT')
            return result
        except sqlite3.OperationalError as exc:
            if conn.in_transaction:
                conn.execute('ROLLBACK')
            if not is_locked(exc) or attempt == retries:
                raise error('cannot write the %s %s: %s' % (what, path, exc)) from exc
            time.sleep(random.uniform(0.01, 0.05) * min(attempt + 1, 10))
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.execute('ROLLBACK')
            raise error('cannot write the %s %s: %s' % (what, path, exc)) from exc
        except BaseException:
            if conn.in_transaction:
                conn.execute('ROLLBACK')
            raise
        finally:
            conn.close()
    raise error('cannot write the %s %s: still busy' % (what, path))  # pragma: no cover


def read(path, work, schema=(), table=None, timeout=30.0, error=RegisterError, what='register'):
    """Run ``work(conn)`` on a read-only connection and return its result.

    A file that does not exist yet (or lacks ``table``: created, its schema never written) is
    neither created nor an error: ``work`` then sees an empty in-memory database with
    ``schema`` applied, so the answer is the one an empty register gives (what check mode
    needs to predict the first write).
    """
    conn = None
    try:
        if os.path.exists(path):
            conn = connect(path, timeout, readonly=True, error=error, what=what)
            if table is not None and not has_table(conn, table):
                conn.close()
                conn = None
        if conn is None:
            conn = sqlite3.connect(':memory:', isolation_level=None)
            conn.row_factory = sqlite3.Row
            _apply_schema(conn, schema)
        return work(conn)
    except sqlite3.Error as exc:
        raise error('cannot read the %s %s: %s' % (what, path, exc)) from exc
    finally:
        if conn is not None:
            conn.close()


def has_table(conn, name):
    """Whether table ``name`` exists."""
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone() is not None


def row_dict(row):
    """An sqlite3.Row as a plain dict."""
    return {key: row[key] for key in row.keys()}
