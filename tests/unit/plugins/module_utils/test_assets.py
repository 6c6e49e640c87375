# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The asset register: numbering, keyed by serial, year rollover, history, check mode, bad input, concurrency."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import sqlite3
import time

import pytest

from ansible_collections.dukcapil.cctv.plugins.module_utils import _assets
from ansible_collections.dukcapil.cctv.plugins.module_utils import _sqlite

WORKERS = 10
PER_WORKER = 20


@pytest.fixture
def register(tmp_path):
    return str(tmp_path / 'aset' / 'aset.sqlite3')


def tag(register, serial, **given):
    given.setdefault('site', 'SMG')
    given.setdefault('year', 2026)
    tag_format = given.pop('tag_format', _assets.DEFAULT_FORMAT)
    return _assets.assign(register, dict(given, serial=serial), tag_format=tag_format)


def digest(path):
    with open(path, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


def test_first_tag_in_the_default_format(register):
    changed, asset, before = tag(register, 'ACCC8EF1A2B3', maker='Axis', model='M3106-L Mk II', mac='AC-CC-8E-F1-A2-B3',
                                 room='Ruang Server', position='Pintu masuk', run_id='SMG-2026-03-10-01')
    assert (changed, before) == (True, None)
    assert asset == {'tag': 'DUKCAPIL-SMG/CCTV/2026/001', 'serial': 'ACCC8EF1A2B3', 'maker': 'Axis', 'model': 'M3106-L Mk II',
                     'mac': 'ac:cc:8e:f1:a2:b3', 'kind': 'CCTV', 'site': 'SMG', 'room': 'Ruang Server', 'position': 'Pintu masuk',
                     'year': 2026, 'seq': 1, 'assigned_at': asset['assigned_at'], 'run_id': 'SMG-2026-03-10-01', 'updated_at': None}
    assert asset['assigned_at'][:2] == '20' and asset['assigned_at'][10] == 'T'
    assert _assets.list_assets(register) == [asset]


def test_same_serial_same_tag_next_serial_next_number(register):
    first = tag(register, 'SN-A')[1]['tag']
    assert tag(register, 'SN-B')[1]['tag'] == 'DUKCAPIL-SMG/CCTV/2026/002'
    changed, asset, before = tag(register, 'SN-A')
    assert (changed, asset['tag'], asset == before) == (False, first, True)
    # Case and surrounding spaces do not make another serial.
    assert tag(register, '  sn-a ')[0:2] == (False, asset)
    assert tag(register, 'SN-C')[1]['tag'] == 'DUKCAPIL-SMG/CCTV/2026/003'


def test_sequences_per_site_kind_and_year(register):
    assert tag(register, 'A')[1]['tag'] == 'DUKCAPIL-SMG/CCTV/2026/001'
    assert tag(register, 'B', site='UNG')[1]['tag'] == 'DUKCAPIL-UNG/CCTV/2026/001'
    assert tag(register, 'C', kind='NET')[1]['tag'] == 'DUKCAPIL-SMG/NET/2026/001'
    assert tag(register, 'D')[1]['tag'] == 'DUKCAPIL-SMG/CCTV/2026/002'


def test_year_rollover(register):
    tag(register, 'OLD-1')
    tag(register, 'OLD-2')
    # A new year starts again at 001; a serial tagged last year keeps its tag.
    assert tag(register, 'NEW-1', year=2027)[1]['tag'] == 'DUKCAPIL-SMG/CCTV/2027/001'
    changed, asset, _before = tag(register, 'OLD-2', year=2027)
    assert (changed, asset['tag'], asset['year']) == (False, 'DUKCAPIL-SMG/CCTV/2026/002', 2026)
    assert tag(register, 'NEW-2', year=2027)[1]['tag'] == 'DUKCAPIL-SMG/CCTV/2027/002'
    assert tag(register, 'OLD-3')[1]['tag'] == 'DUKCAPIL-SMG/CCTV/2026/003'


def test_a_format_without_year_counts_across_years(register):
    fmt = '{site}.{kind}.{seq:04d}'
    assert tag(register, 'A', tag_format=fmt)[1]['tag'] == 'SMG.CCTV.0001'
    assert tag(register, 'B', tag_format=fmt, year=2027)[1]['tag'] == 'SMG.CCTV.0002'
    assert tag(register, 'C', tag_format=fmt, year=2028, site='UNG')[1]['tag'] == 'UNG.CCTV.0001'
    # The same serial keeps its tag even under another format.
    assert tag(register, 'A')[1]['tag'] == 'SMG.CCTV.0001'


def test_a_format_that_cannot_tell_two_assets_apart_is_refused(register):
    assert tag(register, 'A', tag_format='{site}-{seq}')[1]['tag'] == 'SMG-1'
    with pytest.raises(_assets.AssetInvalid, match=r"gives SMG-1 to serial B, but the asset register .* already gave that tag to serial A"):
        tag(register, 'B', tag_format='{prefix}-{seq}', prefix='SMG')
    assert len(_assets.list_assets(register)) == 1


def test_moved_camera_is_recorded_in_the_history(register):
    tag(register, 'SN-A', maker='Axis', room='Ruang Server', position='Pintu masuk', run_id='R-1')
    changed, asset, before = tag(register, 'SN-A', room='Ruang Arsip', position='Sudut utara', run_id='R-2')
    assert changed is True
    assert (before['room'], before['position'], before['updated_at']) == ('Ruang Server', 'Pintu masuk', None)
    assert (asset['tag'], asset['room'], asset['position'], asset['maker']) == ('DUKCAPIL-SMG/CCTV/2026/001', 'Ruang Arsip',
                                                                                'Sudut utara', 'Axis')
    assert asset['updated_at'] is not None and asset['run_id'] == 'R-1'
    # The same call again, or one that leaves the details out, changes nothing.
    assert tag(register, 'SN-A', room='Ruang Arsip', position='Sudut utara')[0:2] == (False, asset)
    assert tag(register, 'SN-A')[0:2] == (False, asset)
    # A MAC learnt later fills in a detail; nothing is erased.
    changed, with_mac, _before = tag(register, 'SN-A', mac='ACCC8EF1A2B3')
    assert changed and with_mac['mac'] == 'ac:cc:8e:f1:a2:b3' and with_mac['room'] == 'Ruang Arsip'
    history = _assets.history(register, asset['tag'])
    assert [(h['room'], h['mac'], h['run_id']) for h in history] == [('Ruang Arsip', None, 'R-2'),
                                                                     ('Ruang Arsip', 'ac:cc:8e:f1:a2:b3', None)]
    assert _assets.list_assets(register) == [with_mac]


def test_check_mode_neither_creates_nor_writes(register):
    changed, asset, before = _assets.assign(register, {'serial': 'SN-A', 'site': 'SMG', 'year': 2026}, check_mode=True)
    assert (changed, asset['tag'], before) == (True, 'DUKCAPIL-SMG/CCTV/2026/001', None)
    assert not os.path.exists(register) and not os.path.exists(os.path.dirname(register))
    tag(register, 'SN-A', room='Ruang Server')
    before_hash = digest(register)
    predicted = _assets.assign(register, {'serial': 'SN-B', 'site': 'SMG', 'year': 2026}, check_mode=True)
    assert predicted[0:2] == (True, dict(predicted[1], tag='DUKCAPIL-SMG/CCTV/2026/002'))
    moved = _assets.assign(register, {'serial': 'SN-A', 'site': 'SMG', 'room': 'Ruang Arsip'}, check_mode=True)
    assert moved[0] is True and moved[1]['room'] == 'Ruang Arsip' and moved[2]['room'] == 'Ruang Server'
    same = _assets.assign(register, {'serial': 'SN-A', 'site': 'SMG'}, check_mode=True)
    assert same[0] is False
    assert digest(register) == before_hash
    assert _assets.history(register, 'DUKCAPIL-SMG/CCTV/2026/001') == []


def test_a_register_file_without_tables_reads_as_empty(register):
    os.makedirs(os.path.dirname(register))
    sqlite3.connect(register).close()
    assert _assets.list_assets(register) == []
    assert _assets.assign(register, {'serial': 'X', 'site': 'SMG', 'year': 2026}, check_mode=True)[1]['seq'] == 1
    assert tag(register, 'X')[1]['seq'] == 1


def test_tags_and_history_cannot_be_changed_or_deleted(register):
    tag(register, 'SN-A')
    tag(register, 'SN-A', room='Ruang Arsip')
    conn = sqlite3.connect(register)
    for sql in ("UPDATE assets SET serial = 'X'", 'DELETE FROM assets', "UPDATE history SET room = 'X'", 'DELETE FROM history'):
        with pytest.raises(sqlite3.DatabaseError, match='append-only'):
            conn.execute(sql)
    conn.close()


@pytest.mark.parametrize('given, tag_format, message', [
    ({'serial': ''}, None, "serial '' is empty"),
    ({'serial': '   '}, None, "serial '   ' is empty"),
    ({'serial': None}, None, 'serial is missing'),
    ({'serial': 'A|B'}, None, "serial 'A|B' contains \"|\""),
    ({'serial': 'A\nB'}, None, "serial 'A\\nB' contains a control character"),
    ({'serial': 'A', 'site': None}, None, 'site is missing'),
    ({'serial': 'A', 'site': 'S M G'}, None, "site 'S M G' is not a code"),
    ({'serial': 'A', 'kind': 'CC/TV'}, None, "kind 'CC/TV' is not a code"),
    ({'serial': 'A', 'prefix': ''}, None, "prefix '' is not a code"),
    ({'serial': 'A', 'year': 26}, None, 'year 26 is not a year'),
    ({'serial': 'A', 'mac': '00:11:22:33:44'}, None, "mac '00:11:22:33:44' is not a MAC address"),
    ({'serial': 'A'}, '{prefix}-{site}/{year}', "tag_format '{prefix}-{site}/{year}' has no {seq} field"),
    ({'serial': 'A'}, '{site}/{number:03d}', r"tag_format '{site}/{number:03d}' uses {number}"),
    ({'serial': 'A'}, '{site.lower}/{seq}', r"tag_format '{site.lower}/{seq}' uses {site.lower}"),
    ({'serial': 'A'}, '{site}/{seq:03q}', r"tag_format '{site}/{seq:03q}' cannot be filled"),
    ({'serial': 'A'}, '{site}/{seq', r"tag_format '{site}/{seq' is not a format string"),
    ({'serial': 'A'}, '', "tag_format '' is empty"),
])
def test_bad_input_names_the_field_and_value(register, given, tag_format, message):
    given = dict({'site': 'SMG', 'year': 2026}, **given)
    with pytest.raises(_assets.AssetInvalid) as exc:
        _assets.assign(register, given, tag_format=tag_format if tag_format is not None else _assets.DEFAULT_FORMAT)
    assert message in str(exc.value)
    assert not os.path.exists(register)


def test_a_format_giving_a_tag_with_a_separator_is_refused(register):
    with pytest.raises(_assets.AssetInvalid, match=r"gives the tag 'A\|1'"):
        tag(register, 'X', tag_format='A|{seq}')


def test_an_unreadable_register_is_a_clear_error(tmp_path):
    path = tmp_path / 'not-a-database.sqlite3'
    path.write_bytes(b'this is not SQLite' * 100)
    with pytest.raises(_assets.AssetError, match='cannot write the asset register .*not-a-database'):
        tag(str(path), 'A')
    with pytest.raises(_assets.AssetError, match='cannot read the asset register .*not-a-database'):
        _assets.list_assets(str(path))


def test_filters(register):
    tag(register, 'A', run_id='R-1', room='Ruang Server')
    tag(register, 'B', run_id='R-1', site='UNG')
    tag(register, 'C', run_id='R-2', year=2027)
    tag(register, 'D', run_id='R-0')
    tag(register, 'D', run_id='R-2', room='Ruang Server')  # moved in run R-2: its label is reprinted with R-2

    def serials(**filters):
        return [a['serial'] for a in _assets.list_assets(register, **filters)]

    assert serials() == ['A', 'D', 'C', 'B']
    assert serials(run_id='R-1') == ['A', 'B']
    assert serials(run_id='R-2') == ['D', 'C']
    assert serials(site='SMG', year=2026) == ['A', 'D']
    assert serials(kind='NET') == []
    assert _assets.list_assets(str(register) + '.missing') == []


def _writer(path, worker, serials):
    for serial in serials:
        _assets.assign(path, {'serial': serial, 'site': 'SMG', 'year': 2026, 'run_id': 'W%02d' % worker}, timeout=60)


def _run_workers(register, serials_of):
    ctx = multiprocessing.get_context('fork')
    procs = [ctx.Process(target=_writer, args=(register, w, serials_of(w))) for w in range(WORKERS)]
    started = time.monotonic()
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(300)
    assert [p.exitcode for p in procs] == [0] * WORKERS
    return time.monotonic() - started


def test_concurrent_writers_get_distinct_gapless_numbers(register):
    elapsed = _run_workers(register, lambda w: ['W%02d-%02d' % (w, i) for i in range(PER_WORKER)])
    rows = _assets.list_assets(register)
    total = WORKERS * PER_WORKER
    assert len(rows) == total
    assert sorted(r['seq'] for r in rows) == list(range(1, total + 1))
    assert len({r['tag'] for r in rows}) == total
    assert len({r['serial'] for r in rows}) == total
    print('\nassets: %d processes x %d tags = %d tags in %.2f s' % (WORKERS, PER_WORKER, total, elapsed))


def test_concurrent_writers_of_the_same_serials_get_one_tag_each(register):
    _run_workers(register, lambda w: ['SHARED-%02d' % ((i + w) % PER_WORKER) for i in range(PER_WORKER)])
    rows = _assets.list_assets(register)
    assert sorted(r['serial'] for r in rows) == ['SHARED-%02d' % i for i in range(PER_WORKER)]
    assert sorted(r['seq'] for r in rows) == list(range(1, PER_WORKER + 1))


def test_sqlite_helper_retries_and_rolls_back(tmp_path):
    path = str(tmp_path / 'x.sqlite3')
    schema = ('CREATE TABLE IF NOT EXISTS t (v INTEGER)',)

    def boom(conn):
        conn.execute('INSERT INTO t VALUES (1)')
        raise ValueError('work failed')

    with pytest.raises(ValueError):
        _sqlite.transaction(path, boom, schema)
    assert _sqlite.read(path, lambda c: c.execute('SELECT COUNT(*) FROM t').fetchone()[0], schema, table='t') == 0
    # A writer that holds the lock past the busy timeout: the helper retries, then names the file.
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute('BEGIN IMMEDIATE')
    try:
        with pytest.raises(_sqlite.RegisterError, match='cannot write the register .*x.sqlite3: database is locked'):
            _sqlite.transaction(path, lambda c: None, schema, timeout=0.01, retries=2)
    finally:
        holder.execute('ROLLBACK')
        holder.close()
    assert _sqlite.transaction(path, lambda c: c.execute('INSERT INTO t VALUES (2)').rowcount, schema) == 1
