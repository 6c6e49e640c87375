# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The report an office files (issue 14): its time zone, attested times, unbroken tokens, embedded fonts,
the office's own values, and HTML and PDF saying the same."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from ansible_collections.dukcapil.cctv.plugins.module_utils import _report
from ansible_collections.dukcapil.cctv.plugins.module_utils import _report_i18n
from ansible_collections.dukcapil.cctv.plugins.module_utils import _run_record as rr
from ansible_collections.dukcapil.cctv.plugins.module_utils import _tz

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
FIXTURES = os.path.join(ROOT, 'tests', 'fixtures', 'run_record')
RECORD_NAME = 'smg-2026-03-10-01.json'


def pdf_pages(data):
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def flat(text):
    return re.sub(r'\s+', ' ', text)


BOYOLALI = {
    'letterhead': {'government': 'PEMERINTAH KABUPATEN BOYOLALI', 'office': 'DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL',
                   'address': 'Jl. Pandanaran No 163', 'phone': '(0276) 321000', 'fax': '(0276) 321001',
                   'city': 'Boyolali', 'postal_code': '57311'},
    'approver': {'name': 'Dra. SITI AMINAH, M.Si.', 'nip': '196801021994032005',
                 'title': 'Kepala Dinas Kependudukan dan Pencatatan Sipil Kabupaten Boyolali'},
    'division': 'Bidang Pelayanan Informasi Administrasi Kependudukan',
    'sub_unit': 'Pengelolaan Data Kependudukan',
}


@pytest.fixture
def run_dir(tmp_path):
    dest = tmp_path / 'run'
    shutil.copytree(FIXTURES, dest)
    return dest


@pytest.fixture
def record(run_dir):
    return rr.load(str(run_dir / RECORD_NAME))


def to_utc(text):
    return _tz.parse(text).astimezone(_tz.zone('UTC')).isoformat()


def utc_record(record):
    """The fixture as a controller in UTC writes it: every stored time with offset +00:00."""
    record['window'] = {k: to_utc(v) for k, v in record['window'].items()}
    for step in record['steps'].values():
        for key in ('started', 'ended'):
            if step.get(key):
                step[key] = to_utc(step[key])
    for cam in record['cameras']:
        cam['mount']['at'] = to_utc(cam['mount']['at'])
    for problem in record['problems']:
        problem['resolved'] = to_utc(problem['resolved'])
    return record


def metadata(data):
    """Title, author, subject and keywords of a PDF, from its XMP (PDF/A) or its Info dictionary."""
    reader = PdfReader(io.BytesIO(data))
    xmp = reader.xmp_metadata
    if xmp is not None:
        return {'/Title': xmp.dc_title['x-default'], '/Author': ', '.join(xmp.dc_creator),
                '/Subject': xmp.dc_description['x-default'], '/Keywords': xmp.pdf_keywords}
    return dict(reader.metadata)


def render(record, run_dir, language='id', formats=('html', 'pdf', 'json'), **kwargs):
    view = _report.build(record, base_dir=str(run_dir), language=language, **kwargs)
    return view, _report.render(view, formats)


# Point 1: the office's time zone governs every shown time, whatever the controller's.

def test_times_stored_in_utc_are_shown_in_wib(record, run_dir, monkeypatch):
    monkeypatch.setenv('TZ', 'UTC')
    view, out = render(utc_record(record), run_dir)
    page = out['html'].decode('utf-8')
    text = flat(' '.join(pdf_pages(out['pdf'])))
    for shown in ('10 Maret 2026 pukul 08.00 WIB s.d. 10 Maret 2026 pukul 12.00 WIB',
                  '10 Maret 2026 pukul 09.05 WIB', 'Ungaran, 10 Maret 2026'):
        assert shown in page, shown
        assert shown in text, shown
    assert 'UTC' not in page.replace('UTC+', '') and 'UTC+00:00' not in page and 'UTC+00:00' not in text
    # stored times keep their own offset
    assert json.loads(out['json'])['facts']['window']['start'] == '2026-03-10T01:00:00+00:00'


def test_report_at_2330_utc_on_31_december_is_dated_1_january(record, run_dir):
    record['steps']['6'] = {'started': '2026-12-31T23:10:00+00:00', 'ended': '2026-12-31T23:30:00+00:00', 'result': 'ok'}
    record['window']['end'] = '2027-01-01T12:00:00+07:00'
    view, out = render(record, run_dir)
    assert view['place_date'] == 'Ungaran, 1 Januari 2027'
    assert 'Ungaran, 1 Januari 2027' in flat(' '.join(pdf_pages(out['pdf'])))
    makassar, _out = render(record, run_dir, formats=('html',), timezone='Asia/Makassar')
    assert makassar['place_date'] == 'Ungaran, 1 Januari 2027'
    assert _report.fmt_time(record['steps']['6']['ended'], makassar['labels']) == '1 Januari 2027 pukul 07.30 WITA'


def test_timezone_names_and_fallback():
    assert _tz.zone('Asia/Jakarta').utcoffset(None).total_seconds() == 7 * 3600
    assert _tz.zone('WIB-7').utcoffset(None).total_seconds() == 7 * 3600
    assert _tz.zone('WITA-8').utcoffset(None).total_seconds() == 8 * 3600
    assert _tz.posix('Asia/Jakarta') == 'WIB-7' and _tz.posix('Asia/Jayapura') == 'WIT-9' and _tz.posix('WITA-8') == 'WITA-8'
    with pytest.raises(_tz.TimezoneError, match="timezone 'Mars/Olympus'"):
        _tz.zone('Mars/Olympus')
    labels = dict(_report_i18n.labels('id'), zone=_tz.zone('Asia/Jakarta'))
    assert _report.fmt_time('2026-08-17T10:05:00Z', labels) == '17 Agustus 2026 pukul 17.05 WIB'


def test_fixed_clock_for_tests(monkeypatch):
    monkeypatch.setenv('DUKCAPIL_CCTV_NOW', '2026-12-31T23:30:00Z')
    assert _tz.now_iso('Asia/Jakarta') == '2027-01-01T06:30:00+07:00'
    assert _tz.today('Asia/Jakarta').isoformat() == '2027-01-01'
    assert _tz.today('UTC').isoformat() == '2026-12-31'


def test_bad_timezone_is_named(record, run_dir):
    with pytest.raises(_report.ReportError, match="timezone 'Asia/Nowhere'"):
        _report.build(record, base_dir=str(run_dir), timezone='Asia/Nowhere')


# Point 2: attested times for the physical step, measured times for the automated ones.

def test_attested_mount_times_and_labelled_total(record, run_dir):
    record['steps']['2'] = {'started': '2026-03-10T08:05:00+07:00', 'ended': '2026-03-10T10:10:00+07:00', 'result': 'ok',
                            'timing': 'attested'}
    view, out = render(record, run_dir)
    row = view['steps']['rows'][1]
    assert row[5] == '2 jam 5 menit (dinyatakan)'
    assert view['steps']['rows'][2][5] == '28 menit (terukur)'
    assert view['steps']['total'][5] == '2 jam 5 menit dinyatakan + 1 jam 39 menit terukur'
    assert 'dinyatakan = waktu yang dinyatakan pelaksana' in view['steps']['legend']
    assert view['document']['steps'][1]['timing'] == 'attested' and view['document']['steps'][2]['timing'] == 'measured'
    text = flat(' '.join(pdf_pages(out['pdf'])))
    assert '2 jam 5 menit (dinyatakan)' in text
    english, _out = render(record, run_dir, language='en', formats=('json',))
    assert english['steps']['rows'][1][5] == '2 h 5 min (attested)'


# Point 3: no mid-token breaks, order, maker once, thumbnails, full frame hash.

def test_tokens_never_break_and_cameras_are_ordered(record, run_dir):
    third = json.loads(json.dumps(record['cameras'][0]))
    third.update(name='CAM-LOBI-01', room='Ruang Arsip', asset_tag='PIAK-CCTV-2026-003', manufacturer='AXIS',
                 model='AXIS Q6045-E', serial='ACCC8E123456', mac='ac:cc:8e:12:34:56', address='10.33.22.13',
                 hostname='cam-lobi-01', factory_address='192.168.0.90')
    record['rooms'].append({'name': 'Ruang Arsip'})
    record['cameras'] = [record['cameras'][1], third, record['cameras'][0]]
    view, out = render(record, run_dir)
    assert [r['name'] for r in view['cameras']['rows']] == ['CAM-LOBI-01', 'CAM-SRV-01', 'CAM-SRV-02']
    page = out['html'].decode('utf-8')
    assert 'AXIS AXIS' not in page and 'AXIS Q6045-E' in page
    text = flat(' '.join(pdf_pages(out['pdf'])))
    assert 'AXIS AXIS' not in text
    for cam in record['cameras']:
        for key in ('asset_tag', 'serial', 'mac', 'address', 'factory_address', 'stream_uri'):
            assert cam[key] in text, (cam['name'], key, cam[key])
            assert '<span class="nb">%s</span>' % _report._e(cam[key]) in page, (cam['name'], key)
    for line in view['reviews']['rows']:
        assert not line[6].endswith('.')


def test_thumbnails_at_least_4_cm_and_full_frame_hash(record, run_dir):
    view, out = render(record, run_dir)
    reader = PdfReader(io.BytesIO(out['pdf']))
    widths = []
    for page in reader.pages:
        for name, obj in page['/Resources'].get('/XObject', {}).items():
            del name
            obj = obj.get_object()
            if obj.get('/Subtype') == '/Image':
                widths.append(obj)
    assert widths, 'no image in the PDF'
    assert _report.WIDTHS['cameras'][-1] * 1.8 >= 40  # the snapshot column of 180 mm
    width = re.search(r'td\.snap img \{ display: block; width: (\d+)mm', out['html'].decode('utf-8'))
    assert width and int(width.group(1)) >= 40
    snapshots = json.loads(out['json'])['snapshots']
    data = (run_dir / 'snapshots' / 'cam-srv-01.jpg').read_bytes()
    assert snapshots['CAM-SRV-01']['sha256'] == rr.sha256(data)


# Point 4: embedded fonts, one family, metadata.

@pytest.mark.skipif(shutil.which('pdffonts') is None, reason='pdffonts (poppler-utils) is not installed')
def test_every_font_is_embedded_one_family(record, run_dir, tmp_path):
    view, out = render(record, run_dir)
    pdf = tmp_path / 'report.pdf'
    pdf.write_bytes(out['pdf'])
    lines = subprocess.run(['pdffonts', str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert lines
    for line in lines:
        fields = line.split()
        assert re.match(r'^[A-Z]{6}\+LiberationSans', fields[0]), line
        assert fields[-5] == 'yes', line  # emb
    meta = metadata(out['pdf'])
    assert meta['/Title'] == view['title']
    assert meta['/Author'] == 'Dinas Kependudukan dan Pencatatan Sipil Kabupaten Semarang'
    assert meta['/Subject'].startswith('SOP-PIAK-02')


# Point 5: the office's own values replace Semarang's everywhere.

def test_second_regency_values_change_every_place(record, run_dir):
    record['site'] = {'code': 'BYL', 'name': 'Dinas Kependudukan dan Pencatatan Sipil Kabupaten Boyolali',
                      'address': 'Jl. Pandanaran No 163 Boyolali'}
    view, out = render(record, run_dir, letterhead=BOYOLALI['letterhead'], office=BOYOLALI)
    page = out['html'].decode('utf-8')
    text = flat(' '.join(pdf_pages(out['pdf'])))
    for shown in ('PEMERINTAH KABUPATEN BOYOLALI', 'Dra. SITI AMINAH, M.Si.', '196801021994032005',
                  'Kepala Bidang Pelayanan Informasi Administrasi Kependudukan', 'Boyolali, 10 Maret 2026',
                  'Sub Koordinator Pengelolaan Data Kependudukan'):
        assert shown in page, shown
        assert shown in text, shown
    for gone in ('SEMARANG', 'Semarang', 'RUDI SUSANTO', '196707191993111001', 'Ungaran', 'Pemuda'):
        assert gone not in page, gone
        assert gone not in text, gone
    meta = metadata(out['pdf'])
    assert 'Boyolali' in meta['/Author']


def test_semarang_is_the_default_office(record, run_dir):
    view, out = render(record, run_dir, formats=('html',))
    page = out['html'].decode('utf-8')
    for shown in ('Drs. RUDI SUSANTO, MM', 'Kepala Bidang Pengelolaan Informasi Administrasi Kependudukan',
                  'Sub Koordinator Sistem Informasi Administrasi Kependudukan'):
        assert shown in page, shown


# Point 7: HTML and PDF say the same thing in their header and footer.

def test_html_and_pdf_share_footer_and_numbering(record, run_dir):
    view, out = render(record, run_dir)
    page = out['html'].decode('utf-8')
    footer = 'SHA-256 fakta laporan: %s' % view['facts_hash']
    assert '"Halaman " counter(page) " dari " counter(pages)' in page
    assert '@bottom-left { content: "%s"' % footer in page
    assert page.index('class="kop"') < page.index('class="screen-footer"')
    for number, text in enumerate(pdf_pages(out['pdf']), 1):
        assert footer in text and 'Halaman %d dari' % number in text
    english, eout = render(record, run_dir, language='en', formats=('html',))
    assert '"Page " counter(page) " of " counter(pages)' in eout['html'].decode('utf-8')


# Done when: the sample report's PDF text (docs/report-sample-page*.png) against the facts it was made from.

def test_sample_pdf_text_matches_the_facts(tmp_path, monkeypatch):
    monkeypatch.setenv('TZ', 'UTC')
    render_sample_report = pytest.importorskip('render_sample_report')
    # stored as a controller in UTC stores them: the report must still say WIB
    record, run_dir = render_sample_report.completed_record(str(tmp_path), change=utc_record)
    for review in record['reviews']:
        review['at'] = to_utc(review['at'])
    view, out = render(record, run_dir)
    text = flat(' '.join(pdf_pages(out['pdf'])))
    assert 'UTC' not in text
    facts = ['10 Maret 2026 pukul 08.00 WIB s.d. 10 Maret 2026 pukul 12.00 WIB',  # window, in WIB
             'Diterima secara elektronik 10 Maret 2026 pukul 13.10 WIB', 'Diterima secara elektronik 10 Maret 2026 pukul 14.02 WIB',
             '2 jam 5 menit (dinyatakan)', '28 menit (terukur)', '2 jam 5 menit dinyatakan + 4 jam 10 menit terukur',
             record['operator']['name'], 'NIP. ' + record['operator']['nip'], record['operator']['certificate'],
             'Drs. RUDI SUSANTO, MM', 'Ungaran, 10 Maret 2026', 'Nomor: 001/PIAK/2026']
    facts += [r['name'] for r in record['reviews']] + ['NIP. ' + r['nip'] for r in record['reviews']]
    for cam in record['cameras']:
        facts += [cam[k] for k in ('name', 'asset_tag', 'serial', 'mac', 'factory_address', 'address', 'hostname',
                                   'firmware', 'position', 'stream_uri')]
        facts.append('%s %s' % (cam['manufacturer'], cam['model']))
        facts.append('Dipasang oleh %s, %s' % (cam['mount']['by'], _report.fmt_time(cam['mount']['at'], view['labels'])))
    for ws in record['workstations']:
        facts += [ws['name'], ws['viewer'], ws['version'], ws['address']]
    missing = [fact for fact in facts if fact not in text]
    assert not missing, missing


def test_a_value_too_long_for_its_cell_is_shortened_there_and_printed_in_full(record, run_dir):
    long_uri = 'rtsp://10.33.22.11:554/onvif-media/media.amp?profile=profile_1_h264&sessiontimeout=60&streamtype=unicast'
    record['cameras'][0]['stream_uri'] = long_uri
    view, out = render(record, run_dir, formats=('pdf',))
    text = flat(' '.join(pdf_pages(out['pdf'])))
    assert 'CAM-SRV-01, Stream (lengkap): ' + long_uri in text
    sizes = []
    for page in PdfReader(io.BytesIO(out['pdf'])).pages:
        sizes += [float(v) for v in re.findall(r' ([\d.]+) Tf', page.get_contents().get_data().decode('latin-1'))]
    assert min(sizes) >= 6.0
    # the smaller size of the shortened cell does not carry on to the next cells
    assert sizes.count(7.0) > 60
