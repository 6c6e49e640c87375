# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Step 2 through ansible-playbook: tag the cameras, re-run, add one, print the label sheet, re-run."""

from __future__ import annotations

import sqlite3

import pytest

pypdf = pytest.importorskip('pypdf')

pytestmark = pytest.mark.integration

RUN_ID = 'SMG-2026-03-10-01'
CAMERAS = [
    {'serial': 'DS-2CD2143G2-I20240312AAWRF12345678', 'maker': 'Hikvision', 'model': 'DS-2CD2143G2-I', 'position': 'Sudut timur laut'},
    {'serial': 'ACCC8EF1A2B3', 'maker': 'Axis', 'model': 'M3106-L Mk II', 'position': 'Pintu masuk'},
    {'serial': '7J04126PAZ3F9C1', 'maker': 'Dahua', 'model': 'IPC-HDW2431T-AS-S2', 'position': 'Sudut barat daya'},
    {'serial': '210235C3KB3219000123', 'maker': 'Uniview', 'model': 'IPC322LB-SF28-A', 'position': 'Di atas UPS'},
]
TAGS = ['DUKCAPIL-SMG/CCTV/2026/%03d' % i for i in range(1, 5)]


def step_2(register, cameras, new_items, sheet=None, expected_tags=None):
    """Tag ``cameras`` (asserting the tags and how many were new); then print their sheet to ``sheet``."""
    tasks = [
        {'name': 'Tag the cameras', 'register': 'cctv_tags', 'loop': '{{ cctv_cameras }}',
         'loop_control': {'label': '{{ item.serial }}'},
         'dukcapil.cctv.cctv_asset_tag': {
             'database': '{{ cctv_register }}', 'serial': '{{ item.serial }}', 'maker': '{{ item.maker }}',
             'model': '{{ item.model }}', 'site': 'SMG', 'year': 2026, 'room': 'Ruang Server',
             'position': '{{ item.position }}', 'run_id': RUN_ID}},
        {'name': 'Check the tags', 'ansible.builtin.assert': {'that': [
            "cctv_tags.results | map(attribute='tag') | list == cctv_expected_tags",
            "cctv_tags.results | selectattr('changed') | list | length == %d" % new_items,
            "cctv_tags.results | selectattr('assigned') | list | length == %d" % new_items]}},
    ]
    if sheet is not None:
        tasks += [
            {'name': 'Print the label sheet', 'register': 'cctv_sheet', 'dukcapil.cctv.cctv_label_sheet': {
                'assets': "{{ cctv_tags.results | map(attribute='asset') | list }}", 'dest': str(sheet)}},
            {'name': 'Check the sheet', 'ansible.builtin.assert': {'that': [
                'cctv_sheet.labels == %d' % len(cameras), 'cctv_sheet.pages == 1',
                'cctv_sheet.tags == cctv_expected_tags']}},
        ]
    return [{
        'name': 'SOP-PIAK-02 step 2 - mount and tag the cameras',
        'hosts': 'localhost',
        'gather_facts': False,
        'vars': {'ansible_python_interpreter': '{{ ansible_playbook_python }}', 'cctv_register': str(register),
                 'cctv_cameras': cameras,
                 'cctv_expected_tags': expected_tags or TAGS[:len(cameras)]},
        'tasks': tasks,
    }]


def test_tag_cameras_and_print_their_labels(run_playbook, tmp_path):
    register, sheet = tmp_path / 'aset' / 'aset.sqlite3', tmp_path / 'label' / 'label-aset.pdf'

    # Check mode writes nothing, so each new serial of the loop is predicted as the next number on its own.
    checked = run_playbook(step_2(register, CAMERAS[:3], 3, expected_tags=TAGS[:1] * 3), check=True, diff=True)
    assert checked.rc == 0, checked
    assert checked.recap['localhost']['changed'] == 1 and not register.exists()

    first = run_playbook(step_2(register, CAMERAS[:3], 3))
    assert first.rc == 0, first
    assert first.recap['localhost']['changed'] == 1

    again = run_playbook(step_2(register, CAMERAS[:3], 0))
    assert again.rc == 0, again
    assert again.recap['localhost']['changed'] == 0

    fourth = run_playbook(step_2(register, CAMERAS, 1))
    assert fourth.rc == 0, fourth
    assert fourth.recap['localhost']['changed'] == 1

    printed = run_playbook(step_2(register, CAMERAS, 0, sheet=sheet), diff=True)
    assert printed.rc == 0, printed
    assert printed.recap['localhost']['changed'] == 1
    assert 'DUKCAPIL-SMG/CCTV/2026/004  S/N 210235C3KB3219000123' in printed.stdout  # the diff
    page = pypdf.PdfReader(str(sheet)).pages[0]
    text = ''.join(page.extract_text().split())
    assert all(tag in text for tag in TAGS) and all(c['serial'] in text for c in CAMERAS)
    assert len(page.images) == 4

    reprinted = run_playbook(step_2(register, CAMERAS, 0, sheet=sheet))
    assert reprinted.rc == 0, reprinted
    assert reprinted.recap['localhost']['changed'] == 0

    conn = sqlite3.connect(str(register))
    assert conn.execute('SELECT tag, serial FROM assets ORDER BY seq').fetchall() == list(zip(TAGS, [c['serial'] for c in CAMERAS]))
    conn.close()
