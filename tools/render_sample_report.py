# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Render the sample installation report and label sheet, and save their pages as PNGs under docs/.

By default the fixture run record (tests/fixtures/run_record/) is taken through steps 7-9 the
way the modules do it - both acceptances bound to the facts hash, an entry in a throw-away
agenda book - with the mounting times of step 2 attested by the installer, and rendered in
Indonesian (and English) with the office's defaults (Semarang, Asia/Jakarta). With --record
(and --assets) it renders a real run instead: the PNGs in docs/ are the demo's, made with

    make demo   # the controller in UTC; for attested mounting times add to the demo's ansible-playbook
                # -e mount_attested_started='YYYY-MM-DD HH:MM' -e mount_attested_ended='YYYY-MM-DD HH:MM'
    python tools/render_sample_report.py --record build/demo/run/record.json --assets build/demo/aset.sqlite3

The pages written (each from the file an office gets):
  docs/report-sample-page1.png, docs/report-sample-page2.png   the PDF, by pdftoppm
  docs/report-sample-html-page1.png                            the HTML printed by headless Chromium
  docs/label-sheet-sample.png                                  the label sheet PDF, by pdftoppm

Everything is fixed by the inputs, so the PNGs are the same on every run. Needs fpdf2, Pillow and
segno (the collection's requirements), ``pdftoppm`` (Debian: poppler-utils) and, for the HTML
page, ``chromium`` (skipped with a note when it is absent).

Usage: python tools/render_sample_report.py [--out-dir build/sample-report] [--docs docs] [--record R --assets A]
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
#: The fixture's cameras as the asset register holds them (for the sample label sheet).
SAMPLE_ASSETS = [
    {'tag': 'DUKCAPIL-SMG/CCTV/2026/001', 'serial': 'DS-2CD2143G2-I20240612AAWRK12345678', 'maker': 'Hikvision',
     'model': 'DS-2CD2143G2-I', 'room': 'Ruang Server', 'position': 'sudut timur laut, menghadap pintu dan rak server utama',
     'kind': 'CCTV', 'year': 2026, 'assigned_at': '2026-03-10T09:05:00+07:00'},
    {'tag': 'DUKCAPIL-SMG/CCTV/2026/002', 'serial': '7E04B2APAG12345', 'maker': 'Dahua', 'model': 'IPC-HDW2431T-AS-S2',
     'room': 'Ruang Server', 'position': 'sudut barat daya, menghadap rak server cadangan', 'kind': 'CCTV', 'year': 2026,
     'assigned_at': '2026-03-10T10:05:00+07:00'},
    {'tag': 'DUKCAPIL-SMG/CCTV/2026/003', 'serial': 'ACCC8EF1A2B3', 'maker': 'AXIS', 'model': 'AXIS M3106-L Mk II',
     'room': 'Ruang Server', 'position': 'pintu masuk', 'kind': 'CCTV', 'year': 2026,
     'assigned_at': '2026-03-10T10:20:00+07:00'},
]
CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
                  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-default-apps',
                  '--disable-extensions', '--proxy-server=127.0.0.1:9', '--host-resolver-rules=MAP * ~NOTFOUND',
                  '--no-pdf-header-footer']


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
from ansible_collections.dukcapil.cctv.plugins.module_utils import _assets  # noqa: E402
from ansible_collections.dukcapil.cctv.plugins.module_utils import _labels  # noqa: E402
from ansible_collections.dukcapil.cctv.plugins.module_utils import _report  # noqa: E402
from ansible_collections.dukcapil.cctv.plugins.module_utils import _run_record as rr  # noqa: E402


def completed_record(work, change=None):
    """The fixture with step 2 attested, both acceptances and its agenda entry, as steps 2 and 7-9 leave it
    (``change``, when given, is applied to the fixture's facts first)."""
    run_dir = os.path.join(work, 'run')
    shutil.copytree(FIXTURES, run_dir)
    record = rr.load(os.path.join(run_dir, RECORD))
    if change is not None:
        change(record)
    record['steps']['2']['timing'] = 'attested'  # the installer's own start and end of the mounting
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


def _page(pdftoppm, pdf, number, png, dpi, work):
    prefix = os.path.join(work, 'page-%d' % number)
    subprocess.run([pdftoppm, '-r', str(dpi), '-f', str(number), '-l', str(number), '-png', '-singlefile', pdf, prefix],
                   check=True)
    os.makedirs(os.path.dirname(os.path.abspath(png)), exist_ok=True)
    shutil.copyfile(prefix + '.png', png)
    return png


def _html_page(chromium, html, png, dpi, pdftoppm, work):
    """Print the HTML with headless Chromium (A4, its own page footer) and take page 1 of that print."""
    printed = os.path.join(work, 'html-print.pdf')
    env = dict(os.environ, HOME=work)
    subprocess.run([chromium] + CHROMIUM_FLAGS + ['--print-to-pdf=%s' % printed, 'file://' + os.path.abspath(html)],
                   check=True, capture_output=True, timeout=180, env=env)
    return _page(pdftoppm, printed, 1, png, dpi, work)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--out-dir', default=os.path.join(ROOT, 'build', 'sample-report'))
    parser.add_argument('--docs', default=os.path.join(ROOT, 'docs'), help='folder the PNGs are written to')
    parser.add_argument('--record', help='a run record to render instead of the fixture (e.g. build/demo/run/record.json)')
    parser.add_argument('--assets', help='the asset register of that run, for the label sheet (e.g. build/demo/aset.sqlite3)')
    parser.add_argument('--dpi', type=int, default=100)
    args = parser.parse_args(argv)
    pdftoppm = shutil.which('pdftoppm')
    if not pdftoppm:
        parser.error('pdftoppm is missing: apt-get install -y poppler-utils')
    chromium = shutil.which('chromium') or shutil.which('chromium-browser')
    os.makedirs(args.out_dir, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as work:
        if args.record:
            record, run_dir = rr.load(args.record), _report.base_dir_of(args.record)
            assets = _assets.list_assets(args.assets, run_id=record['run_id']) if args.assets else SAMPLE_ASSETS
        else:
            (record, run_dir), assets = completed_record(work), SAMPLE_ASSETS
        for language in ('id', 'en'):
            view = _report.build(record, base_dir=run_dir, language=language)
            names = _report.file_names(record['run_id'], language)
            for fmt, data in _report.render(view, _report.FORMATS).items():
                with open(os.path.join(args.out_dir, names[fmt]), 'wb') as f:
                    f.write(data)
        names = _report.file_names(record['run_id'], 'id')
        pdf = os.path.join(args.out_dir, names['pdf'])
        for number in (1, 2):
            written.append(_page(pdftoppm, pdf, number, os.path.join(args.docs, 'report-sample-page%d.png' % number),
                                 args.dpi, work))
        if chromium:
            written.append(_html_page(chromium, os.path.join(args.out_dir, names['html']),
                                      os.path.join(args.docs, 'report-sample-html-page1.png'), args.dpi, pdftoppm, work))
        else:
            print('chromium is missing (apt-get install chromium): the HTML page was not rendered')
        sheet, dummy = _labels.render_sheet(assets, asset_code=None)
        sheet_path = os.path.join(args.out_dir, 'label-aset.pdf')
        with open(sheet_path, 'wb') as f:
            f.write(sheet)
        written.append(_page(pdftoppm, sheet_path, 1, os.path.join(args.docs, 'label-sheet-sample.png'), args.dpi, work))
    print('report files in %s (facts SHA-256 %s); pages: %s' % (args.out_dir, view['facts_hash'], ', '.join(written)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
