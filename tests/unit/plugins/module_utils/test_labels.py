# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The label sheet PDF: text and QR codes on the page, reproducible bytes, grid, copies, skip, bad input."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import pytest

from ansible_collections.dukcapil.cctv.plugins.module_utils import _labels

pypdf = pytest.importorskip('pypdf')

CAMERAS = [
    ('DUKCAPIL-SMG/CCTV/2026/001', 'DS-2CD2143G2-I20240312AAWRF12345678', 'Hikvision', 'DS-2CD2143G2-I', 'Sudut timur laut'),
    ('DUKCAPIL-SMG/CCTV/2026/002', 'ACCC8EF1A2B3', 'Axis', 'M3106-L Mk II', 'Pintu masuk'),
    ('DUKCAPIL-SMG/CCTV/2026/003', '7J04126PAZ3F9C1', 'Dahua', 'IPC-HDW2431T-AS-S2', 'Sudut barat daya'),
    ('DUKCAPIL-SMG/CCTV/2026/004', '210235C3KB3219000123', 'Uniview', 'IPC322LB-SF28-A', 'Di atas UPS'),
]


def asset(tag, serial, maker=None, model=None, position=None, room='Ruang Server', kind='CCTV', assigned_at='2026-03-10T09:12:00+07:00'):
    return {'tag': tag, 'serial': serial, 'maker': maker, 'model': model, 'mac': None, 'kind': kind, 'site': 'SMG',
            'room': room, 'position': position, 'year': 2026, 'seq': int(tag[-3:]), 'assigned_at': assigned_at,
            'run_id': 'SMG-2026-03-10-01', 'updated_at': None}


@pytest.fixture
def assets():
    return [asset(*camera) for camera in CAMERAS]


def read(data):
    return pypdf.PdfReader(io.BytesIO(data))


def squeezed(text):
    return re.sub(r'\s+', '', text)


def test_tags_serials_and_details_are_on_the_page(assets):
    data, info = _labels.render_sheet(assets)
    pdf = read(data)
    assert (info['labels'], info['pages'], len(pdf.pages)) == (4, 1, 1)
    text = pdf.pages[0].extract_text()
    for tag, serial, maker, model, position in CAMERAS:
        assert tag in text
        assert serial in squeezed(text)  # a long serial wraps onto two lines
        assert '%s %s' % (maker, model) in text
        assert 'Posisi: %s' % position in text
    assert 'Label Aset Kamera Pengawas - Ruang Server' in text and 'Halaman 1 dari 1' in text
    title = pdf.xmp_metadata.dc_title['x-default'] if pdf.xmp_metadata else pdf.metadata.title  # PDF/A: XMP
    assert title == 'Label Aset Kamera Pengawas \u2014 Ruang Server'


def image_draws(page):
    """How many times the page's content paints an image XObject."""
    names = set(page['/Resources']['/XObject'].keys())
    content = page.get_contents().get_data().decode('latin-1')
    return sum(1 for name in re.findall(r'(/\S+)\s+Do\b', content) if name in names)


def test_one_qr_code_image_per_label(assets):
    data, _info = _labels.render_sheet(assets, copies=2)
    page = read(data).pages[0]
    images = page.images
    assert len(images) == 4  # one image per asset, painted once per copy
    assert image_draws(page) == 8
    width, height = images[0].image.size
    assert width == height > 100  # square, drawn at 8 pixels a module


def test_qr_payload():
    assert _labels.qr_payload({'tag': 'DUKCAPIL-SMG/CCTV/2026/001', 'serial': 'ACCC8EF1A2B3'}) == \
        'DUKCAPIL-SMG/CCTV/2026/001|SN:ACCC8EF1A2B3'


@pytest.mark.skipif(not (shutil.which('pdftoppm') and shutil.which('zbarimg')), reason='needs pdftoppm and zbarimg')
def test_qr_codes_scan_from_the_printed_page(assets, tmp_path):
    data, _info = _labels.render_sheet(assets)
    (tmp_path / 'sheet.pdf').write_bytes(data)
    subprocess.run(['pdftoppm', '-png', '-r', '150', '-singlefile', str(tmp_path / 'sheet.pdf'), str(tmp_path / 'page')], check=True)
    out = subprocess.run(['zbarimg', '-q', '--raw', str(tmp_path / 'page.png')], capture_output=True, text=True, check=False).stdout
    assert sorted(out.split()) == sorted(_labels.qr_payload(a) for a in assets)


def test_same_assets_same_bytes(assets):
    first = _labels.render_sheet(assets)
    assert _labels.render_sheet([dict(a) for a in assets]) == first
    assert first[1]['created'] == '2026-03-10T09:12:00+07:00'
    moved = [dict(a) for a in assets]
    moved[1].update(position='Sudut utara', updated_at='2026-04-01T10:00:00+07:00')
    second = _labels.render_sheet(moved)
    assert second[0] != first[0] and second[1]['created'] == '2026-04-01T10:00:00+07:00'


def test_creation_date_without_times():
    assert _labels.creation_date([{'assigned_at': None}, {'assigned_at': 'not a date'}]) == _labels.FALLBACK_DATE
    assert _labels.creation_date([{'assigned_at': '2026-03-10T09:12:00Z'}]).isoformat() == '2026-03-10T09:12:00+00:00'


def test_titles(assets):
    assert _labels.default_title(assets, 'en') == 'Surveillance Camera Asset Labels \u2014 Ruang Server'
    mixed = assets + [asset('DUKCAPIL-SMG/NET/2026/001', 'SW-1', kind='NET', room='Ruang Arsip')]
    assert _labels.default_title(mixed, 'id') == 'Label Aset Perangkat Keras'
    text = read(_labels.render_sheet(assets, title='Kamera \u2013 Lantai 2 \u2713', language='en')[0]).pages[0].extract_text()
    assert 'Kamera - Lantai 2 v' in text and 'Page 1 of 1' in text and 'Position: Pintu masuk' in text


def test_pages_copies_skip_and_owner_line(assets):
    many = [asset('DUKCAPIL-SMG/CCTV/2026/%03d' % i, 'SN-%03d' % i) for i in range(1, 31)]
    data, info = _labels.render_sheet(many, skip=20, owner='Milik Disdukcapil Kab. Semarang')
    pdf = read(data)
    assert (info['labels'], info['pages']) == (30, 3)  # 4 on the first page after 20 skipped, 24, then 2
    assert [image_draws(page) for page in pdf.pages] == [4, 24, 2]
    assert 'Halaman 2 dari 3' in pdf.pages[1].extract_text()
    assert 'Milik Disdukcapil Kab. Semarang' in ' '.join(pdf.pages[2].extract_text().split())


def test_layout_defaults_are_centred():
    grid = _labels.check_layout({})
    assert (grid['margin_left'], grid['margin_top']) == (7.25, 12.9)
    grid = _labels.check_layout({'columns': 2, 'rows': 7, 'label_width': 99.1, 'label_height': 38.1, 'margin_left': 4.65})
    assert (grid['margin_left'], grid['margin_top']) == (4.65, 15.15)


@pytest.mark.parametrize('layout, message', [
    ({'columns': 4}, '4 columns of 63.5 mm with gap_x 2.5 mm and margin_left'),
    ({'rows': 9}, 'do not fit on the 297 mm of an A4 page'),
    ({'margin_left': 20}, 'margin_left 20 mm take 215.5 mm'),
    ({'label_width': 30}, 'label_width 30 is not between 40.0 and 210.0'),
    ({'columns': 0}, 'columns 0 is not between 1 and 10'),
    ({'gap_y': -1}, 'gap_y -1 is not between 0 and 50'),
])
def test_layouts_that_do_not_fit(assets, layout, message):
    with pytest.raises(_labels.LabelError) as exc:
        _labels.render_sheet(assets, layout=layout)
    assert message in str(exc.value)


@pytest.mark.parametrize('bad, message', [
    ([{'tag': 'T'}], 'assets[0].serial is missing or empty: None'),
    ([{'tag': 'T', 'serial': 'S'}, {'tag': ' ', 'serial': 'S2'}], "assets[1].tag is missing or empty: ' '"),
    ([{'tag': 'T', 'serial': 'S|2'}], "assets[0].serial 'S|2' contains \"|\""),
    (['DUKCAPIL-SMG/CCTV/2026/001'], "assets[0] is not an asset (a dict): 'DUKCAPIL-SMG/CCTV/2026/001'"),
    ({'tag': 'T'}, 'assets must be a list'),
    ([], 'there are no assets to label'),
])
def test_bad_assets(bad, message):
    with pytest.raises(_labels.LabelError) as exc:
        _labels.render_sheet(bad)
    assert message in str(exc.value)


@pytest.mark.parametrize('kwargs, message', [
    ({'copies': 0}, 'copies 0 is not between 1 and 100'),
    ({'skip': 24}, 'skip 24 is not between 0 and 23'),
    ({'language': 'jv'}, "language 'jv' is not one of en, id"),
])
def test_bad_options(assets, kwargs, message):
    with pytest.raises(_labels.LabelError, match=re.escape(message)):
        _labels.render_sheet(assets, **kwargs)


def test_missing_libraries(assets, monkeypatch):
    monkeypatch.setattr(_labels, 'HAS_SEGNO', False)
    with pytest.raises(_labels.LabelError, match='segno is needed'):
        _labels.render_sheet(assets)
    monkeypatch.setattr(_labels, 'HAS_FPDF', False)
    with pytest.raises(_labels.LabelError, match='fpdf2 is needed'):
        _labels.render_sheet(assets)
