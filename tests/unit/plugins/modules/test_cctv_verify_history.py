# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""cctv_verify_history and cctv_scene_check: history (append-only), report (problems first), verdict, bad input."""

from __future__ import annotations

import io
import json
import sqlite3

import pytest

from ansible_collections.dukcapil.cctv.plugins.modules import cctv_scene_check
from ansible_collections.dukcapil.cctv.plugins.modules import cctv_verify_history

Image = pytest.importorskip('PIL.Image')
ImageDraw = pytest.importorskip('PIL.ImageDraw')

OK = {'status': 'ok', 'reason': ''}
RESULTS = [
    {'subject': 'cam-srv-01', 'room': 'Ruang Server', 'checks': {'identity': OK, 'stream': OK}},
    {'subject': 'cam-srv-02', 'room': 'Ruang Server', 'checks': {
        'stream': {'status': 'problem', 'reason': 'not_uniform: the picture is uniform'}, 'identity': OK}},
    {'subject': 'cam-bak-01', 'room': 'Ruang Cadangan', 'checks': {'identity': OK}},
    {'subject': 'ws-apk-01', 'kind': 'workstation', 'checks': {'viewer': OK}},
]


def args(tmp_path, **extra):
    return dict({'database': str(tmp_path / 'verifikasi.sqlite3'), 'report_dir': str(tmp_path / 'laporan'),
                 'run_id': 'SMG-DEMO-01', 'site': 'Disdukcapil Semarang', 'results': RESULTS,
                 'checked_at': '2026-03-11T02:00:04+07:00'}, **extra)


def test_a_verification_is_kept_with_its_verdict_and_report(run_module, tmp_path):
    result, failed = run_module(cctv_verify_history.main, args(tmp_path))
    assert not failed, result
    assert result['changed'] and result['verification_id'] == 1 and result['history_count'] == 1
    assert result['watched'] is False and result['passed'] is False
    assert result['problems'] == ['cam-srv-02: stream: not_uniform: the picture is uniform']
    assert {r['name']: r['watched'] for r in result['rooms']} == {'Ruang Server': False, 'Ruang Cadangan': True}
    page = open(result['report']['html'], encoding='utf-8').read()
    assert 'Verifikasi Kamera Pengawas' in page and 'TIDAK diawasi' in page
    assert page.index('cam-srv-02') < page.index('cam-srv-01'), 'problems first'
    data = json.load(open(result['report']['json'], encoding='utf-8'))
    assert data['results'][0]['subject'] == 'cam-srv-02' and data['watched'] is False
    with sqlite3.connect(str(tmp_path / 'verifikasi.sqlite3')) as conn:
        rows = conn.execute('SELECT subject, check_name, status, checked_at FROM checks ORDER BY id').fetchall()
    assert ('cam-srv-02', 'stream', 'problem', '2026-03-11T02:00:04+07:00') in rows and len(rows) == 6


def test_history_is_append_only_and_grows(run_module, tmp_path):
    run_module(cctv_verify_history.main, args(tmp_path))
    healed = [dict(r, checks={k: OK for k in r['checks']}) for r in RESULTS]
    result, failed = run_module(cctv_verify_history.main, args(tmp_path, results=healed, language='en',
                                                               checked_at='2026-03-12T02:00:00+07:00'))
    assert not failed and result['passed'] and result['watched'] and result['history_count'] == 2
    assert 'Every room is watched.' in open(result['report']['html'], encoding='utf-8').read()
    with sqlite3.connect(str(tmp_path / 'verifikasi.sqlite3')) as conn:
        assert [r[0] for r in conn.execute('SELECT watched FROM verifications ORDER BY id')] == [0, 1]
        for statement in ('UPDATE checks SET status = "ok"', 'DELETE FROM verifications'):
            with pytest.raises(sqlite3.DatabaseError, match='append-only'):
                conn.execute(statement)


def test_check_mode_writes_nothing(run_module, tmp_path):
    result, failed = run_module(cctv_verify_history.main, args(tmp_path), check_mode=True)
    assert not failed and result['changed'] and result['verification_id'] is None and result['history_count'] == 1
    assert not (tmp_path / 'verifikasi.sqlite3').exists() and not (tmp_path / 'laporan').exists()


def test_remediation_is_recorded(run_module, tmp_path):
    result, failed = run_module(cctv_verify_history.main, args(tmp_path, remediated=[
        {'subject': 'cam-srv-02', 'changes': ['hostname: renamed -> cam-srv-02']}, {'subject': 'cam-srv-01', 'changes': []}]))
    assert not failed
    assert 'hostname: renamed -&gt; cam-srv-02' in open(result['report']['html'], encoding='utf-8').read()
    with sqlite3.connect(str(tmp_path / 'verifikasi.sqlite3')) as conn:
        assert conn.execute('SELECT subject, change FROM remediations').fetchall() == [
            ('cam-srv-02', 'hostname: renamed -> cam-srv-02')]


@pytest.mark.parametrize('bad, message', [
    ([{'subject': 'x', 'checks': {'stream': {'status': 'problem'}}}], 'needs its reason'),
    ([{'subject': 'x', 'checks': {'stream': {'status': 'fine'}}}], 'status must be one of'),
    ([{'subject': 'x', 'kind': 'printer', 'checks': {'a': OK}}], 'kind'),
    ([{'subject': 'x', 'checks': {'a': OK}}, {'subject': 'x', 'checks': {'a': OK}}], 'given twice'),
    ([{'checks': {'a': OK}}], 'subject'),
])
def test_bad_results_are_refused_before_anything_is_written(run_module, tmp_path, bad, message):
    result, failed = run_module(cctv_verify_history.main, args(tmp_path, results=bad))
    assert failed and message in result['msg'] and 'SMG-DEMO-01' in result['msg']
    assert not (tmp_path / 'verifikasi.sqlite3').exists()


def frame(path, flip=False):
    image = Image.new('RGB', (320, 180), (60, 60, 70))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 120, 320, 180), fill=(180, 180, 170))
    draw.rectangle((30, 20, 80, 150), fill=(10, 10, 10))
    if flip:
        image = image.transpose(Image.Transpose.FLIP_TOP_BOTTOM)
    buffer = io.BytesIO()
    image.save(buffer, 'JPEG')
    path.write_bytes(buffer.getvalue())
    return str(path)


def test_scene_check(run_module, tmp_path):
    ref = frame(tmp_path / 'ref.jpg')
    cameras = [{'name': 'same', 'reference': ref, 'current': frame(tmp_path / 'a.jpg')},
               {'name': 'turned', 'reference': ref, 'current': frame(tmp_path / 'b.jpg', flip=True)},
               {'name': 'missing', 'reference': ref, 'current': str(tmp_path / 'none.jpg')}]
    result, failed = run_module(cctv_scene_check.main, {'cameras': cameras})
    assert not failed and result['changed'] is False
    found = {c['name']: c for c in result['cameras']}
    assert found['same']['same_scene'] is True and found['turned']['same_scene'] is False
    assert found['missing']['same_scene'] is None and 'cannot read the frame taken now' in found['missing']['detail']
    result, failed = run_module(cctv_scene_check.main, {'cameras': cameras, 'threshold': 1.5})
    assert failed and 'threshold' in result['msg']
    result, failed = run_module(cctv_scene_check.main, {'cameras': [{'name': 'x', 'reference': ref}]})
    assert failed and 'cameras[0].current' in result['msg']
