# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run the Molecule scenario of every role (roles/<role>/molecule/default) and write a JUnit file.

Each scenario runs ``molecule test -s default`` in its role's folder, against this machine only
(delegated driver, connection local) and the camera simulator on its own loopback block
(127.0.3x.0/24), so scenarios can run side by side (``--jobs``). The roles come from the
collection's tarball: built and installed into a temporary collections path here, or taken from
DUKCAPIL_TEST_COLLECTIONS (a folder holding ansible_collections/dukcapil/cctv) when it is set.

Usage: python tools/molecule_all.py [--junitxml FILE] [--jobs N] [--keep] [role ...]
Prints one line per scenario (result, wall and CPU seconds, seconds per Molecule action) and a
closing ``N passed, N failed``; the exit code is non-zero when a scenario failed.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import glob
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.dirname(sys.executable)
LOGS = os.path.join(ROOT, 'build', 'molecule')
TAIL_LINES = 120
# "INFO     [default > converge] Executing" (NO_COLOR) or "default ➜ converge: Executing".
ACTION = re.compile(r'default\s*(?:>|\u279c)\s*(\w+)\]?:?\s+(Executing|Executed)')


def scenarios(wanted):
    found = sorted(os.path.basename(os.path.dirname(os.path.dirname(os.path.dirname(p))))
                   for p in glob.glob(os.path.join(ROOT, 'roles', '*', 'molecule', 'default', 'molecule.yml')))
    unknown = [r for r in wanted if r not in found]
    if unknown:
        sys.exit('no Molecule scenario for: %s (have: %s)' % (', '.join(unknown), ', '.join(found)))
    return [r for r in found if not wanted or r in wanted]


def _run_or_exit(cmd):
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        sys.exit('%s failed:\n%s%s' % (' '.join(cmd[:3]), proc.stdout, proc.stderr))


def install_collection(work):
    """Build the tarball and install it; return the collections path."""
    dist, dest = os.path.join(work, 'dist'), os.path.join(work, 'collections')
    galaxy = os.path.join(BIN, 'ansible-galaxy')
    _run_or_exit([galaxy, 'collection', 'build', '--force', '--output-path', dist])
    tarball = glob.glob(os.path.join(dist, 'dukcapil-cctv-*.tar.gz'))[0]
    _run_or_exit([galaxy, 'collection', 'install', '--force', '-p', dest, tarball])
    listing = subprocess.run(['tar', 'tzf', tarball], capture_output=True, text=True, check=True).stdout
    if re.search(r'^roles/[^/]+/molecule/', listing, re.M):
        print('warning: the tarball ships roles/*/molecule (add it to build_ignore in galaxy.yml)', flush=True)
    return dest


class Result:
    def __init__(self, role):
        self.role = role
        self.rc = None
        self.wall = 0.0
        self.cpu = 0.0
        self.actions = []        # (action, seconds, ok)
        self.tail = []
        self.log = None
        self.note = ''

    @property
    def ok(self):
        return self.rc == 0


def _stop_leftover_simulator(ephemeral, env):
    """A scenario killed before its cleanup leaves its simulator running: stop it by its state file."""
    for state in glob.glob(os.path.join(ephemeral, 'work', 'camsim*.json')):
        subprocess.run([sys.executable, '-m', 'camsim', 'stop', '--state-file', state], env=env,
                       capture_output=True, check=False, timeout=60)


def run_scenario(role, work, collections, timeout, echo):
    result = Result(role)
    scenario_dir = os.path.join(work, 'scenarios', role)
    ephemeral = os.path.join(scenario_dir, 'ephemeral')
    os.makedirs(os.path.join(scenario_dir, 'tmp'), exist_ok=True)
    result.log = os.path.join(LOGS, role + '.log')
    env = dict(os.environ)
    env.update({
        'PATH': BIN + os.pathsep + env.get('PATH', ''),
        'ANSIBLE_COLLECTIONS_PATH': collections,
        'ANSIBLE_PYTHON_INTERPRETER': sys.executable,
        'ANSIBLE_LOCAL_TEMP': os.path.join(scenario_dir, 'tmp'),
        'ANSIBLE_RETRY_FILES_ENABLED': 'False',
        'ANSIBLE_NOCOLOR': '1', 'ANSIBLE_FORCE_COLOR': '0', 'NO_COLOR': '1', 'PY_COLORS': '0',
        'MOLECULE_EPHEMERAL_DIRECTORY': ephemeral,
        'PYTHONPATH': os.pathsep.join([os.path.join(ROOT, 'tools')] + [p for p in [env.get('PYTHONPATH')] if p]),
    })
    molecule = os.path.join(BIN, 'molecule')
    cmd = [molecule] if os.path.exists(molecule) else [sys.executable, '-m', 'molecule']
    cmd += ['test', '-s', 'default']
    start = time.monotonic()
    current, tail, killed = {}, [], []
    os.makedirs(LOGS, exist_ok=True)
    with open(result.log, 'w') as log:
        proc = subprocess.Popen(cmd, cwd=os.path.join(ROOT, 'roles', role), env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors='replace',
                                start_new_session=True)

        def kill():
            killed.append(True)
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            for line in proc.stdout:
                log.write(line)
                if echo:
                    sys.stdout.write('[%s] %s' % (role, line))
                tail.append(line)
                del tail[:-TAIL_LINES]
                match = ACTION.search(line)
                if match and match.group(2) == 'Executing':
                    current[match.group(1)] = time.monotonic()
                elif match and match.group(1) in current:
                    result.actions.append((match.group(1), time.monotonic() - current.pop(match.group(1)),
                                           'Successful' in line))
            dummy, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
        finally:
            timer.cancel()
    if killed:
        result.note = 'killed after %d s' % timeout
    result.rc = proc.returncode
    result.wall = time.monotonic() - start
    result.cpu = usage.ru_utime + usage.ru_stime
    result.tail = tail
    _stop_leftover_simulator(ephemeral, env)
    return result


def _xml_text(text):
    """Log text as XML 1.0 allows it: colour codes and other control characters removed."""
    text = re.sub(r'\x1b\[[0-9;]*[A-Za-z]', '', text)
    return re.sub(r'[\x00-\x08\x0b\x0c\x0e-\x1f]', '', text)


def write_junit(path, results, total):
    suites = ET.Element('testsuites')
    suite = ET.SubElement(suites, 'testsuite', name='molecule', tests=str(len(results)),
                          failures=str(sum(not r.ok for r in results)), errors='0', skipped='0',
                          time='%.1f' % total)
    for r in results:
        case = ET.SubElement(suite, 'testcase', classname='molecule.roles', name=r.role, time='%.1f' % r.wall)
        steps = ', '.join('%s %.1fs%s' % (a, s, '' if ok else ' FAILED') for a, s, ok in r.actions)
        if not r.ok:
            failed = [a for a, dummy, ok in r.actions if not ok]
            message = 'molecule test exited %s%s%s' % (r.rc, ' in ' + failed[0] if failed else '',
                                                       ' (%s)' % r.note if r.note else '')
            failure = ET.SubElement(case, 'failure', message=message)
            failure.text = _xml_text(''.join(r.tail))
        ET.SubElement(case, 'system-out').text = 'log: %s\nactions: %s\ncpu: %.1f s\n' % (r.log, steps, r.cpu)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    ET.ElementTree(suites).write(path, encoding='utf-8', xml_declaration=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('roles', nargs='*', help='roles to test (default: every role with a scenario)')
    parser.add_argument('--junitxml', help='write a JUnit XML file here (one testcase per scenario)')
    parser.add_argument('--jobs', '-j', type=int, default=2, help='scenarios run at once (default: %(default)s)')
    parser.add_argument('--timeout', type=int, default=600, help='seconds one scenario may take (default: %(default)s)')
    parser.add_argument('--keep', action='store_true',
                        help="keep the temporary work folder (installed collection, each scenario's ephemeral folder)")
    parser.add_argument('--verbose', '-v', action='store_true', help="echo Molecule's output as it comes")
    args = parser.parse_args(argv)

    roles = scenarios(args.roles)
    start = time.monotonic()
    work = tempfile.mkdtemp(prefix='dukcapil-molecule-')
    try:
        collections = os.environ.get('DUKCAPIL_TEST_COLLECTIONS')
        if collections:
            print('collection: %s (DUKCAPIL_TEST_COLLECTIONS)' % collections, flush=True)
        else:
            collections = install_collection(work)
            print('collection: built and installed into %s' % collections, flush=True)
        print('scenarios: %s (%d at once)' % (', '.join(roles), args.jobs), flush=True)
        results = {}
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            futures = {pool.submit(run_scenario, role, work, collections, args.timeout, args.verbose): role
                       for role in roles}
            for future in concurrent.futures.as_completed(futures):
                r = future.result()
                results[r.role] = r
                print('%-10s %-6s %6.1f s wall %6.1f s cpu  %s' % (
                    r.role, 'ok' if r.ok else 'FAILED', r.wall, r.cpu,
                    ' '.join('%s=%.1f%s' % (a, s, '' if ok else '!') for a, s, ok in r.actions)), flush=True)
                if not r.ok:
                    sys.stdout.write(''.join('    | ' + line for line in r.tail[-40:]))
        ordered = [results[role] for role in roles]
        total = time.monotonic() - start
        if args.junitxml:
            write_junit(args.junitxml, ordered, total)
        failed = [r.role for r in ordered if not r.ok]
        print('\nmolecule: %d scenarios in %.1f s (%.1f s cpu)%s' % (
            len(ordered), total, sum(r.cpu for r in ordered), '; failed: ' + ', '.join(failed) if failed else ''))
        print('%d passed, %d failed' % (len(ordered) - len(failed), len(failed)))
        return 1 if failed else 0
    finally:
        print('logs: %s' % LOGS)
        if args.keep:
            print('work folder kept: %s' % work)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main())
