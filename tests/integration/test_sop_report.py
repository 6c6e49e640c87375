# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""sop_report through ansible-playbook on a recorded run record: check, apply, idempotence, assert."""

from __future__ import annotations

import json
import os
import shutil

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURES = os.path.join(ROOT, 'tests', 'fixtures', 'run_record')
RUN_ID = 'SMG-2026-03-10-01'

pytestmark = pytest.mark.integration


@pytest.fixture
def run_dir(tmp_path):
    dest = tmp_path / 'run'
    shutil.copytree(FIXTURES, dest)
    return dest


def report_play(run_dir, dest, **options):
    args = dict({'record': str(run_dir / 'smg-2026-03-10-01.json'), 'dest': str(dest)}, **options)
    return [{
        'name': 'Step 6 - installation report',
        'hosts': 'localhost',
        'gather_facts': False,
        'vars': {'ansible_python_interpreter': '{{ ansible_playbook_python }}'},
        'tasks': [
            {'name': 'Write the report', 'dukcapil.cctv.sop_report': args, 'register': 'cctv_report'},
            {'name': 'Check what the module returned', 'ansible.builtin.assert': {'that': [
                'cctv_report.facts_hash | length == 64',
                'cctv_report.review_status == "awaiting_sub_koordinator"',
                'cctv_report.files.pdf.endswith(".pdf")',
            ]}},
            {'name': 'Save the result', 'ansible.builtin.copy': {
                'content': '{{ cctv_report | to_json }}', 'dest': str(dest.parent / ('result-%s.json' % dest.name))},
             'check_mode': False, 'changed_when': False},
        ],
    }]


def test_check_apply_idempotent(run_playbook, run_dir, tmp_path):
    dest = tmp_path / 'laporan'
    play = report_play(run_dir, dest)
    checked = run_playbook(play, check=True, diff=True)
    assert checked.rc == 0, checked
    assert checked.recap['localhost']['changed'] == 1
    assert not dest.exists()
    applied = run_playbook(play)
    assert applied.rc == 0, applied
    assert applied.recap['localhost']['changed'] == 1
    for name in (RUN_ID + '.id.html', RUN_ID + '.id.pdf', RUN_ID + '.json'):
        assert (dest / name).stat().st_size > 1000
    result = json.loads((tmp_path / 'result-laporan.json').read_text())
    assert json.loads((dest / (RUN_ID + '.json')).read_text())['facts_hash'] == result['facts_hash']
    again = run_playbook(play)
    assert again.rc == 0 and again.recap['localhost']['changed'] == 0, again
    checked = run_playbook(play, check=True)
    assert checked.rc == 0 and checked.recap['localhost']['changed'] == 0, checked


def test_english_and_a_broken_record(run_playbook, run_dir, tmp_path):
    dest = tmp_path / 'report'
    done = run_playbook(report_play(run_dir, dest, language='en', formats=['html', 'pdf']))
    assert done.rc == 0, done
    assert 'Report on the Installation' in (dest / (RUN_ID + '.en.html')).read_text()
    record = json.loads((run_dir / 'smg-2026-03-10-01.json').read_text())
    record['cameras'][1]['mac'] = '44:19:b6:zz'
    (run_dir / 'smg-2026-03-10-01.json').write_text(json.dumps(record))
    broken = run_playbook(report_play(run_dir, tmp_path / 'other'))
    assert broken.rc != 0
    assert "cameras[1].mac: '44:19:b6:zz' is not a MAC address" in broken.stdout


def test_examples_run(run_playbook, tmp_path, sop_example_play):
    result = run_playbook(sop_example_play('sop_report'))
    assert result.rc == 0, result
    assert (tmp_path / 'var' / 'reports' / RUN_ID / (RUN_ID + '.en.pdf')).exists()


# Issue 14: a second regency's office and the office's time zone, through the report, review and agenda roles,
# with the controller in UTC at 23:30 on 31 December; the PDF from the installed collection embeds its fonts.

BOYOLALI = {
    'letterhead': {'government': 'PEMERINTAH KABUPATEN BOYOLALI', 'office': 'DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL',
                   'address': 'Jl. Pandanaran No 163', 'phone': '(0276) 321000', 'fax': '(0276) 321001',
                   'city': 'Boyolali', 'postal_code': '57311'},
    'approver': {'name': 'Dra. SITI AMINAH, M.Si.', 'nip': '196801021994032005',
                 'title': 'Kepala Dinas Kependudukan dan Pencatatan Sipil Kabupaten Boyolali'},
    'division': 'Bidang Pelayanan Informasi Administrasi Kependudukan',
    'sub_unit': 'Pengelolaan Data Kependudukan',
}


def test_second_regency_through_the_roles_on_new_years_eve_in_utc(run_playbook, run_dir, tmp_path):
    pypdf = pytest.importorskip('pypdf')
    record_path = run_dir / 'smg-2026-03-10-01.json'
    record = json.loads(record_path.read_text())
    record['site'] = {'code': 'BYL', 'name': 'Dinas Kependudukan dan Pencatatan Sipil Kabupaten Boyolali',
                      'address': 'Jl. Pandanaran No 163 Boyolali'}
    del record['steps']['6']
    record_path.write_text(json.dumps(record))
    dest = tmp_path / 'laporan'
    site = {'ansible_connection': 'local', 'cctv_run_record': str(record_path), 'cctv_report_dir': str(dest),
            'cctv_agenda_database': str(tmp_path / 'buku-agenda.sqlite3'), 'cctv_office': BOYOLALI,
            'cctv_sub_koordinator': {'name': 'Sri Wahyuni, S.T.', 'nip': '197903152005012003'},
            'cctv_kepala_bidang': {'name': 'Ir. Agus Prasetyo, M.M.', 'nip': '197008231998031004'}}
    play = [{'name': 'Steps 6-9 for another regency', 'hosts': 'localhost', 'gather_facts': False,
             'vars': {'ansible_python_interpreter': '{{ ansible_playbook_python }}'},
             'roles': [{'role': 'dukcapil.cctv.report'},
                       {'role': 'dukcapil.cctv.review', 'vars': {'review_sub_koordinator_decision': 'accepted',
                                                                 'review_kepala_bidang_decision': 'accepted'}},
                       {'role': 'dukcapil.cctv.agenda', 'vars': {'agenda_code': 'PIAK-BYL'}}]}]
    result = run_playbook(play, inventory={'all': {'hosts': {'localhost': site}}},
                          env={'TZ': 'UTC', 'DUKCAPIL_CCTV_NOW': '2026-12-31T23:30:00+00:00'})
    assert result.rc == 0, result
    after = json.loads(record_path.read_text())
    assert (after['agenda']['number'], after['agenda']['date']) == ('001/PIAK-BYL/2027', '2027-01-01')
    pdf = dest / (RUN_ID + '.id.pdf')
    text = ' '.join(' '.join(page.extract_text().split()) for page in pypdf.PdfReader(str(pdf)).pages)
    page = (dest / (RUN_ID + '.id.html')).read_text(encoding='utf-8')
    for shown in ('PEMERINTAH KABUPATEN BOYOLALI', 'Dra. SITI AMINAH, M.Si.', 'Boyolali, 1 Januari 2027',
                  'Kepala Bidang Pelayanan Informasi Administrasi Kependudukan',
                  'Sub Koordinator Pengelolaan Data Kependudukan', 'Nomor: 001/PIAK-BYL/2027',
                  'Diterima secara elektronik 1 Januari 2027 pukul 06.30 WIB'):
        assert shown in text, shown
        assert shown in page, shown
    for gone in ('Semarang', 'SEMARANG', 'RUDI SUSANTO', 'Ungaran', 'UTC'):
        assert gone not in text, gone
    if shutil.which('pdffonts'):
        import subprocess
        fonts = subprocess.run(['pdffonts', str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
        assert fonts and all(line.split()[-5] == 'yes' for line in fonts), fonts
