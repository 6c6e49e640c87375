# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Render the sample installation report from the test fixture and save page 1 as docs/report-sample-page1.png.

The fixture run record (tests/fixtures/run_record/) is taken through steps 7-9 the way the
modules do it - both acceptances bound to the facts hash, an entry in a throw-away agenda
book - and rendered in Indonesian (and English). Everything is fixed by the fixture, so the
PNG is the same on every run. Needs fpdf2 and Pillow (the collection's requirements) and
``pdftoppm`` (Debian: apt-get install poppler-utils).

Usage: python tools/render_sample_report.py [--out-dir build/sample-report] [--png docs/report-sample-page1.png]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, 'tests', 'fixtures', 'run_record')
RECORD = 'smg-2026-03-10-01.json'
REVIEWS = (
    ('sub_koordinator', 'Sri Wahyuni, S.T.', '197903152005012003', '2026-03-10T13:10:00+07:00'),
    ('kepala_bidang', 'Ir. Agus Prasetyo, M.M.', '197008231998031004', '2026-03-10T14:02:00+07:00'),
)


def _collection_path():
    """Make ansible_collections.dukcapil.cctv importable from this checkout (as tests/conftest.py does)."""
    parts = ROOT.split(os.sep)
    if len(parts) > 3 and parts[-3] == 'ansible_collections':
        return os.sep.join(parts[:-3])
    base = os.path.join(ROOT, 'build', 'pytest-collections')
    link = os.path.join(base, 'ansible_collections', 'dukcapil', 'cctv')
    if not os.path.lexists(link):
        os.makedirs(os.path.dirname(link), exist_ok=True)
        os.symlink(ROOT, link)
    return base


sys.path.insert(0, _collection_path())

from ansible_collections.dukcapil.cctv.plugins.module_utils import _agenda  # noqa: E402
from ansible_collections.dukcapil.cctv.plugins.module_utils import _report  # noqa: E402
from ansible_collections.dukcapil.cctv.plugins.module_utils import _run_record as rr  # noqa: E402


def completed_record(work):
    """The fixture with both acceptances and its agenda entry, as steps 7-9 leave it."""
    run_dir = os.path.join(work, 'run')
    shutil.copytree(FIXTURES, run_dir)
    record = rr.load(os.path.join(run_dir, RECORD))
    digest = rr.facts_hash(rr.facts(record, run_dir))
    for role, name, nip, at in REVIEWS:
        review = {'role': role, 'name': name, 'nip': nip, 'decision': 'accepted', 'note': '', 'at': at, 'report_hash': digest}
        if rr.plan_review(record, digest, review):
            record.setdefault('reviews', []).append(review)
    state = rr.review_state(record, digest)
    sub, kabid = state['current']['sub_koordinator'], state['current']['kepala_bidang']
    book = os.path.join(work, 'buku-agenda.sqlite3')
    dummy, entry, dummy = _agenda.record_entry(book, {
        'date': '2026-03-10', 'subject': 'Laporan Pemasangan Kamera Pengawas pada Ruangan Perangkat Keras',
        'run_id': record['run_id'], 'report_hash': digest,
        'sub_koordinator_name': sub['name'], 'sub_koordinator_nip': sub['nip'],
        'kepala_bidang_name': kabid['name'], 'kepala_bidang_nip': kabid['nip'],
        'report_location': '/var/lib/dukcapil-cctv/reports/%s' % record['run_id']}, recorded_at='2026-03-10T14:06:00+07:00')
    record['agenda'] = {'number': entry['number'], 'date': entry['date'], 'entry_hash': entry['entry_hash'],
                        'report_hash': digest, 'database': '/var/lib/dukcapil-cctv/buku-agenda.sqlite3',
                        'recorded_at': entry['recorded_at']}
    rr.check(record)
    return record, run_dir


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--out-dir', default=os.path.join(ROOT, 'build', 'sample-report'))
    parser.add_argument('--png', default=os.path.join(ROOT, 'docs', 'report-sample-page1.png'))
    parser.add_argument('--dpi', type=int, default=100)
    args = parser.parse_args(argv)
    pdftoppm = shutil.which('pdftoppm')
    if not pdftoppm:
        parser.error('pdftoppm is missing: apt-get install -y poppler-utils')
    os.makedirs(args.out_dir, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        record, run_dir = completed_record(work)
        for language in ('id', 'en'):
            view = _report.build(record, base_dir=run_dir, language=language)
            names = _report.file_names(record['run_id'], language)
            for fmt, data in _report.render(view, _report.FORMATS).items():
                with open(os.path.join(args.out_dir, names[fmt]), 'wb') as f:
                    f.write(data)
        pdf = os.path.join(args.out_dir, _report.file_names(record['run_id'], 'id')['pdf'])
        prefix = os.path.join(work, 'page')
        subprocess.run([pdftoppm, '-r', str(args.dpi), '-f', '1', '-l', '1', '-png', '-singlefile', pdf, prefix], check=True)
        os.makedirs(os.path.dirname(os.path.abspath(args.png)), exist_ok=True)
        shutil.copyfile(prefix + '.png', args.png)
    print('report files in %s; page 1 in %s (facts SHA-256 %s)' % (args.out_dir, args.png, view['facts_hash']))
    return 0


if __name__ == '__main__':
    sys.exit(main())
