# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The installation report: facts in HTML, PDF and JSON, both languages, bad snapshots, reproducibility."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import unicodedata

import pytest
from pypdf import PdfReader

from ansible_collections.dukcapil.cctv.plugins.module_utils import _report
from ansible_collections.dukcapil.cctv.plugins.module_utils import _report_i18n
from ansible_collections.dukcapil.cctv.plugins.module_utils import _report_pdf
from ansible_collections.dukcapil.cctv.plugins.module_utils import _run_record as rr
from ansible_collections.dukcapil.cctv.plugins.module_utils import _sop
from ansible_collections.dukcapil.cctv.plugins.module_utils import _tz

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
FIXTURES = os.path.join(ROOT, 'tests', 'fixtures', 'run_record')
RECORD_NAME = 'smg-2026-03-10-01.json'
SUB = {'name': 'Sri Wahyuni, S.T.', 'nip': '197903152005012003'}
KABID = {'name': 'Ir. Agus Prasetyo, M.M.', 'nip': '197008231998031004'}


@pytest.fixture
def run_dir(tmp_path):
    dest = tmp_path / 'run'
    shutil.copytree(FIXTURES, dest)
    return dest


@pytest.fixture
def record(run_dir):
    return rr.load(str(run_dir / RECORD_NAME))


def render(record, run_dir, language='id', formats=('html', 'pdf', 'json'), **kwargs):
    view = _report.build(record, base_dir=str(run_dir), language=language, **kwargs)
    return view, _report.render(view, formats)


def pdf_pages(data):
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def flat(text):
    return re.sub(r'\s+', ' ', text)


def squashed(text):
    """Text without white space: a long value may wrap inside a narrow table cell."""
    return re.sub(r'\s+', '', text)


def test_html_holds_the_facts(record, run_dir):
    view, out = render(record, run_dir)
    page = out['html'].decode('utf-8')
    assert page.startswith('<!DOCTYPE html>') and '<html lang="id">' in page
    assert '@page { size: A4' in page
    for text in ('PEMERINTAH KABUPATEN SEMARANG', 'DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL', 'UNGARAN 50511',
                 'Laporan Pemasangan Kamera Pengawas pada Ruangan Perangkat Keras', 'SOP-PIAK-02', '1 Agustus 2022',
                 'Drs. RUDI SUSANTO, MM', '196707191993111001', 'Permendagri Nomor 25 Tahun 2011',
                 'Kegiatan', 'Pelaksana', 'Kelengkapan', 'Waktu (Mutu Baku)', 'Output', 'Keterangan',
                 'Mengkonfigurasi IP kamera pengawas', 'Sub Koord', 'Kabid', '2 jam 5 menit', 'melebihi waktu baku',
                 'Budi Santoso, S.Kom.', '198805122015031002', '800/017/SERT-APK/2024',
                 '10 Maret 2026 pukul 08.00 WIB', 'Ruang Server', 'PC-MONITOR-PIAK-01', 'VLC media player',
                 'Kabel UTP ke rak kurang panjang', 'Menunggu pemeriksaan Sub Koordinator', 'Ungaran, 10 Maret 2026'):
        assert text in page, text
    for cam in record['cameras']:
        for key in ('name', 'asset_tag', 'manufacturer', 'model', 'serial', 'mac', 'firmware', 'factory_address',
                    'address', 'hostname', 'position'):
            assert _report._e(cam[key]) in page, (cam['name'], key)
        assert _report._e(cam['stream_uri']) in page
    assert page.count('src="data:image/jpeg;base64,') == 2
    assert page.count(view['facts_hash']) >= 3  # meta, review section, footer repeated on every printed page
    assert '@bottom-left { content: "SHA-256 fakta laporan: %s"' % view['facts_hash'] in page
    assert 'http://' not in page.replace('rtsp://', '') and 'https://' not in page


def test_pdf_holds_the_facts_and_the_hash_on_every_page(record, run_dir):
    view, out = render(record, run_dir)
    pages = pdf_pages(out['pdf'])
    assert len(pages) >= 2
    for number, text in enumerate(pages, 1):
        assert 'SHA-256 fakta laporan: %s' % view['facts_hash'] in text
        assert 'Halaman %d dari %d' % (number, len(pages)) in text
    text = flat(' '.join(pages))
    for fact in ('PEMERINTAH KABUPATEN SEMARANG', 'LAPORAN PEMASANGAN KAMERA PENGAWAS PADA RUANGAN PERANGKAT KERAS',
                 'SOP-PIAK-02', 'Tanggal Efektif', 'Drs. RUDI SUSANTO, MM', 'CAM-SRV-01', 'CAM-SRV-02',
                 '44:19:b6:3a:10:01', 'e0:50:8b:22:33:44', '7E04B2APAG12345', 'V5.7.3 build 220112', '10.33.22.12',
                 'cam-srv-02', 'Hikvision', 'Dahua', 'PIAK-CCTV-2026-002', 'PC-MONITOR-PIAK-01', 'Budi Santoso, S.Kom.',
                 'NIP. 198805122015031002', 'Dibuat oleh,', 'Diperiksa oleh,', 'Disetujui oleh,', 'Kepala Bidang',
                 'Mencatat dalam Agenda, selesai', '2 jam 5 menit', 'melebihi waktu baku',
                 'DS-2CD2143G2-I20240612AAWRK12345678', 'rtsp://10.33.22.12:554/cam/realmonitor?channel=1&subtype=0'):
        assert squashed(fact) in squashed(text), fact
    reader = PdfReader(io.BytesIO(out['pdf']))
    # distinct images: fpdf2 before 2.8 lists every image in the resources of every page
    images = len(set(image.data for page in reader.pages for image in page.images))
    assert images == 2
    keywords = reader.xmp_metadata.pdf_keywords if reader.xmp_metadata else reader.metadata['/Keywords']  # PDF/A: XMP
    assert keywords == 'facts-sha256:%s' % view['facts_hash']


def test_json_is_canonical_and_holds_the_facts(record, run_dir):
    view, out = render(record, run_dir)
    doc = json.loads(out['json'])
    assert out['json'].decode('utf-8') == json.dumps(doc, sort_keys=True, indent=2, ensure_ascii=False) + '\n'
    assert doc['facts_hash'] == view['facts_hash'] == rr.facts_hash(doc['facts'])
    assert doc['facts']['cameras'] == record['cameras']
    assert doc['facts']['snapshot_sha256']['CAM-SRV-01'] == rr.sha256((run_dir / 'snapshots' / 'cam-srv-01.jpg').read_bytes())
    assert doc['sop']['number'] == 'SOP-PIAK-02'
    step2 = doc['steps'][1]
    assert (step2['standard_minutes'], step2['actual_minutes'], step2['status']) == (120, 125.0, 'ok')
    assert doc['review_status'] == 'awaiting_sub_koordinator'
    assert doc['signatories']['apk'] == {'name': 'Budi Santoso, S.Kom.', 'nip': '198805122015031002'}
    assert 'reviews' not in doc['facts'] and '7' not in doc['facts']['steps']
    # The JSON does not depend on the language.
    assert render(record, run_dir, language='en', formats=('json',))[1]['json'] == out['json']


def test_english_report(record, run_dir):
    view, out = render(record, run_dir, language='en')
    page = out['html'].decode('utf-8')
    for text in ('<html lang="en">', 'Report on the Installation of Surveillance Cameras in the Hardware Room',
                 'Standard time', 'Actual time', 'Requirement', "Configure the cameras&#x27; IP", '2 h 5 min',
                 'over the standard time', '10 March 2026 08:00 WIB', 'Awaiting the review of the sub-coordinator',
                 'SHA-256 of the report facts: %s' % view['facts_hash']):
        assert text in page, text
    assert 'Kegiatan' not in page
    text = flat(' '.join(pdf_pages(out['pdf'])))
    for fact in ('REPORT ON THE INSTALLATION OF SURVEILLANCE CAMERAS IN THE HARDWARE ROOM', 'Prepared by,', 'Page 1 of',
                 'SOP number', 'CAM-SRV-01'):
        assert fact in text, fact


def test_label_tables_match():
    assert set(_report_i18n.LABELS['id']) == set(_report_i18n.LABELS['en'])
    for language in _report_i18n.LANGUAGES:
        assert len(_report_i18n.LABELS[language]['months']) == 12


@pytest.mark.parametrize('content, status', [
    (b'this is not a picture', 'not_image'),
    (b'\xff\xd8\xff\xe0\x00\x10JFIF\x00' + b'\x00' * 40, 'corrupt'),
    (None, 'not_found'),
])
def test_a_bad_snapshot_is_reported_not_embedded(record, run_dir, content, status):
    snap = run_dir / 'snapshots' / 'cam-srv-02.jpg'
    if content is None:
        snap.unlink()
    else:
        snap.write_bytes(content)
    view, out = render(record, run_dir)
    page = out['html'].decode('utf-8')
    assert page.count('src="data:image/jpeg;base64,') == 1
    assert len([p for p in view['document']['problems'] if p['subject'] == 'CAM-SRV-02' and p['source'] == 'report']) == 1
    assert view['document']['snapshots']['CAM-SRV-02']['status'] == status
    message = _report_i18n.LABELS['id']['snapshot_' + status].format(path='snapshots/cam-srv-02.jpg')
    assert page.count(_report._e(message)) == 2  # in the camera table and among the problems
    assert len(set(i.data for p in PdfReader(io.BytesIO(out['pdf'])).pages for i in p.images)) == 1
    assert message in flat(' '.join(pdf_pages(out['pdf'])))


def test_truncated_jpeg_is_corrupt(record, run_dir):
    snap = run_dir / 'snapshots' / 'cam-srv-01.jpg'
    snap.write_bytes(snap.read_bytes()[:600])
    view = _report.build(record, base_dir=str(run_dir))
    assert view['document']['snapshots']['CAM-SRV-01']['status'] == 'corrupt'


def test_camera_without_snapshot_and_kept_password(record, run_dir):
    del record['cameras'][0]['snapshot']
    record['cameras'][1]['hardening']['factory_password_removed'] = False
    record['steps']['5']['result'] = 'failed'
    view = _report.build(record, base_dir=str(run_dir))
    texts = [(p['step'], p['subject'], p['text']) for p in view['document']['problems']]
    assert (5, 'CAM-SRV-01', 'Tidak ada tangkapan gambar') in texts
    assert (3, 'CAM-SRV-02', 'Sandi pabrik belum terbukti dihapus: kamera mungkin masih dapat dibuka dengan akun pabrik') in texts
    assert (5, '', 'Kegiatan 5 gagal') in texts


def test_png_snapshot_is_embedded_as_jpeg_thumbnail(record, run_dir):
    from PIL import Image
    Image.new('RGBA', (64, 48), (10, 200, 30, 128)).save(str(run_dir / 'snapshots' / 'cam-srv-02.png'))
    record['cameras'][1]['snapshot'] = 'snapshots/cam-srv-02.png'
    view = _report.build(record, base_dir=str(run_dir))
    assert view['document']['snapshots']['CAM-SRV-02'] == {
        'status': 'ok', 'path': 'snapshots/cam-srv-02.png', 'mime': 'image/png',
        'sha256': rr.sha256((run_dir / 'snapshots' / 'cam-srv-02.png').read_bytes())}
    assert view['cameras']['rows'][1]['thumbnail'].startswith(b'\xff\xd8\xff')


def test_rendering_is_reproducible(record, run_dir):
    first = render(record, run_dir)[1]
    second = render(rr.load(str(run_dir / RECORD_NAME)), run_dir)[1]
    assert first == second


def test_malformed_fact_is_named(record, run_dir):
    record['cameras'][1]['mac'] = '44:19:b6:zz'
    del record['cameras'][0]['firmware']
    with pytest.raises(rr.RecordInvalid) as exc:
        _report.build(record, base_dir=str(run_dir))
    assert exc.value.errors == ['cameras[0].firmware: missing', "cameras[1].mac: '44:19:b6:zz' is not a MAC address"]


def test_reviews_and_agenda_show_with_void_ones(record, run_dir):
    digest = _report.build(record, base_dir=str(run_dir))['facts_hash']
    record['reviews'] = [
        dict(SUB, role='sub_koordinator', decision='accepted', note='', at='2026-03-10T11:50:00+07:00', report_hash='f' * 64),
        dict(SUB, role='sub_koordinator', decision='accepted', note='', at='2026-03-10T13:10:00+07:00', report_hash=digest),
        dict(KABID, role='kepala_bidang', decision='accepted', note='Lanjutkan', at='2026-03-10T14:02:00+07:00', report_hash=digest),
    ]
    record['agenda'] = {'number': '007/PIAK/2026', 'date': '2026-03-11', 'entry_hash': 'e' * 64, 'report_hash': digest,
                        'database': '/x.sqlite3', 'recorded_at': '2026-03-11T08:00:00+07:00'}
    view, out = render(record, run_dir)
    assert view['facts_hash'] == digest
    page = out['html'].decode('utf-8')
    for text in ('Diterima Sub Koordinator dan Kepala Bidang', 'Batal (fakta laporan telah berubah)',
                 'Diterima secara elektronik 10 Maret 2026 pukul 13.10 WIB', 'Ir. Agus Prasetyo, M.M.',
                 'NIP. 197008231998031004', 'Nomor: 007/PIAK/2026', 'Nomor Agenda 007/PIAK/2026', '<tr class="void">'):
        assert text in page, text
    steps = view['document']['steps']
    assert [s['status'] for s in steps[6:]] == ['accepted', 'accepted', 'ok']
    assert steps[6]['actual_minutes'] == 95.0 and steps[7]['actual_minutes'] == 52.0
    text = flat(' '.join(pdf_pages(out['pdf'])))
    assert 'Diterima secara elektronik 10 Maret 2026 pukul 14.02 WIB' in text
    assert 'Batal (fakta laporan telah berubah)' in text
    assert [r['state'] for r in view['document']['reviews']] == ['void', 'valid', 'valid']


def test_signatories_option_and_letterhead(record, run_dir):
    view, out = render(record, run_dir, formats=('html',),
                       signatories={'kepala_bidang': {'name': 'Drs. Kabid Contoh', 'nip': '197001011995031001'}},
                       letterhead={'government': 'PEMERINTAH KOTA SALATIGA', 'city': 'Salatiga', 'postal_code': '50721',
                                   'phone': None})
    page = out['html'].decode('utf-8')
    assert 'Drs. Kabid Contoh' in page and 'PEMERINTAH KOTA SALATIGA' in page and 'SALATIGA 50721' in page
    assert 'Salatiga, 10 Maret 2026' in page
    assert 'Telp. (024) 6921105 - 6922349' in page  # None keeps the SOP's value


def test_bad_signatory_nip(record, run_dir):
    with pytest.raises(_report.ReportError, match="signatories.sub_koordinator.nip: '123' is not a NIP"):
        _report.build(record, base_dir=str(run_dir), signatories={'sub_koordinator': {'name': 'X', 'nip': '123'}})


def test_formatting_helpers():
    labels = _report_i18n.labels('id')
    assert _report.fmt_duration(120, labels) == '2 jam'
    assert _report.fmt_duration(95, labels) == '1 jam 35 menit'
    assert _report.fmt_duration(0.2, labels) == '< 1 menit'
    assert _report.fmt_duration(None, labels) == '-'
    # times are shown in the office's zone (default Asia/Jakarta), whatever offset they were stored with
    assert _report.fmt_time('2026-08-17T10:05:00+08:00', labels) == '17 Agustus 2026 pukul 09.05 WIB'
    assert _report.fmt_time('2026-08-17T10:05:00Z', labels) == '17 Agustus 2026 pukul 17.05 WIB'
    makassar = dict(labels, zone=_tz.zone('Asia/Makassar'))
    assert _report.fmt_time('2026-08-17T10:05:00+08:00', makassar) == '17 Agustus 2026 pukul 10.05 WITA'
    assert _sop.standard_minutes_total() == 230


def test_pdf_text_is_latin1():
    assert _report_pdf.pdf_text('a \u2014 b \u2019c\u2019 \u2192 ok') == "a - b 'c' -> ok"
    assert _report_pdf.pdf_text('Dže \u0142 \u4e2d') == 'Dze ? ?'
    assert _report_pdf.pdf_text('Caf\u00e9') == 'Caf\u00e9'


def test_non_latin1_facts_still_render(record, run_dir):
    record['problems'][0]['text'] = 'Kabel \u201cCat6\u201d \u2014 diganti \u2713 \u4e2d'
    view, out = render(record, run_dir, formats=('pdf',))
    assert 'Kabel "Cat6" - diganti v ?' in flat(' '.join(pdf_pages(out['pdf'])))


CHROMIUM = shutil.which('chromium') or shutil.which('chromium-browser')
CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
                  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-default-apps',
                  '--disable-extensions', '--proxy-server=127.0.0.1:9', '--host-resolver-rules=MAP * ~NOTFOUND']


@pytest.mark.skipif(CHROMIUM is None, reason='chromium is not installed: apt-get install chromium to check the HTML in a browser')
def test_html_in_headless_chromium(record, run_dir, tmp_path):
    view, out = render(record, run_dir, formats=('html',))
    page = tmp_path / 'report.html'
    page.write_bytes(out['html'])
    shot = tmp_path / 'report.png'
    printed = tmp_path / 'report.pdf'
    env = dict(os.environ, HOME=str(tmp_path))
    subprocess.run([CHROMIUM] + CHROMIUM_FLAGS + ['--window-size=900,1400', '--screenshot=%s' % shot, page.as_uri()],
                   check=True, capture_output=True, timeout=120, env=env)
    assert shot.read_bytes().startswith(b'\x89PNG') and shot.stat().st_size > 20000
    subprocess.run([CHROMIUM] + CHROMIUM_FLAGS + ['--no-pdf-header-footer', '--print-to-pdf=%s' % printed, page.as_uri()],
                   check=True, capture_output=True, timeout=120, env=env)
    pages = pdf_pages(printed.read_bytes())
    assert len(pages) >= 2
    for text in pages:  # the print footer repeats the facts hash on every printed page
        assert view['facts_hash'] in squashed(unicodedata.normalize('NFKC', text))
    reader = PdfReader(str(printed))
    assert abs(float(reader.pages[0].mediabox.width) - 595.3) < 2  # A4


# Issue 10 case 1: a step whose every camera failed was never closed; a failed camera lacks facts.

def test_a_step_never_closed_shows_not_completed_and_a_failed_camera_is_listed(record, run_dir):
    del record['steps']['5']['result']
    record['cameras'].append({'name': 'CAM-SRV-03', 'room': record['rooms'][0]['name'], 'position': 'lorong rak'})
    record['problems'].append({'step': 2, 'camera': 'CAM-SRV-03', 'text': 'GetUsers: SOAP fault'})
    view = _report.build(record, base_dir=str(run_dir), language='en')
    doc = view['document']
    assert [s['status'] for s in doc['steps'] if s['number'] == 5] == ['not_completed']
    assert doc['complete'] is False
    assert 'step 5: step 5 was not completed' in doc['open_problems']
    assert 'step 2, CAM-SRV-03: GetUsers: SOAP fault' in doc['open_problems']
    assert 'step 3, CAM-SRV-03: the factory credentials are not proven removed: the camera may still open with its ' \
           'factory user and password' in doc['open_problems']
    assert [row['alt'] for row in view['cameras']['rows']] == ['CAM-SRV-01', 'CAM-SRV-02', 'CAM-SRV-03']
    html = _report.render_html(view)
    html = html.decode('utf-8') if isinstance(html, bytes) else html
    assert 'Not completed' in html and 'CAM-SRV-03' in html and 'GetUsers: SOAP fault' in html
