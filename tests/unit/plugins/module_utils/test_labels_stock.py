# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Issue 14 point 6: a label an asset officer accepts - owner line, kode barang, acquisition year, QR quiet zone of
4 modules that decodes, no text under 6 pt, embedded fonts, the common A4 3 x 8 stock."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import pytest

from ansible_collections.dukcapil.cctv.plugins.module_utils import _labels

pypdf = pytest.importorskip('pypdf')

CAMERAS = [
    ('DUKCAPIL-SMG/CCTV/2026/001', 'DS-2CD2143G2-I20240312AAWRF12345678', 'Hikvision', 'DS-2CD2143G2-I',
     'Sudut timur laut, menghadap pintu dan rak server utama'),
    ('DUKCAPIL-SMG/CCTV/2026/002', 'ACCC8EF1A2B3', 'AXIS', 'AXIS Q6045-E Mk II', 'Pintu masuk'),
    ('DUKCAPIL-SMG/CCTV/2026/003', '7J04126PAZ3F9C1', 'Dahua', 'IPC-HDW2431T-AS-S2', 'Sudut barat daya'),
]


def asset(tag, serial, maker, model, position):
    return {'tag': tag, 'serial': serial, 'maker': maker, 'model': model, 'mac': None, 'kind': 'CCTV', 'site': 'SMG',
            'room': 'Ruang Server Lantai 2 (SIAK)', 'position': position, 'year': 2026, 'seq': int(tag[-3:]),
            'assigned_at': '2026-03-10T09:12:00+07:00', 'run_id': 'SMG-2026-03-10-01', 'updated_at': None}


@pytest.fixture
def assets():
    return [asset(*camera) for camera in CAMERAS]


def text_of(data):
    return ' '.join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def font_sizes(data):
    sizes = []
    for page in pypdf.PdfReader(io.BytesIO(data)).pages:
        content = page.get_contents().get_data().decode('latin-1')
        sizes += [float(size) for size in re.findall(r'/F\d+ ([\d.]+) Tf', content)]
    return sizes


def test_owner_line_kode_barang_and_year_on_every_label(assets):
    data, _info = _labels.render_sheet(assets, asset_code='1.3.2.10.02.03.005')
    text = re.sub(r'\s+', ' ', text_of(data))
    assert text.count('Milik Pemerintah Kabupaten Semarang') == 3
    assert text.count('Kode Barang: 1.3.2.10.02.03.005') == 3
    assert text.count('Tahun Perolehan: 2026') == 3
    for a in assets:
        assert a['tag'] in text and a['serial'] in text  # whole, never broken
    assert 'AXIS AXIS' not in text
    again, _info = _labels.render_sheet(assets, owner='Milik Pemerintah Kabupaten Boyolali', acquisition_year=2025)
    text = re.sub(r'\s+', ' ', text_of(again))
    assert 'Semarang' not in text and text.count('Milik Pemerintah Kabupaten Boyolali') == 3
    assert text.count('Tahun Perolehan: 2025') == 3 and 'Kode Barang' not in text


def test_no_text_under_6_pt(assets):
    long = dict(assets[0], position='Di atas pintu darurat sisi timur, menghadap lorong rak server dan UPS cadangan',
                room='Ruang Server dan Perangkat Jaringan Gedung Pelayanan Lantai 2')
    data, _info = _labels.render_sheet([long] + assets[1:], asset_code='1.3.2.10.02.03.005',
                                       owner='Milik Pemerintah Kabupaten Semarang - Dinas Kependudukan dan Pencatatan Sipil')
    sizes = font_sizes(data)
    assert sizes and min(sizes) >= 6.0, sorted(sizes)[:5]


def test_qr_quiet_zone_is_four_modules(assets):
    from PIL import Image
    from PIL import ImageOps
    image = Image.open(io.BytesIO(_labels.qr_png(assets[0]))).convert('L')
    width, height = image.size
    left, top, right, bottom = ImageOps.invert(image).point(lambda v: 255 if v > 128 else 0).getbbox()
    modules = _labels.qr_modules(assets[0])
    module = width / (modules + 2 * _labels.QR_QUIET_ZONE)
    assert _labels.QR_QUIET_ZONE == 4
    assert [round(v / module) for v in (left, top, width - right, height - bottom)] == [4, 4, 4, 4]


@pytest.mark.skipif(shutil.which('pdftoppm') is None, reason='pdftoppm (poppler-utils) is not installed')
def test_qr_codes_decode_from_the_printed_page(assets, tmp_path):
    zxingcpp = pytest.importorskip('zxingcpp')
    from PIL import Image
    data, _info = _labels.render_sheet(assets)
    (tmp_path / 'sheet.pdf').write_bytes(data)
    subprocess.run(['pdftoppm', '-png', '-r', '300', '-singlefile', str(tmp_path / 'sheet.pdf'), str(tmp_path / 'page')],
                   check=True)
    found = zxingcpp.read_barcodes(Image.open(str(tmp_path / 'page.png')))
    assert sorted(code.text for code in found) == sorted(_labels.qr_payload(a) for a in assets)


@pytest.mark.skipif(shutil.which('pdffonts') is None, reason='pdffonts (poppler-utils) is not installed')
def test_fonts_embedded_and_the_stock(assets, tmp_path):
    data, info = _labels.render_sheet(assets)
    (tmp_path / 'sheet.pdf').write_bytes(data)
    lines = subprocess.run(['pdffonts', str(tmp_path / 'sheet.pdf')], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    assert lines and all(line.split()[-5] == 'yes' and 'LiberationSans' in line for line in lines)
    layout = info['layout']
    assert (layout['columns'], layout['rows'], layout['label_width'], layout['label_height']) == (3, 8, 63.5, 33.9)
    assert _labels.STOCK == 'A4, 3 x 8 labels of 63.5 x 33.9 mm (24 per sheet, e.g. Avery L7159 and compatibles)'
