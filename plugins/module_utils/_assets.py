# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The asset register of step 2: every piece of hardware gets an asset tag, keyed by its serial.

The SOP's extra rule asks for every piece of hardware to be marked and numbered. The register
is an append-only SQLite file:

* **Tags** are the office's numbering, by default ``{prefix}-{site}/{kind}/{year}/{seq:03d}``
  (``DUKCAPIL-SMG/CCTV/2026/001``). The sequence counts within the scope of the fields the
  format uses among prefix, site, kind and year (the default format: per site, kind and
  year), so a format without ``{year}`` keeps counting across years instead of giving a tag
  twice.
* **Keyed by serial number** (compared without regard to case): the same serial always gets
  the tag it was first given, whatever the year, site or format of a later call; a new serial
  gets the next number. Each tag is given in one ``BEGIN IMMEDIATE`` transaction that looks
  the serial up and inserts the next number, so concurrent writers get distinct, gapless
  numbers (see :mod:`._sqlite`).
* **Append-only**: triggers refuse UPDATE and DELETE. The ``assets`` row keeps the asset as
  it was tagged; a later change of its details (maker, model, MAC, room, position - a camera
  moved to another room, a MAC learnt in step 3) is a new row in ``history`` holding all
  details as they are from then on. The asset as returned is the tagged row overlaid with its
  newest history row. A detail left out (None) keeps its value; nothing is ever erased.
"""

from __future__ import annotations

import datetime
import re
import string

from ansible_collections.dukcapil.cctv.plugins.module_utils import _sqlite

DEFAULT_DATABASE = '/var/lib/dukcapil-cctv/aset.sqlite3'
DEFAULT_FORMAT = '{prefix}-{site}/{kind}/{year}/{seq:03d}'
DEFAULT_PREFIX = 'DUKCAPIL'
DEFAULT_KIND = 'CCTV'
SCHEMA_VERSION = 1
WHAT = 'asset register'

#: Fields a tag format may use; all but ``seq`` also scope the sequence.
FORMAT_FIELDS = ('prefix', 'site', 'kind', 'year', 'seq')
SCOPE_FIELDS = ('prefix', 'site', 'kind', 'year')
#: Details that may change after tagging (each change is a history row).
DETAILS = ('maker', 'model', 'mac', 'room', 'position')
#: The asset as returned, in this order.
VIEW = ('tag', 'serial', 'maker', 'model', 'mac', 'kind', 'site', 'room', 'position', 'year', 'seq',
        'assigned_at', 'run_id', 'updated_at')

CODE_RE = re.compile(r'^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$')
MAC_RE = re.compile(r'^[0-9a-f]{12}$')
CONTROL_RE = re.compile(r'[\x00-\x1f\x7f]')

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS assets (
        id INTEGER PRIMARY KEY,
        tag TEXT NOT NULL UNIQUE,
        serial TEXT NOT NULL UNIQUE COLLATE NOCASE,
        prefix TEXT NOT NULL,
        site TEXT NOT NULL,
        kind TEXT NOT NULL,
        year INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        maker TEXT,
        model TEXT,
        mac TEXT,
        room TEXT,
        position TEXT,
        assigned_at TEXT NOT NULL,
        run_id TEXT)""",
    """CREATE INDEX IF NOT EXISTS assets_scope ON assets (site, kind, year, seq)""",
    """CREATE TABLE IF NOT EXISTS history (
        id INTEGER PRIMARY KEY,
        tag TEXT NOT NULL REFERENCES assets (tag),
        maker TEXT,
        model TEXT,
        mac TEXT,
        room TEXT,
        position TEXT,
        recorded_at TEXT NOT NULL,
        run_id TEXT)""",
    """CREATE INDEX IF NOT EXISTS history_tag ON history (tag, id)""",
    """CREATE TRIGGER IF NOT EXISTS assets_no_update BEFORE UPDATE ON assets
        BEGIN SELECT RAISE(ABORT, 'the asset register is append-only: a tag is never changed'); END""",
    """CREATE TRIGGER IF NOT EXISTS assets_no_delete BEFORE DELETE ON assets
        BEGIN SELECT RAISE(ABORT, 'the asset register is append-only: a tag is never deleted'); END""",
    """CREATE TRIGGER IF NOT EXISTS history_no_update BEFORE UPDATE ON history
        BEGIN SELECT RAISE(ABORT, 'the asset register is append-only: history is never changed'); END""",
    """CREATE TRIGGER IF NOT EXISTS history_no_delete BEFORE DELETE ON history
        BEGIN SELECT RAISE(ABORT, 'the asset register is append-only: history is never deleted'); END""",
    ("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)),
)


class AssetError(Exception):
    """The asset register cannot be opened, read or written."""


class AssetInvalid(AssetError):
    """An input that cannot make a tag (names the field and the value)."""


def now_iso():
    """The local time to the second with its UTC offset, e.g. ``2026-03-10T09:12:00+07:00``."""
    return datetime.datetime.now().astimezone().replace(microsecond=0).isoformat()


def format_fields(tag_format):
    """The field names ``tag_format`` uses; refuses unknown fields and a format without ``seq``."""
    if not isinstance(tag_format, str) or not tag_format.strip():
        raise AssetInvalid('tag_format %r is empty' % (tag_format,))
    try:
        names = [name for _text, name, _spec, _conv in string.Formatter().parse(tag_format) if name is not None]
    except ValueError as exc:
        raise AssetInvalid('tag_format %r is not a format string: %s' % (tag_format, exc)) from exc
    unknown = sorted(set(n for n in names if n not in FORMAT_FIELDS))
    if unknown:
        raise AssetInvalid('tag_format %r uses %s; the fields are %s'
                           % (tag_format, ', '.join('{%s}' % n for n in unknown), ', '.join(FORMAT_FIELDS)))
    if 'seq' not in names:
        raise AssetInvalid('tag_format %r has no {seq} field: tags would not be distinct' % tag_format)
    try:
        format_tag(tag_format, DEFAULT_PREFIX, 'SMG', DEFAULT_KIND, 2026, 1)
    except (ValueError, TypeError, IndexError) as exc:
        raise AssetInvalid('tag_format %r cannot be filled: %s' % (tag_format, exc)) from exc
    return names


def format_tag(tag_format, prefix, site, kind, year, seq):
    return tag_format.format(prefix=prefix, site=site, kind=kind, year=year, seq=seq)


def normalise_mac(value):
    """``value`` as ``aa:bb:cc:dd:ee:ff`` (accepts ``:``, ``-``, ``.`` or no separators, any case)."""
    digits = re.sub(r'[:.\-]', '', value.strip()).lower()
    if not MAC_RE.match(digits):
        raise AssetInvalid('mac %r is not a MAC address (12 hexadecimal digits)' % (value,))
    return ':'.join(digits[i:i + 2] for i in range(0, 12, 2))


def _text(given, field, required=False, max_length=200):
    value = given.get(field)
    if value is None:
        if required:
            raise AssetInvalid('%s is missing' % field)
        return None
    if not isinstance(value, str):
        value = str(value)
    stripped = value.strip()
    if not stripped:
        if required:
            raise AssetInvalid('%s %r is empty' % (field, value))
        return None
    if CONTROL_RE.search(stripped):
        raise AssetInvalid('%s %r contains a control character' % (field, value))
    if len(stripped) > max_length:
        raise AssetInvalid('%s %r is longer than %d characters' % (field, value, max_length))
    return stripped


def normalise(given):
    """The validated, normalised input of :func:`assign` (raises AssetInvalid naming the field)."""
    out = {'serial': _text(given, 'serial', required=True, max_length=64)}
    if '|' in out['serial']:
        raise AssetInvalid('serial %r contains "|", which separates the fields of the label QR code' % given['serial'])
    for field, default in (('site', None), ('kind', DEFAULT_KIND), ('prefix', DEFAULT_PREFIX)):
        value = given.get(field)
        value = default if value is None else value
        if value is None:
            raise AssetInvalid('%s is missing' % field)
        if not isinstance(value, str) or not CODE_RE.match(value):
            raise AssetInvalid('%s %r is not a code (1-32 letters, digits, ".", "_" or "-", starting with a letter or '
                               'digit)' % (field, value))
        out[field] = value
    year = given.get('year')
    year = datetime.date.today().year if year is None else year
    if isinstance(year, bool) or not isinstance(year, int) or not 1970 <= year <= 9999:
        raise AssetInvalid('year %r is not a year between 1970 and 9999' % (year,))
    out['year'] = year
    for field in ('maker', 'model', 'room', 'position', 'run_id'):
        out[field] = _text(given, field)
    mac = _text(given, 'mac')
    out['mac'] = normalise_mac(mac) if mac is not None else None
    return out


def _view(row, latest=None):
    """The asset as returned: the tagged row, its details overlaid by the newest history row."""
    asset = {key: row[key] for key in VIEW if key != 'updated_at'}
    asset['updated_at'] = None
    if latest is not None:
        asset.update((key, latest[key]) for key in DETAILS)
        asset['updated_at'] = latest['recorded_at']
    return asset


def _latest(conn, tag):
    return conn.execute('SELECT * FROM history WHERE tag = ? ORDER BY id DESC LIMIT 1', (tag,)).fetchone()


def find(conn, serial):
    """The asset of ``serial`` (case-insensitive), or None."""
    row = conn.execute('SELECT * FROM assets WHERE serial = ?', (serial,)).fetchone()
    return _view(row, _latest(conn, row['tag'])) if row is not None else None


def next_seq(conn, scope):
    """The number after the highest one given within ``scope`` (a dict of scope fields)."""
    where = ' AND '.join('%s = ?' % key for key in scope) or '1'
    return conn.execute('SELECT COALESCE(MAX(seq), 0) + 1 FROM assets WHERE %s' % where, tuple(scope.values())).fetchone()[0]


def _new(conn, given, tag_format, names, now, path):
    scope = {key: given[key] for key in SCOPE_FIELDS if key in names}
    seq = next_seq(conn, scope)
    tag = format_tag(tag_format, given['prefix'], given['site'], given['kind'], given['year'], seq)
    if not tag.strip() or '|' in tag or CONTROL_RE.search(tag):
        raise AssetInvalid('tag_format %r gives the tag %r, which is empty or holds "|" or a control character' % (tag_format, tag))
    holder = conn.execute('SELECT serial FROM assets WHERE tag = ?', (tag,)).fetchone()
    if holder is not None:
        raise AssetInvalid('tag_format %r gives %s to serial %s, but the %s %s already gave that tag to serial %s: '
                           'make the format tell them apart (e.g. add {site}, {kind} or {year})'
                           % (tag_format, tag, given['serial'], WHAT, path, holder['serial']))
    row = dict(given, tag=tag, seq=seq, assigned_at=now)
    return row


def assign(path, given, tag_format=DEFAULT_FORMAT, check_mode=False, timeout=30.0, now=None):
    """Give ``given['serial']`` its tag, or find the one it has; record changed details.

    Returns ``(changed, asset, before)``: the asset after the call and before it (None for a
    new serial). In check mode the register is only read (and not created); under concurrent
    writers the predicted number of a new tag may then differ from the one a real run gives.
    """
    given = normalise(given)
    names = format_fields(tag_format)
    now = now or now_iso()

    def work(conn):
        before = find(conn, given['serial'])
        if before is not None:
            changes = {key: given[key] for key in DETAILS if given[key] is not None and given[key] != before[key]}
            if not changes:
                return False, before, before
            after = dict(before, updated_at=now, **changes)
            if not check_mode:
                conn.execute('INSERT INTO history (tag, %s, recorded_at, run_id) VALUES (?, %s, ?, ?)'
                             % (', '.join(DETAILS), ', '.join('?' * len(DETAILS))),
                             [after['tag']] + [after[key] for key in DETAILS] + [now, given['run_id']])
            return True, after, before
        row = _new(conn, given, tag_format, names, now, path)
        if not check_mode:
            columns = ('tag', 'serial', 'prefix', 'site', 'kind', 'year', 'seq') + DETAILS + ('assigned_at', 'run_id')
            conn.execute('INSERT INTO assets (%s) VALUES (%s)' % (', '.join(columns), ', '.join('?' * len(columns))),
                         [row[c] for c in columns])
        return True, _view(row), None

    if check_mode:
        return _sqlite.read(path, work, SCHEMA, table='assets', timeout=timeout, error=AssetError, what=WHAT)
    return _sqlite.transaction(path, work, SCHEMA, timeout=timeout, error=AssetError, what=WHAT)


def list_assets(path, run_id=None, site=None, kind=None, year=None, timeout=30.0):
    """The register's assets as they are now, in tag order; [] for a register that does not exist.

    ``run_id`` selects the assets tagged in that run or whose details were changed in it (a
    moved camera needs a new label); ``site``, ``kind`` and ``year`` (of tagging) narrow further.
    """
    clauses, values = [], []
    if run_id is not None:
        clauses.append('(a.run_id = ? OR EXISTS (SELECT 1 FROM history h WHERE h.tag = a.tag AND h.run_id = ?))')
        values += [run_id, run_id]
    for key, value in (('site', site), ('kind', kind), ('year', year)):
        if value is not None:
            clauses.append('a.%s = ?' % key)
            values.append(value)
    sql = 'SELECT a.* FROM assets a WHERE %s ORDER BY a.site, a.kind, a.year, a.seq, a.id' % (' AND '.join(clauses) or '1')

    def work(conn):
        return [_view(row, _latest(conn, row['tag'])) for row in conn.execute(sql, values).fetchall()]

    return _sqlite.read(path, work, SCHEMA, table='assets', timeout=timeout, error=AssetError, what=WHAT)


def history(path, tag, timeout=30.0):
    """The changes of ``tag``'s details after tagging, oldest first."""
    def work(conn):
        rows = conn.execute('SELECT * FROM history WHERE tag = ? ORDER BY id', (tag,)).fetchall()
        return [{key: row[key] for key in DETAILS + ('recorded_at', 'run_id')} for row in rows]

    return _sqlite.read(path, work, SCHEMA, table='assets', timeout=timeout, error=AssetError, what=WHAT)
