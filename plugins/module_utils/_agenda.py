# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The agenda book (*Buku Agenda*) of step 9: an append-only, hash-chained register in SQLite.

* **Numbers** are per year, gapless, in the office's format (default ``{seq:03d}/{code}/{year}``,
  e.g. ``001/PIAK/2026``). Each entry is written in one ``BEGIN IMMEDIATE`` transaction that
  reads the last entry and inserts the next one, so concurrent writers are serialised by
  SQLite's write lock; a busy timeout and a bounded retry loop absorb contention.
* **Append-only**: triggers refuse UPDATE and DELETE on entries. An entry is never changed.
* **Idempotent** per (run id, report hash): recording the same report again returns the
  existing entry. The same run with another report hash (the facts changed and the new
  report was accepted again) is a new document and gets a new entry; the old one stays.
* **Tamper-evident**: each entry stores ``entry_hash = SHA-256(prev_hash + canonical JSON of
  its content)``; the ``head`` row holds the count and the last hash. :func:`verify` walks the
  chain and names the first entry that was altered or removed (also the last one, through
  the head). Someone who rewrites the whole file consistently is not detected by the file
  alone: compare the head hash with one kept elsewhere (the run record keeps its entry's hash).
"""

from __future__ import annotations

import csv
import datetime
import io
import os
import re
import sqlite3

from ansible_collections.dukcapil.cctv.plugins.module_utils import _run_record as rr
from ansible_collections.dukcapil.cctv.plugins.module_utils import _sqlite

DEFAULT_DATABASE = '/var/lib/dukcapil-cctv/buku-agenda.sqlite3'
DEFAULT_NUMBER_FORMAT = '{seq:03d}/{code}/{year}'
DEFAULT_CODE = 'PIAK'
GENESIS = '0' * 64
SCHEMA_VERSION = 1
ROMAN_MONTHS = ('I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X', 'XI', 'XII')

#: The content of an entry, in the order of the table's columns (all are hashed).
CONTENT = ('position', 'year', 'seq', 'number', 'date', 'subject', 'run_id', 'report_hash',
           'sub_koordinator_name', 'sub_koordinator_nip', 'kepala_bidang_name', 'kepala_bidang_nip',
           'report_location', 'recorded_at', 'prev_hash')
#: What the caller gives for a new entry.
GIVEN = ('date', 'subject', 'run_id', 'report_hash', 'sub_koordinator_name', 'sub_koordinator_nip',
         'kepala_bidang_name', 'kepala_bidang_nip', 'report_location')

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS entries (
        position INTEGER PRIMARY KEY,
        year INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        number TEXT NOT NULL UNIQUE,
        date TEXT NOT NULL,
        subject TEXT NOT NULL,
        run_id TEXT NOT NULL,
        report_hash TEXT NOT NULL,
        sub_koordinator_name TEXT NOT NULL,
        sub_koordinator_nip TEXT NOT NULL,
        kepala_bidang_name TEXT NOT NULL,
        kepala_bidang_nip TEXT NOT NULL,
        report_location TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        entry_hash TEXT NOT NULL,
        UNIQUE (year, seq),
        UNIQUE (run_id, report_hash))""",
    """CREATE TABLE IF NOT EXISTS head (id INTEGER PRIMARY KEY CHECK (id = 1), count INTEGER NOT NULL,
        hash TEXT NOT NULL, number TEXT NOT NULL)""",
    """CREATE TRIGGER IF NOT EXISTS entries_no_update BEFORE UPDATE ON entries
        BEGIN SELECT RAISE(ABORT, 'the agenda book is append-only: entries are never changed'); END""",
    """CREATE TRIGGER IF NOT EXISTS entries_no_delete BEFORE DELETE ON entries
        BEGIN SELECT RAISE(ABORT, 'the agenda book is append-only: entries are never deleted'); END""",
)
_SCHEMA_VERSION_ROW = ("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))


class AgendaError(Exception):
    """The agenda book cannot be opened, read or written."""


class AgendaRefused(AgendaError):
    """An entry that must not be written (the report is not accepted, a bad number format)."""


class AgendaBroken(AgendaError):
    """The book was tampered with: nothing is appended until it is restored."""


def entry_hash(prev_hash, content):
    """SHA-256 of the previous entry's hash and the canonical JSON of this entry's content."""
    return rr.sha256(prev_hash.encode('ascii') + rr.canonical_json(content))


def format_number(number_format, seq, year, month, code):
    """The agenda number: ``number_format`` with {seq}, {year}, {month}, {month_roman} and {code}."""
    if '{seq' not in number_format:
        raise AgendaRefused('number format %r has no {seq} field: agenda numbers would not be distinct' % number_format)
    try:
        return number_format.format(seq=seq, year=year, month=month, month_roman=ROMAN_MONTHS[month - 1], code=code)
    except (KeyError, IndexError, ValueError) as exc:
        raise AgendaRefused('number format %r cannot be filled (fields: seq, year, month, month_roman, code): %s'
                            % (number_format, exc)) from exc


def check_number_format(number_format):
    format_number(number_format, 1, 2026, 1, 'X')


def connect(path, timeout=30.0, readonly=False):
    """Open the book (autocommit mode: transactions are explicit) with a busy timeout."""
    return _sqlite.connect(path, timeout, readonly=readonly, error=AgendaError, what='agenda book')


def _transaction(path, work, timeout=30.0, retries=50):
    """Run ``work(conn)`` in a BEGIN IMMEDIATE transaction (the schema made first), retrying while busy."""
    return _sqlite.transaction(path, work, SCHEMA + (_SCHEMA_VERSION_ROW,), timeout=timeout, retries=retries,
                               error=AgendaError, what='agenda book')


_row = _sqlite.row_dict


def find(conn, run_id, report_hash=None):
    """Entries of ``run_id`` (with ``report_hash`` when given), oldest first."""
    if not _has_entries_table(conn):
        return []
    if report_hash is None:
        rows = conn.execute('SELECT * FROM entries WHERE run_id = ? ORDER BY position', (run_id,))
    else:
        rows = conn.execute('SELECT * FROM entries WHERE run_id = ? AND report_hash = ? ORDER BY position', (run_id, report_hash))
    return [_row(r) for r in rows]


def _has_entries_table(conn):
    return _sqlite.has_table(conn, 'entries')


def _next(conn, given, number_format, code, recorded_at, path):
    """The content of the entry that would follow the last one.

    Refuses to append to a book whose last entry is not the one its head records (entries
    removed from the end): a new entry would hide the removal.
    """
    year, month = int(given['date'][0:4]), int(given['date'][5:7])
    last = None
    if _has_entries_table(conn):
        last = conn.execute('SELECT position, entry_hash FROM entries ORDER BY position DESC LIMIT 1').fetchone()
        seq = conn.execute('SELECT COALESCE(MAX(seq), 0) + 1 FROM entries WHERE year = ?', (year,)).fetchone()[0]
        head = conn.execute('SELECT count, hash, number FROM head WHERE id = 1').fetchone()
        if (head is not None or last is not None) and (
                head is None or last is None or head['count'] != last['position'] or head['hash'] != last['entry_hash']):
            raise AgendaBroken('the agenda book %s is not intact (its head records %s entries up to %s, the last entry is %s); '
                               'nothing is added to it: run the verify action and restore the book'
                               % (path, head['count'] if head else 'no', head['number'] if head else '-',
                                  last['position'] if last else 'none'))
    else:
        seq = 1
    content = {key: given[key] for key in GIVEN}
    content.update(position=(last['position'] + 1) if last else 1, year=year, seq=seq,
                   number=format_number(number_format, seq, year, month, code), recorded_at=recorded_at,
                   prev_hash=last['entry_hash'] if last else GENESIS)
    return content


def _check_given(given):
    missing = [key for key in GIVEN if not isinstance(given.get(key), str) or not given[key].strip()]
    if missing:
        raise AgendaRefused('an agenda entry needs %s' % ', '.join(missing))
    if not re.match(r'^\d{4}-\d{2}-\d{2}$', given['date']):
        raise AgendaRefused('agenda date %r is not YYYY-MM-DD' % given['date'])
    try:
        datetime.date.fromisoformat(given['date'])
    except ValueError as exc:
        raise AgendaRefused('agenda date %r is not a date: %s' % (given['date'], exc)) from exc


def record_entry(path, given, number_format=DEFAULT_NUMBER_FORMAT, code=DEFAULT_CODE, check_mode=False, timeout=30.0,
                 recorded_at=None):
    """Add the entry of ``given`` (see :data:`GIVEN`) unless its run id + report hash is in the book.

    Returns ``(changed, entry, previous)``: the new (or existing) entry and the entries of the
    same run id with another report hash. In check mode the book is only read (and not created).
    """
    _check_given(given)
    check_number_format(number_format)
    recorded_at = recorded_at or rr.now_iso()

    def work(conn):
        existing = find(conn, given['run_id'], given['report_hash'])
        previous = [e for e in find(conn, given['run_id']) if e['report_hash'] != given['report_hash']]
        if existing:
            return False, existing[0], previous
        content = _next(conn, given, number_format, code, recorded_at, path)
        entry = dict(content, entry_hash=entry_hash(content['prev_hash'], content))
        if check_mode:
            return True, entry, previous
        columns = CONTENT + ('entry_hash',)
        try:
            conn.execute('INSERT INTO entries (%s) VALUES (%s)' % (', '.join(columns), ', '.join('?' * len(columns))),
                         [entry[c] for c in columns])
        except sqlite3.IntegrityError as exc:
            raise AgendaRefused('agenda number %s cannot be written: %s (is the number format unique per year?)'
                                % (entry['number'], exc)) from exc
        conn.execute('INSERT OR REPLACE INTO head (id, count, hash, number) VALUES (1, ?, ?, ?)',
                     (entry['position'], entry['entry_hash'], entry['number']))
        return True, entry, previous

    if check_mode:
        if not os.path.exists(path):
            conn = sqlite3.connect(':memory:')
            conn.row_factory = sqlite3.Row
        else:
            conn = connect(path, timeout, readonly=True)
        try:
            return work(conn)
        except sqlite3.Error as exc:
            raise AgendaError('cannot read the agenda book %s: %s' % (path, exc)) from exc
        finally:
            conn.close()
    return _transaction(path, work, timeout=timeout)


def entries(path, year=None, timeout=30.0):
    """Every entry in order (of ``year`` when given); [] for a book that does not exist yet."""
    if not os.path.exists(path):
        return []
    conn = connect(path, timeout, readonly=True)
    try:
        if not _has_entries_table(conn):
            return []
        if year is None:
            rows = conn.execute('SELECT * FROM entries ORDER BY position')
        else:
            rows = conn.execute('SELECT * FROM entries WHERE year = ? ORDER BY position', (int(year),))
        return [_row(r) for r in rows]
    except sqlite3.Error as exc:
        raise AgendaError('cannot read the agenda book %s: %s' % (path, exc)) from exc
    finally:
        conn.close()


def _head(path, timeout):
    conn = connect(path, timeout, readonly=True)
    try:
        row = conn.execute('SELECT count, hash, number FROM head WHERE id = 1').fetchone()
        return _row(row) if row else None
    except sqlite3.Error:
        return None
    finally:
        conn.close()


def verify(path, timeout=30.0):
    """Walk the chain. Return ``{ok, entries, head_hash, problems, first_bad}``.

    ``first_bad`` names the first entry that was altered or removed (position and number),
    with the reason; ``problems`` lists everything found, in book order.
    """
    if not os.path.exists(path):
        raise AgendaError('agenda book %s does not exist' % path)
    rows = entries(path, timeout=timeout)
    head = _head(path, timeout)
    problems = []

    def problem(position, number, reason):
        problems.append({'position': position, 'number': number, 'reason': reason})

    prev_hash, prev_row, expected = GENESIS, None, 1
    seqs = {}
    for row in rows:
        content = {key: row[key] for key in CONTENT}
        if row['position'] != expected:
            problem(expected, None, 'entries %d to %d are missing (removed from the book)' % (expected, row['position'] - 1)
                    if row['position'] - 1 > expected else 'entry %d is missing (removed from the book)' % expected)
        elif row['prev_hash'] != prev_hash:
            if prev_row is not None:
                problem(prev_row['position'], prev_row['number'],
                        'entry %d (%s) was altered: entry %d no longer links to it' % (prev_row['position'], prev_row['number'], row['position']))
            else:
                problem(row['position'], row['number'], 'entry %d (%s) does not start the chain' % (row['position'], row['number']))
        if entry_hash(row['prev_hash'], content) != row['entry_hash']:
            problem(row['position'], row['number'], 'entry %d (%s) was altered: its content does not match its hash'
                    % (row['position'], row['number']))
        last_seq = seqs.get(row['year'], 0)
        if row['seq'] != last_seq + 1:
            problem(row['position'], row['number'], 'agenda numbers of %d jump from %d to %d before entry %s'
                    % (row['year'], last_seq, row['seq'], row['number']))
        seqs[row['year']] = max(last_seq, row['seq'])
        prev_hash, prev_row, expected = row['entry_hash'], row, row['position'] + 1
    count = len(rows)
    last_position = rows[-1]['position'] if rows else 0
    if head is None:
        if rows:
            problem(last_position, None, 'the head of the book is missing')
    elif head['count'] != last_position or head['hash'] != prev_hash:
        if head['count'] > last_position:
            problem(last_position + 1, head['number'], 'the last entries up to %d (%s) were removed' % (head['count'], head['number']))
        else:
            problem(head['count'], head['number'], 'the head of the book does not match its last entry')
    problems.sort(key=lambda p: p['position'])
    return {'ok': not problems, 'entries': count, 'head_hash': prev_hash if rows else GENESIS,
            'problems': problems, 'first_bad': problems[0] if problems else None}


def export_csv(rows, labels):
    """The entries as CSV for the paper book (header in the report's language)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator='\r\n')
    keys = ('number', 'date', 'subject', 'run_id', 'report_hash', 'sub_koordinator', 'kepala_bidang',
            'report_location', 'recorded_at', 'entry_hash')
    writer.writerow([labels['csv_' + k] for k in keys])
    for row in rows:
        writer.writerow([row['number'], row['date'], row['subject'], row['run_id'], row['report_hash'],
                         '%s (NIP %s)' % (row['sub_koordinator_name'], row['sub_koordinator_nip']),
                         '%s (NIP %s)' % (row['kepala_bidang_name'], row['kepala_bidang_nip']),
                         row['report_location'], row['recorded_at'], row['entry_hash']])
    return out.getvalue()
