# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The agenda book: numbering, concurrency, idempotence, tamper evidence, CSV."""

from __future__ import annotations

import csv
import io
import multiprocessing
import os
import sqlite3
import time

import pytest

from ansible_collections.dukcapil.cctv.plugins.module_utils import _agenda
from ansible_collections.dukcapil.cctv.plugins.module_utils import _report_i18n

WORKERS = 20
PER_WORKER = 50


def given(run_id, report_hash='a' * 64, date='2026-03-11'):
    return {'date': date, 'subject': 'Laporan Pemasangan Kamera Pengawas - %s' % run_id, 'run_id': run_id,
            'report_hash': report_hash, 'sub_koordinator_name': 'Sri Wahyuni, S.T.', 'sub_koordinator_nip': '197903152005012003',
            'kepala_bidang_name': 'Ir. Agus Prasetyo, M.M.', 'kepala_bidang_nip': '197008231998031004',
            'report_location': '/srv/laporan/%s' % run_id}


@pytest.fixture
def book(tmp_path):
    return str(tmp_path / 'agenda' / 'buku-agenda.sqlite3')


def tamper(path, sql, params=()):
    """Change the book behind the module's back (dropping the append-only triggers first)."""
    conn = sqlite3.connect(path)
    conn.execute('DROP TRIGGER IF EXISTS entries_no_update')
    conn.execute('DROP TRIGGER IF EXISTS entries_no_delete')
    conn.execute(sql, params)
    conn.commit()
    conn.close()


def test_numbers_per_year(book):
    assert _agenda.record_entry(book, given('R-1'))[1]['number'] == '001/PIAK/2026'
    assert _agenda.record_entry(book, given('R-2'))[1]['number'] == '002/PIAK/2026'
    assert _agenda.record_entry(book, given('R-3', date='2027-01-02'))[1]['number'] == '001/PIAK/2027'
    changed, entry, previous = _agenda.record_entry(book, given('R-4', date='2026-12-30'), number_format='{seq:03d}/{code}/{month_roman}/{year}',
                                                    code='PIAK-SMG')
    assert (changed, entry['number'], entry['position'], previous) == (True, '003/PIAK-SMG/XII/2026', 4, [])
    assert _agenda.verify(book)['ok']


def test_idempotent_by_run_and_report_hash(book):
    first = _agenda.record_entry(book, given('R-1'))
    again = _agenda.record_entry(book, given('R-1', date='2026-04-01'))
    assert first[0] is True and again[0] is False
    assert again[1] == first[1]
    newer = _agenda.record_entry(book, given('R-1', report_hash='b' * 64))
    assert newer[0] is True and newer[1]['number'] == '002/PIAK/2026'
    assert [e['number'] for e in newer[2]] == ['001/PIAK/2026']
    assert len(_agenda.entries(book)) == 2


def test_check_mode_neither_creates_nor_writes(book):
    changed, entry, dummy = _agenda.record_entry(book, given('R-1'), check_mode=True)
    assert changed and entry['number'] == '001/PIAK/2026'
    assert not os.path.exists(book)
    _agenda.record_entry(book, given('R-1'))
    changed, entry, dummy = _agenda.record_entry(book, given('R-2'), check_mode=True)
    assert changed and entry['number'] == '002/PIAK/2026'
    assert _agenda.record_entry(book, given('R-1'), check_mode=True)[0] is False
    assert len(_agenda.entries(book)) == 1


def test_refusals(book):
    with pytest.raises(_agenda.AgendaRefused, match='no {seq} field'):
        _agenda.record_entry(book, given('R-1'), number_format='{code}/{year}')
    with pytest.raises(_agenda.AgendaRefused, match='cannot be filled'):
        _agenda.record_entry(book, given('R-1'), number_format='{seq}/{office}')
    with pytest.raises(_agenda.AgendaRefused, match='needs kepala_bidang_name'):
        _agenda.record_entry(book, dict(given('R-1'), kepala_bidang_name=''))
    with pytest.raises(_agenda.AgendaRefused, match='not a date'):
        _agenda.record_entry(book, given('R-1', date='2026-02-30'))
    _agenda.record_entry(book, given('R-1'), number_format='{seq:03d}/{code}')
    with pytest.raises(_agenda.AgendaRefused, match='unique per year'):
        _agenda.record_entry(book, given('R-2', date='2027-01-01'), number_format='{seq:03d}/{code}')


def test_entries_cannot_be_changed_or_deleted(book):
    _agenda.record_entry(book, given('R-1'))
    conn = sqlite3.connect(book)
    with pytest.raises(sqlite3.DatabaseError, match='append-only'):
        conn.execute("UPDATE entries SET subject = 'x'")
    with pytest.raises(sqlite3.DatabaseError, match='append-only'):
        conn.execute('DELETE FROM entries')
    conn.close()


def _writer(path, worker):
    for i in range(PER_WORKER):
        _agenda.record_entry(path, given('W%02d-%02d' % (worker, i)), timeout=60)


def test_concurrent_writers_get_distinct_gapless_numbers(book):
    ctx = multiprocessing.get_context('fork')
    procs = [ctx.Process(target=_writer, args=(book, w)) for w in range(WORKERS)]
    started = time.monotonic()
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(300)
    elapsed = time.monotonic() - started
    assert [p.exitcode for p in procs] == [0] * WORKERS
    rows = _agenda.entries(book)
    total = WORKERS * PER_WORKER
    assert len(rows) == total
    assert sorted(r['seq'] for r in rows) == list(range(1, total + 1))
    assert len({r['number'] for r in rows}) == total
    assert [r['position'] for r in rows] == list(range(1, total + 1))
    assert len({r['run_id'] for r in rows}) == total
    report = _agenda.verify(book)
    assert report['ok'] and report['entries'] == total
    print('\nagenda: %d processes x %d entries = %d entries in %.2f s' % (WORKERS, PER_WORKER, total, elapsed))
    # A second round of the same runs adds nothing.
    _writer(book, 3)
    assert len(_agenda.entries(book)) == total


@pytest.fixture
def five(book):
    for i in range(1, 6):
        _agenda.record_entry(book, given('R-%d' % i))
    return book


def test_verify_detects_an_altered_entry(five):
    assert _agenda.verify(five)['ok']
    tamper(five, "UPDATE entries SET subject = 'Laporan lain' WHERE position = 3")
    report = _agenda.verify(five)
    assert not report['ok']
    assert report['first_bad']['position'] == 3 and report['first_bad']['number'] == '003/PIAK/2026'
    assert 'was altered' in report['first_bad']['reason']


def test_verify_detects_an_altered_entry_with_a_recomputed_hash(five):
    rows = _agenda.entries(five)
    content = {k: rows[1][k] for k in _agenda.CONTENT}
    content['report_location'] = '/tmp/palsu'
    tamper(five, 'UPDATE entries SET report_location = ?, entry_hash = ? WHERE position = 2',
           (content['report_location'], _agenda.entry_hash(content['prev_hash'], content)))
    report = _agenda.verify(five)
    assert report['first_bad']['position'] == 2
    assert 'entry 3 no longer links to it' in report['first_bad']['reason']


def test_verify_detects_a_deleted_entry(five):
    tamper(five, 'DELETE FROM entries WHERE position = 2')
    report = _agenda.verify(five)
    assert report['first_bad'] == {'position': 2, 'number': None, 'reason': 'entry 2 is missing (removed from the book)'}


def test_verify_detects_a_deleted_last_entry(five):
    tamper(five, 'DELETE FROM entries WHERE position = 5')
    report = _agenda.verify(five)
    assert report['first_bad']['position'] == 5 and report['first_bad']['number'] == '005/PIAK/2026'
    assert 'removed' in report['first_bad']['reason']


def test_nothing_is_appended_to_a_book_whose_end_was_removed(five):
    tamper(five, 'DELETE FROM entries WHERE position >= 4')
    with pytest.raises(_agenda.AgendaBroken, match='is not intact .* up to 005/PIAK/2026, the last entry is 3'):
        _agenda.record_entry(five, given('R-9'))
    tamper(five, 'DELETE FROM entries')
    with pytest.raises(_agenda.AgendaBroken, match='the last entry is none'):
        _agenda.record_entry(five, given('R-9'))
    assert _agenda.entries(five) == []


def test_verify_of_a_missing_book(book):
    with pytest.raises(_agenda.AgendaError, match='does not exist'):
        _agenda.verify(book)


def test_csv_export(five):
    text = _agenda.export_csv(_agenda.entries(five), _report_i18n.labels('id'))
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ['Nomor Agenda', 'Tanggal', 'Perihal']
    assert [r[0] for r in rows[1:]] == ['%03d/PIAK/2026' % i for i in range(1, 6)]
    assert rows[1][5] == 'Sri Wahyuni, S.T. (NIP 197903152005012003)'
    assert text.endswith('\r\n')
    assert _agenda.export_csv([], _report_i18n.labels('en')).startswith('Agenda number,Date,Subject')
