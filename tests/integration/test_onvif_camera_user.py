# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""onvif_camera_user for real: ansible-playbook against the camera simulator (camsim) on loopback.

Each test gets a fresh site in its own loopback block: an Axis-like camera with its factory
root/pass, a Hikvision-like camera that was never activated, and a generic one (admin/admin)
with an installer account. The vault password comes from an ansible-vault encrypted variable,
as in production; outputs are searched for every password, at -vvv too.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

camsim = pytest.importorskip('camsim', reason='the camera simulator (tools/camsim) is not importable')

pytestmark = pytest.mark.integration

HTTP_PORT = 8000
VAULT = 'Vault-Cctv-26!x'  # within the Hikvision-like policy: 8-16 characters, 2 classes
VAULT_KEY = 'integration-vault-key'
WRONG = ('Wr0ng-Guess-1', 'Wr0ng-Guess-2')
INSTALLER_PASSWORD = 'Install3r-Pw'


@pytest.fixture
def site(free_blocks):
    prefix = free_blocks()[0]
    data = {
        'defaults': {'http_port': HTTP_PORT, 'rtsp_port': 8554, 'reboot_seconds': 1},
        'cameras': [
            {'name': 'cam-axis', 'vendor': 'axis', 'first_boot': 'factory_account', 'address': prefix + '.10'},
            {'name': 'cam-hik', 'vendor': 'hikvision', 'first_boot': 'profile_q', 'address': prefix + '.11', 'activated': False},
            {'name': 'cam-gen', 'vendor': 'generic', 'first_boot': 'factory_account', 'address': prefix + '.12',
             'users': [{'username': 'admin', 'password': 'admin', 'level': 'Administrator'},
                       {'username': 'installer', 'password': INSTALLER_PASSWORD, 'level': 'User'}]},
        ],
    }
    with camsim.Site.from_dict(data) as running:
        yield running


@pytest.fixture
def vault(tmp_path):
    """A vars file holding the camera password as an ansible-vault encrypted string, and the vault password file."""
    key = tmp_path / 'vault-key'
    key.write_text(VAULT_KEY)
    encrypted = subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-vault'), 'encrypt_string',
                                '--vault-password-file', str(key), '--name', 'vault_camera_password', VAULT],
                               capture_output=True, text=True, check=True, env=dict(os.environ, ANSIBLE_HOME=str(tmp_path)))
    assert VAULT not in encrypted.stdout
    vars_file = tmp_path / 'vault.yml'
    vars_file.write_text('---\n' + encrypted.stdout)
    return {'vars_file': str(vars_file), 'args': ['--vault-password-file', str(key)]}


def inventory(site, hosts):
    entries = {
        'cam_axis': {'ansible_host': site.cameras['cam-axis'].address, 'camera_user': 'root', 'camera_vendor': 'axis'},
        'cam_hik': {'ansible_host': site.cameras['cam-hik'].address, 'camera_user': 'admin', 'camera_vendor': 'hikvision'},
        'cam_gen': {'ansible_host': site.cameras['cam-gen'].address, 'camera_user': 'admin', 'camera_vendor': 'generic'},
    }
    return {'cameras': {'hosts': dict((h, entries[h]) for h in hosts), 'vars': {'ansible_connection': 'local'}}}


def user_play(out_dir, task_args, login=None, vars_files=(), failed_when=None, ignore_errors=False):
    """One play: the module on every camera, its result kept in <out_dir>/<host>.json."""
    task = {'name': 'Manage the camera account', 'dukcapil.cctv.onvif_camera_user': dict({'hostname': '{{ ansible_host }}'}, **task_args),
            'delegate_to': 'localhost', 'register': 'camera_account', 'ignore_errors': ignore_errors}
    if failed_when:
        task['failed_when'] = failed_when
    defaults = {'username': '{{ camera_user }}', 'password': '{{ vault_camera_password }}', 'port': HTTP_PORT, 'timeout': 5}
    defaults.update(login or {})
    return [{
        'name': 'Camera accounts',
        'hosts': 'cameras',
        'gather_facts': False,
        'vars_files': list(vars_files),
        'module_defaults': {'group/dukcapil.cctv.onvif': defaults},
        'tasks': [
            task,
            {'name': 'Keep the result for the test', 'delegate_to': 'localhost', 'check_mode': False, 'changed_when': False,
             'ansible.builtin.copy': {'content': '{{ camera_account | to_nice_json }}',
                                      'dest': str(out_dir) + '/{{ inventory_hostname }}.json', 'mode': '0600'}},
        ],
    }]


def results(out_dir):
    return dict((name[:-5], json.loads((out_dir / name).read_text())) for name in os.listdir(out_dir) if name.endswith('.json'))


def fresh(tmp_path, name):
    out = tmp_path / name
    out.mkdir()
    return out


def printed(run):
    return run.stdout + run.stderr


HARDEN = {'name': '{{ camera_user }}', 'user_password': '{{ vault_camera_password }}', 'level': 'Administrator',
          'vendor': '{{ camera_vendor }}'}
FAIL_WHILE_FACTORY = 'camera_account.failed or camera_account.factory_credentials_accepted | default(false)'


def test_factory_rotation_and_activation(site, run_playbook, tmp_path, vault):
    axis, hik = site.cameras['cam-axis'], site.cameras['cam-hik']
    hosts = inventory(site, ['cam_axis', 'cam_hik'])

    # check mode first: predicted changes, nothing changes on the cameras
    out = fresh(tmp_path, 'check')
    run = run_playbook(user_play(out, HARDEN, vars_files=[vault['vars_file']], failed_when=FAIL_WHILE_FACTORY), inventory=hosts,
                       check=True, diff=True, extra_args=vault['args'])
    assert run.rc == 0, run
    assert run.changed == 2
    assert [u['password'] for u in axis.users] == ['pass'] and hik.users == []
    found = results(out)
    assert found['cam_axis']['login_used'] == 'factory' and found['cam_hik']['login_used'] == 'activation'
    assert found['cam_axis']['factory_credentials_accepted_before'] is True  # the audit: still open today
    assert found['cam_axis']['factory_credentials_accepted'] is False  # predicted: the run would close it
    assert found['cam_hik']['activated'] is True and found['cam_hik']['identity'] is None
    assert '"password": "changed"' in run.stdout and '"password": "set"' in run.stdout  # the diff, never the value
    assert VAULT not in printed(run)

    # apply, at -vvv: the cameras change, no password is printed
    out = fresh(tmp_path, 'apply')
    run = run_playbook(user_play(out, HARDEN, vars_files=[vault['vars_file']], failed_when=FAIL_WHILE_FACTORY), inventory=hosts,
                       extra_args=vault['args'] + ['-vvv'])
    assert run.rc == 0, run
    assert run.changed == 2
    assert axis.users == [{'username': 'root', 'password': VAULT, 'level': 'Administrator'}]
    assert hik.users == [{'username': 'admin', 'password': VAULT, 'level': 'Administrator'}]
    found = results(out)
    assert (found['cam_axis']['factory_credentials_accepted_before'], found['cam_axis']['factory_credentials_accepted']) == (True, False)
    assert found['cam_hik']['login_used'] == 'activation' and found['cam_hik']['identity']['manufacturer'] == 'HIKVISION'
    assert 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER' in run.stdout  # -vvv shows the arguments, masked
    for secret in (VAULT, VAULT_KEY):
        assert secret not in printed(run)
    assert "'pass'" not in printed(run) and '"pass"' not in printed(run)  # the factory password either

    # again: nothing to do
    out = fresh(tmp_path, 'again')
    run = run_playbook(user_play(out, HARDEN, vars_files=[vault['vars_file']], failed_when=FAIL_WHILE_FACTORY), inventory=hosts,
                       extra_args=vault['args'])
    assert run.rc == 0, run
    assert run.changed == 0
    found = results(out)
    assert all(r['changed'] is False and r['login_used'] == 'desired' for r in found.values())
    assert all(r['factory_credentials_accepted'] is False for r in found.values())


def test_wrong_password_fails_clearly_and_prints_no_password(site, run_playbook, tmp_path):
    out = fresh(tmp_path, 'out')
    args = {'name': 'admin', 'user_password': WRONG[1]}
    run = run_playbook(user_play(out, args, login={'password': WRONG[0]}, ignore_errors=True), inventory=inventory(site, ['cam_gen']),
                       extra_args=['-vvv'])
    assert run.rc == 0, run
    result = results(out)['cam_gen']
    address = site.cameras['cam-gen'].address
    assert result['failed'] is True and result['changed'] is False
    assert result['msg'].startswith("%s:%d: none of the logins was accepted for managing accounts (tried desired (user 'admin'), "
                                    "given (user 'admin'))" % (address, HTTP_PORT))
    assert 'set vendor or factory_username/factory_password' in result['msg']
    for secret in WRONG:
        assert secret not in printed(run) and secret not in json.dumps(result)
    assert [u['password'] for u in site.cameras['cam-gen'].users] == ['admin', INSTALLER_PASSWORD]


def test_stage_fails_while_the_factory_login_works(site, run_playbook, tmp_path):
    """Another account is made, but admin/admin still works: the failed_when of the EXAMPLES stops the stage."""
    out = fresh(tmp_path, 'out')
    args = {'name': 'ops', 'user_password': VAULT, 'level': 'Operator', 'vendor': 'generic'}
    run = run_playbook(user_play(out, args, login={'password': VAULT}, failed_when=FAIL_WHILE_FACTORY),
                       inventory=inventory(site, ['cam_gen']))
    assert run.rc == 2, run
    assert 'fatal: [cam_gen -> localhost]' in run.stdout and '"factory_credentials_accepted": true' in run.stdout
    assert [u['username'] for u in site.cameras['cam-gen'].users] == ['admin', 'installer', 'ops']
    assert VAULT not in printed(run)


def test_absent_removes_an_account(site, run_playbook, tmp_path):
    hosts = inventory(site, ['cam_gen'])
    # logged in with the generic factory login from the vendor table: a no_log option holding
    # 'admin' would make Ansible mask the account name 'admin' in the result too
    args = {'name': 'installer', 'state': 'absent', 'vendor': 'generic'}
    login = {'password': VAULT}
    gen = site.cameras['cam-gen']

    out = fresh(tmp_path, 'check')
    run = run_playbook(user_play(out, args, login=login), inventory=hosts, check=True, diff=True)
    assert run.rc == 0, run
    assert run.changed == 1 and [u['username'] for u in gen.users] == ['admin', 'installer']
    assert results(out)['cam_gen']['users'] == [{'name': 'admin', 'level': 'Administrator'}]

    out = fresh(tmp_path, 'apply')
    run = run_playbook(user_play(out, args, login=login), inventory=hosts)
    assert run.rc == 0, run
    assert run.changed == 1 and [u['username'] for u in gen.users] == ['admin']
    result = results(out)['cam_gen']
    assert result['user'] is None and result['factory_credentials_accepted'] is True  # admin/admin is still the factory login

    out = fresh(tmp_path, 'again')
    run = run_playbook(user_play(out, args, login=login), inventory=hosts)
    assert run.rc == 0, run
    assert run.changed == 0 and results(out)['cam_gen']['changed'] is False
    assert INSTALLER_PASSWORD not in printed(run)


# ---------------------------------------------------------------------------------- issue 10 --
@pytest.fixture
def quirky(free_blocks):
    prefix = free_blocks()[0]
    data = {
        'defaults': {'http_port': HTTP_PORT, 'rtsp_port': 8554, 'reboot_seconds': 1},
        'cameras': [
            {'name': 'cam-anon', 'vendor': 'generic', 'first_boot': 'factory_account', 'address': prefix + '.20', 'quirks': {'anonymous_get_users_empty': True},
             'users': [{'username': 'admin', 'password': 'Gen-Adm1n-26', 'level': 'Administrator'},
                       {'username': 'installer', 'password': INSTALLER_PASSWORD, 'level': 'User'}]},
            {'name': 'cam-hides', 'vendor': 'axis', 'first_boot': 'factory_account', 'address': prefix + '.21', 'quirks': {'get_users_hides_factory': True},
             'users': [{'username': 'root', 'password': 'pass', 'level': 'Administrator'},
                       {'username': 'admin', 'password': VAULT, 'level': 'Administrator'}]},
        ],
    }
    with camsim.Site.from_dict(data) as running:
        yield running


def quirky_inventory(site, name, user):
    return {'cameras': {'hosts': {name.replace('-', '_'): {'ansible_host': site.cameras[name].address, 'camera_user': user}},
                        'vars': {'ansible_connection': 'local'}}}


def test_login_that_works_is_never_an_activation(quirky, run_playbook, tmp_path, vault):
    """Case 8: anonymous GetUsers answers [] although users exist; the installer login works: no anonymous CreateUsers."""
    cam = quirky.cameras['cam-anon']
    before = [dict(u) for u in cam.users]
    out = fresh(tmp_path, 'anon')
    run = run_playbook(user_play(out, {'name': 'kepala', 'user_password': '{{ vault_camera_password }}', 'level': 'Administrator'},
                                 login={'username': 'installer', 'password': INSTALLER_PASSWORD}, vars_files=[vault['vars_file']],
                                 ignore_errors=True),
                       inventory=quirky_inventory(quirky, 'cam-anon', 'installer'), extra_args=vault['args'])
    assert run.rc == 0, run
    result = results(out)['cam_anon']
    assert result['failed'] is True and result['changed'] is False and 'cannot be activated' in result['msg']
    assert cam.users == before


def test_hidden_factory_account_is_tried_not_inferred(quirky, run_playbook, tmp_path, vault):
    """Case 16: GetUsers hides root, root/pass still logs in: factory_credentials_accepted is true, not false."""
    out = fresh(tmp_path, 'hides')
    run = run_playbook(user_play(out, {'name': 'admin', 'user_password': '{{ vault_camera_password }}', 'vendor': 'axis'},
                                 vars_files=[vault['vars_file']]),
                       inventory=quirky_inventory(quirky, 'cam-hides', 'admin'), extra_args=vault['args'])
    assert run.rc == 0, run
    result = results(out)['cam_hides']
    assert result['changed'] is False and result['factory_credentials_accepted'] is True
    assert result['factory_credentials_accepted_before'] is True


@pytest.mark.parametrize('weak', ['a', '12345678', 'admin'])
def test_weak_password_never_reaches_the_camera(quirky, run_playbook, tmp_path, weak):
    """Case 17: refused before any request, the rule named, the password not printed."""
    cam = quirky.cameras['cam-anon']
    before = [dict(u) for u in cam.users]
    out = fresh(tmp_path, 'weak')
    run = run_playbook(user_play(out, {'name': 'viewer2', 'user_password': weak, 'level': 'User'},
                                 login={'username': 'admin', 'password': 'Gen-Adm1n-26'}, ignore_errors=True),
                       inventory=quirky_inventory(quirky, 'cam-anon', 'admin'))
    assert run.rc == 0, run
    result = results(out)['cam_anon']
    assert result['failed'] is True
    if len(weak) > 1:  # Ansible masks every occurrence of a no_log value, a single letter too
        assert 'user_password: must' in result['msg'] and 'password_policy' in result['msg']
    assert cam.users == before
