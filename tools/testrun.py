# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run every test of the collection the way a user meets it, and print one closing line.

Steps (each timed): build the collection tarball and install it; ansible-doc of every module;
ansible-test sanity on a real ansible_collections/ copy; the unit tests; the simulator's tests;
the integration tests (ansible-playbook against the simulator, using the installed tarball);
one Molecule scenario per role; ansible-lint (production profile); antsibull-changelog lint.

Usage: python tools/testrun.py [step ...]   (default: all steps)
The last line is ``N passed, N failed`` (pytest tests counted one by one, the other steps one
each); the exit code is non-zero when anything failed.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, 'build')
DIST = os.path.join(BUILD, 'dist')
INSTALLED = os.path.join(BUILD, 'test-collections')
SANITY_ROOT = os.path.join(BUILD, 'sanity')
SANITY_COLL = os.path.join(SANITY_ROOT, 'ansible_collections', 'dukcapil', 'cctv')
REPORTS = os.path.join(BUILD, 'test-reports')
BIN = os.path.dirname(sys.executable)

STEPS = ('build', 'sanity', 'units', 'simulator', 'integration', 'molecule', 'lint')


def run(cmd, cwd=ROOT, env=None, check=True):
    print('+ ' + ' '.join(cmd), flush=True)
    full_env = dict(os.environ)
    full_env.update(env or {})
    proc = subprocess.run(cmd, cwd=cwd, env=full_env, check=False)
    if check and proc.returncode != 0:
        raise StepFailed('%s exited %d' % (cmd[0], proc.returncode))
    return proc.returncode


class StepFailed(Exception):
    pass


def tool(name):
    return os.path.join(BIN, name)


def source_files():
    """The files of the collection as git knows them (tracked and not ignored)."""
    out = subprocess.run(['git', 'ls-files', '-co', '--exclude-standard'], cwd=ROOT,
                         check=True, capture_output=True, text=True).stdout
    return [f for f in out.splitlines() if os.path.isfile(os.path.join(ROOT, f))]


def step_build():
    shutil.rmtree(DIST, ignore_errors=True)
    shutil.rmtree(INSTALLED, ignore_errors=True)
    run([tool('ansible-galaxy'), 'collection', 'build', '--output-path', DIST, '--force'])
    tarball = glob.glob(os.path.join(DIST, 'dukcapil-cctv-*.tar.gz'))[0]
    listing = subprocess.run(['tar', 'tzf', tarball], check=True, capture_output=True, text=True).stdout
    for forbidden in ('tools/', 'tests/unit/', 'tests/simulator/', 'bench/', '.venv/'):
        if any(line.startswith(forbidden) for line in listing.splitlines()):
            raise StepFailed('the tarball ships development tooling: %s' % forbidden)
    run([tool('ansible-galaxy'), 'collection', 'install', '--force', '-p', INSTALLED, tarball])
    env = {'ANSIBLE_COLLECTIONS_PATH': INSTALLED}
    modules = sorted(os.path.basename(p)[:-3] for p in glob.glob(os.path.join(ROOT, 'plugins', 'modules', '*.py')))
    for module in modules:
        out = subprocess.run([tool('ansible-doc'), 'dukcapil.cctv.' + module], env=dict(os.environ, **env),
                             capture_output=True, text=True, check=False)
        if out.returncode != 0 or 'EXAMPLES' not in out.stdout:
            raise StepFailed('ansible-doc dukcapil.cctv.%s does not render: %s' % (module, out.stderr.strip()))
    print('ansible-doc renders %d modules' % len(modules))


def _python_links():
    """A folder of real pythonX.Y links: pyenv shims fail inside ansible-test (TOOLCHAIN.md)."""
    links = os.path.join(BUILD, 'python-links')
    os.makedirs(links, exist_ok=True)
    versions = []
    for exe in sorted(glob.glob(os.path.expanduser('~/.pyenv/versions/3.*/bin/python3.*'))):
        name = os.path.basename(exe)
        if not re.fullmatch(r'python3\.\d+', name):
            continue
        target = os.path.join(links, name)
        if not os.path.lexists(target):
            os.symlink(exe, target)
        versions.append(name[len('python'):])
    return links, versions


def _get_pip_stub():
    """Put the offline get-pip stand-in where ansible-test looks for it."""
    import ansible_test  # pylint: disable=import-outside-toplevel
    source = os.path.join(os.path.dirname(ansible_test.__file__), '_internal', 'python_requirements.py')
    with open(source) as f:
        version = re.search(r"pip='([0-9.]+)'", f.read()).group(1)
    cache = os.path.expanduser('~/.ansible/test/cache')
    os.makedirs(cache, exist_ok=True)
    shutil.copy(os.path.join(ROOT, 'tools', 'ansible_test_get_pip.py'),
                os.path.join(cache, 'get_pip_%s.py' % version.replace('.', '_')))


def step_sanity():
    _get_pip_stub()
    shutil.rmtree(SANITY_ROOT, ignore_errors=True)
    os.makedirs(SANITY_COLL)
    for rel in source_files():
        dest = os.path.join(SANITY_COLL, rel)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        shutil.copy2(os.path.join(ROOT, rel), dest)
    run(['git', 'init', '-q'], cwd=SANITY_COLL)
    run(['git', 'add', '-A'], cwd=SANITY_COLL)
    links, versions = _python_links()
    # The edges and the middle of the Pythons ansible-core 2.19 runs modules on; more with SANITY_PYTHONS.
    wanted = os.environ.get('SANITY_PYTHONS', '3.8 3.11 3.13').split()
    env = {'PATH': links + os.pathsep + os.environ['PATH']}
    for version in wanted:
        if version not in versions and version != '%d.%d' % sys.version_info[:2]:
            print('sanity: Python %s is not installed here, skipped' % version)
            continue
        run([tool('ansible-test'), 'sanity', '--local', '--python', version, '--color', 'no'],
            cwd=SANITY_COLL, env=env)


def _pytest(name, paths, extra=(), env=None):
    os.makedirs(REPORTS, exist_ok=True)
    xml = os.path.join(REPORTS, name + '.xml')
    if os.path.exists(xml):
        os.unlink(xml)
    cmd = [sys.executable, '-m', 'pytest', '-q', '-rs', '--junitxml', xml] + list(extra) + list(paths)
    code = run(cmd, env=env, check=False)
    if code not in (0, 1) and not os.path.exists(xml):
        raise StepFailed('pytest exited %d' % code)
    return xml


def step_units():
    return _pytest('units', ['tests/unit'], ['-n', '2'])


def step_simulator():
    return _pytest('simulator', ['tests/simulator'], ['-n', '2'])


def step_integration():
    if not os.path.isdir(INSTALLED):
        step_build()
    return _pytest('integration', ['tests/integration'], ['-n', '2'],
                   env={'DUKCAPIL_TEST_COLLECTIONS': INSTALLED})


def step_molecule():
    """One Molecule scenario per role (tools/molecule_all.py), from the installed tarball."""
    if not os.path.isdir(INSTALLED):
        step_build()
    os.makedirs(REPORTS, exist_ok=True)
    xml = os.path.join(REPORTS, 'molecule.xml')
    code = run([sys.executable, os.path.join(ROOT, 'tools', 'molecule_all.py'), '--junitxml', xml],
               env={'DUKCAPIL_TEST_COLLECTIONS': INSTALLED}, check=False)
    if not os.path.exists(xml):
        raise StepFailed('tools/molecule_all.py exited %d without a report' % code)
    return xml


def step_lint():
    env = {'ANSIBLE_COLLECTIONS_PATH': INSTALLED}
    if not os.path.isdir(INSTALLED):
        step_build()
    run([tool('ansible-lint'), '--offline'], env=env)
    run([tool('antsibull-changelog'), 'lint'])


def junit_counts(xml):
    root = ET.parse(xml).getroot()
    suites = [root] if root.tag == 'testsuite' else root.findall('testsuite')
    total = failed = skipped = 0
    for suite in suites:
        total += int(suite.get('tests', 0))
        failed += int(suite.get('failures', 0)) + int(suite.get('errors', 0))
        skipped += int(suite.get('skipped', 0))
    return total - failed - skipped, failed, skipped


def main(argv):
    steps = argv or list(STEPS)
    unknown = [s for s in steps if s not in STEPS]
    if unknown:
        sys.exit('unknown step(s): %s; choose from %s' % (', '.join(unknown), ', '.join(STEPS)))
    passed = failed = skipped = 0
    timings = []
    for name in steps:
        print('\n=== %s ===' % name, flush=True)
        start = time.monotonic()
        try:
            xml = globals()['step_' + name]()
        except StepFailed as exc:
            print('%s FAILED: %s' % (name, exc), flush=True)
            failed += 1
            outcome = 'failed'
        else:
            if xml:
                p, f, s = junit_counts(xml)
                passed, failed, skipped = passed + p, failed + f, skipped + s
                outcome = '%d passed, %d failed, %d skipped' % (p, f, s)
            else:
                passed += 1
                outcome = 'ok'
        timings.append((name, time.monotonic() - start, outcome))
    print('\n=== summary ===')
    for name, seconds, outcome in timings:
        print('%-12s %7.1f s  %s' % (name, seconds, outcome))
    print('%-12s %7.1f s' % ('total', sum(t[1] for t in timings)))
    print('%d passed, %d failed, %d skipped' % (passed, failed, skipped))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
