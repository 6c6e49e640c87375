# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Integration tests run the real modules through ansible-playbook, from the built tarball.

``collections_path`` is where the collection is installed from its tarball: ``make test``
builds it once and passes the path in DUKCAPIL_TEST_COLLECTIONS; run alone, the first
worker builds it (under a file lock) into build/test-collections.
"""

from __future__ import annotations

import ast
import fcntl
import glob
import os
import random
import shutil
import re
import socket
import subprocess
import sys
import textwrap

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)


def _build_and_install(dest):
    dist = os.path.join(ROOT, 'build', 'test-dist')
    subprocess.run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'build', '--force',
                    '--output-path', dist], cwd=ROOT, check=True, capture_output=True)
    tarball = sorted(glob.glob(os.path.join(dist, 'dukcapil-cctv-*.tar.gz')))[-1]
    subprocess.run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'install', '--force',
                    '-p', dest, tarball], cwd=ROOT, check=True, capture_output=True)


@pytest.fixture(scope='session')
def collections_path():
    given = os.environ.get('DUKCAPIL_TEST_COLLECTIONS')
    if given:
        return given
    dest = os.path.join(ROOT, 'build', 'test-collections')
    os.makedirs(os.path.join(ROOT, 'build'), exist_ok=True)
    with open(os.path.join(ROOT, 'build', '.test-collections.lock'), 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        stamp = os.path.join(dest, '.built-by-pytest-%d' % os.getppid())
        if not os.path.exists(stamp):
            _build_and_install(dest)
            open(stamp, 'w').close()
    return dest


class PlaybookResult:
    """What one ansible-playbook run printed, with the recap parsed per host."""

    def __init__(self, proc):
        self.rc = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        self.recap = {}
        for host, stats in re.findall(r'^(\S+)\s+:\s+(ok=.*)$', proc.stdout, re.M):
            self.recap[host] = {k: int(v) for k, v in re.findall(r'(\w+)=(\d+)', stats)}

    @property
    def changed(self):
        return sum(h.get('changed', 0) for h in self.recap.values())

    def __repr__(self):
        return 'PlaybookResult(rc=%s)\n%s\n%s' % (self.rc, self.stdout[-6000:], self.stderr[-3000:])


@pytest.fixture
def run_playbook(tmp_path, collections_path):
    """run_playbook(plays, inventory=None, check=False, diff=False, extra_args=()) -> PlaybookResult.

    ``plays`` is a list of plays (Python data) or YAML text; ``inventory`` a dict in YAML
    inventory form (default: localhost only). Hosts run with the controller's Python.
    """
    counter = [0]

    def _run(plays, inventory=None, check=False, diff=False, extra_args=(), env=None):
        counter[0] += 1
        pb = tmp_path / ('playbook-%d.yml' % counter[0])
        pb.write_text(textwrap.dedent(plays) if isinstance(plays, str) else yaml.safe_dump(plays, sort_keys=False))
        inv = tmp_path / ('inventory-%d.yml' % counter[0])
        inv.write_text(yaml.safe_dump(inventory or {'all': {'hosts': {'localhost': {'ansible_connection': 'local'}}}}))
        cmd = [os.path.join(BIN, 'ansible-playbook'), '-i', str(inv), str(pb)]
        cmd += (['--check'] if check else []) + (['--diff'] if diff else []) + list(extra_args)
        full_env = dict(os.environ,
                        ANSIBLE_COLLECTIONS_PATH=collections_path,
                        ANSIBLE_PYTHON_INTERPRETER=sys.executable,
                        ANSIBLE_LOCAL_TEMP=str(tmp_path / 'ansible-local'),
                        ANSIBLE_HOME=str(tmp_path / 'ansible-home'),
                        ANSIBLE_NOCOLOR='1', ANSIBLE_FORCE_COLOR='0',
                        ANSIBLE_HOST_KEY_CHECKING='False', ANSIBLE_RETRY_FILES_ENABLED='False')
        full_env.update(env or {})
        proc = subprocess.run(cmd, cwd=str(tmp_path), env=full_env, capture_output=True, text=True, timeout=600, check=False)
        return PlaybookResult(proc)

    return _run


def _free_block(taken, port=8000):
    """A 127.X.Y.0/24 block nobody listens in (X 200..249: apart from the simulator tests' 100..199)."""
    rng = random.Random(os.getpid() ^ int.from_bytes(os.urandom(4), 'big'))
    for dummy in range(400):
        prefix = '127.%d.%d' % (rng.randrange(200, 250), rng.randrange(0, 256))
        if prefix in taken:
            continue
        probe = socket.socket()
        try:
            probe.bind((prefix + '.1', port))
        except OSError:
            continue
        finally:
            probe.close()
        taken.add(prefix)
        return prefix
    raise RuntimeError('no free loopback block')


@pytest.fixture(scope='session')
def free_blocks():
    """free_blocks(count) -> that many '127.X.Y' prefixes of /24 blocks where nothing listens yet.

    Each pytest-xdist worker draws from its own random sequence, so simulated cameras of tests
    running in parallel never share an address.
    """
    taken = set()
    return lambda count=1: [_free_block(taken) for dummy in range(count)]


@pytest.fixture
def sop_example_play(tmp_path):
    """sop_example_play(module) -> a module's EXAMPLES as a play, its paths moved under tmp_path.

    The recorded run of tests/fixtures/run_record is put where the examples expect it.
    """
    def _play(module):
        with open(os.path.join(ROOT, 'plugins', 'modules', module + '.py')) as f:
            tree = ast.parse(f.read())
        text = next(node.value.value for node in tree.body
                    if isinstance(node, ast.Assign) and node.targets[0].id == 'EXAMPLES')
        for old, new in (('/var/lib/dukcapil-cctv', tmp_path / 'var'), ('/srv/piak', tmp_path / 'srv'),
                         ('//arsip/piak', tmp_path / 'arsip')):
            text = text.replace(old, str(new))
        runs = tmp_path / 'var' / 'runs'
        shutil.copytree(os.path.join(ROOT, 'tests', 'fixtures', 'run_record'), runs)
        os.rename(runs / 'smg-2026-03-10-01.json', runs / 'SMG-2026-03-10-01.json')
        return [{'name': 'EXAMPLES of ' + module, 'hosts': 'localhost', 'gather_facts': False,
                 'vars': {'ansible_python_interpreter': '{{ ansible_playbook_python }}'}, 'tasks': yaml.safe_load(text)}]

    return _play


@pytest.fixture
def copy_demo_inventory():
    """copy(dest, moved): inventory/demo copied to dest with ``moved`` applied to every file's text.

    Returns each camera's host variables (from hosts.yml), by name.
    """
    def copy(dest, moved):
        shutil.copytree(os.path.join(ROOT, 'inventory', 'demo'), dest)
        for folder, _dirs, files in os.walk(dest):
            for name in files:
                path = os.path.join(folder, name)
                with open(path, encoding='utf-8') as f:
                    text = f.read()
                with open(path, 'w', encoding='utf-8') as f:
                    f.write(moved(text))
        with open(os.path.join(dest, 'hosts.yml'), encoding='utf-8') as f:
            hosts = yaml.safe_load(f)
        rooms = hosts['all']['children']['cameras']['children']
        return {name: host for room in rooms.values() for name, host in room['hosts'].items()}
    return copy
