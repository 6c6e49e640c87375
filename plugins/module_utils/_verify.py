# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The scheduled verification's results: their shape, the history register and the report.

One verification (one run of ``dukcapil.cctv.verify_cctv``) checks every camera and workstation
of an installed site. Each subject has a few checks, each ``ok``, ``problem`` (with the
reason) or ``skipped`` (with why it could not run: an earlier check of the same subject failed).

History
    An SQLite file beside the agenda book (``_sqlite`` transactions). Append-only like the
    agenda: triggers refuse UPDATE and DELETE. ``verifications`` has one row per run,
    ``checks`` one row per subject and check, ``remediations`` one row per change that
    ``verify_remediate`` made.

Report
    HTML (one page, no external resources) and JSON, in Indonesian (``id``, the default) or
    English (``en``); the problems come first, then every subject's checks.

A room is watched when every camera of it passed every check; the verification passes when
every room is watched and no workstation has a problem.
"""

from __future__ import annotations

import datetime
import html
import json

from ansible_collections.dukcapil.cctv.plugins.module_utils import _sqlite

STATUSES = ('ok', 'problem', 'skipped')
KINDS = ('camera', 'workstation')
LANGUAGES = ('id', 'en')
SCHEMA_VERSION = 1

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS verifications (
        id INTEGER PRIMARY KEY,
        checked_at TEXT NOT NULL,
        run_id TEXT NOT NULL,
        site TEXT NOT NULL,
        watched INTEGER NOT NULL,
        problems INTEGER NOT NULL,
        remediated INTEGER NOT NULL,
        report TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS checks (
        id INTEGER PRIMARY KEY,
        verification_id INTEGER NOT NULL REFERENCES verifications (id),
        checked_at TEXT NOT NULL,
        subject TEXT NOT NULL,
        kind TEXT NOT NULL,
        room TEXT NOT NULL,
        check_name TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('ok', 'problem', 'skipped')),
        reason TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS remediations (
        id INTEGER PRIMARY KEY,
        verification_id INTEGER NOT NULL REFERENCES verifications (id),
        subject TEXT NOT NULL,
        change TEXT NOT NULL)""",
    """CREATE INDEX IF NOT EXISTS checks_subject ON checks (subject, checked_at)""",
) + tuple(
    """CREATE TRIGGER IF NOT EXISTS %s_no_%s BEFORE %s ON %s
        BEGIN SELECT RAISE(ABORT, 'the verification history is append-only: rows are never %s'); END"""
    % (table, verb.lower(), verb, table, 'changed' if verb == 'UPDATE' else 'deleted')
    for table in ('verifications', 'checks', 'remediations') for verb in ('UPDATE', 'DELETE'))
_SCHEMA_VERSION_ROW = ("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))

#: The checks in report order, with their names for people.
CHECK_LABELS = {
    'identity': ('Identitas (nomor seri, MAC) di alamatnya', 'Identity (serial, MAC) at its address'),
    'credentials': ('Kata sandi pabrik ditolak, akun kantor berfungsi', 'Factory login refused, office account works'),
    'clock': ('Selisih jam', 'Clock offset'),
    'settings': ('Pengaturan (alamat, gateway, DNS, NTP, nama host, zona waktu)',
                 'Settings (address, gateway, DNS, NTP, host name, time zone)'),
    'stream': ('Siaran dan gambar hidup (tidak seragam, tidak beku)', 'Stream and live picture (not uniform, not frozen)'),
    'scene': ('Pemandangan sama dengan foto bukti pemasangan', 'Same scene as the installation evidence frame'),
    'viewer': ('Aplikasi penampil dan daftar kamera', 'Viewer application and camera list'),
}
TEXT = {
    'title': ('Verifikasi Kamera Pengawas', 'Camera Surveillance Verification'),
    'site': ('Kantor', 'Office'), 'run': ('Pemasangan', 'Installation'), 'at': ('Waktu pemeriksaan', 'Checked at'),
    'verdict_ok': ('Semua ruangan diawasi.', 'Every room is watched.'),
    'verdict_bad': ('ADA RUANGAN YANG TIDAK DIAWASI ATAU MASALAH LAIN.', 'A ROOM IS NOT WATCHED, OR ANOTHER PROBLEM.'),
    'problems': ('Masalah', 'Problems'), 'none': ('Tidak ada masalah.', 'No problems.'),
    'rooms': ('Ruangan', 'Rooms'), 'watched': ('diawasi', 'watched'), 'not_watched': ('TIDAK diawasi', 'NOT watched'),
    'all': ('Semua pemeriksaan', 'Every check'), 'subject': ('Perangkat', 'Device'), 'room': ('Ruangan', 'Room'),
    'check': ('Pemeriksaan', 'Check'), 'status': ('Status', 'Status'), 'reason': ('Keterangan', 'Detail'),
    'remediated': ('Diperbaiki (verify_remediate)', 'Remediated (verify_remediate)'),
    'ok': ('baik', 'ok'), 'problem': ('MASALAH', 'PROBLEM'), 'skipped': ('tidak diperiksa', 'not checked'),
}


class VerifyError(Exception):
    """Results that do not have the expected shape, or a history file that cannot be written."""


def _text(key, language):
    return TEXT[key][LANGUAGES.index(language)]


def check_label(name, language):
    labels = CHECK_LABELS.get(name)
    return labels[LANGUAGES.index(language)] if labels else name


def normalise(results):
    """Validate the per-subject results; return them sorted (problems first), each check a dict.

    Each result: ``subject`` (name), ``kind`` (camera/workstation), ``room`` (optional) and
    ``checks``: a mapping check name -> ``{status, reason}``; or, instead of ``checks``,
    ``observed`` (what the modules returned) and ``expected`` (the run record's facts), judged
    by :func:`judge_camera` / :func:`judge_workstation`.
    """
    out = []
    seen = set()
    for index, result in enumerate(results):
        where = 'results[%d]' % index
        if not isinstance(result, dict):
            raise VerifyError('%s: a mapping is expected, got %r' % (where, result))
        subject = result.get('subject')
        if not isinstance(subject, str) or not subject:
            raise VerifyError('%s.subject: a non-empty name is expected, got %r' % (where, subject))
        if subject in seen:
            raise VerifyError('%s.subject: %r is given twice' % (where, subject))
        seen.add(subject)
        kind = result.get('kind', 'camera')
        if kind not in KINDS:
            raise VerifyError('%s.kind: one of %s, not %r' % (where, ', '.join(KINDS), kind))
        checks = result.get('checks')
        if checks is None and isinstance(result.get('observed'), dict):
            checks = (judge_camera(result.get('expected') or {}, result['observed']) if kind == 'camera'
                      else judge_workstation(result['observed']))
        if not isinstance(checks, dict) or not checks:
            raise VerifyError('%s.checks (%s): a non-empty mapping of check name to status is expected' % (where, subject))
        clean = {}
        for name, check in checks.items():
            if not isinstance(check, dict) or check.get('status') not in STATUSES:
                raise VerifyError('%s.checks.%s (%s): status must be one of %s, got %r'
                                  % (where, name, subject, ', '.join(STATUSES),
                                     check.get('status') if isinstance(check, dict) else check))
            reason = str(check.get('reason') or '')
            if check['status'] != 'ok' and not reason:
                raise VerifyError('%s.checks.%s (%s): a %s needs its reason' % (where, name, subject, check['status']))
            clean[name] = {'status': check['status'], 'reason': reason}
        order = list(CHECK_LABELS)
        ordered = dict(sorted(clean.items(), key=lambda item: order.index(item[0]) if item[0] in order else len(order)))
        out.append({'subject': subject, 'kind': kind, 'room': str(result.get('room') or ''), 'checks': ordered})
    out.sort(key=lambda r: (not has_problem(r), r['kind'] != 'camera', r['room'], r['subject']))
    return out


def has_problem(result):
    return any(c['status'] == 'problem' for c in result['checks'].values())


def summarise(results, remediated=()):
    """Rooms (watched or not), the problem lines, and the verdict, from normalised results."""
    rooms = {}
    for result in results:
        if result['kind'] != 'camera':
            continue
        room = rooms.setdefault(result['room'], {'name': result['room'], 'cameras': 0, 'cameras_ok': 0})
        room['cameras'] += 1
        room['cameras_ok'] += 0 if has_problem(result) else 1
    for room in rooms.values():
        room['watched'] = room['cameras'] == room['cameras_ok']
    problems = ['%s: %s: %s' % (r['subject'], name, c['reason'])
                for r in results for name, c in r['checks'].items() if c['status'] == 'problem']
    workstation_ok = not any(has_problem(r) for r in results if r['kind'] == 'workstation')
    return {'rooms': sorted(rooms.values(), key=lambda r: r['name']), 'problems': problems,
            'watched': all(r['watched'] for r in rooms.values()), 'passed': not problems and bool(rooms),
            'workstations_ok': workstation_ok, 'remediated': list(remediated)}


def remediated_from(results):
    """The remediation lines found in results given as ``observed``."""
    out = []
    for result in results:
        if isinstance(result, dict) and isinstance(result.get('observed'), dict):
            lines = remediation_lines(result['observed'])
            if lines:
                out.append({'subject': result.get('subject'), 'changes': lines})
    return out


def normalise_remediated(remediated):
    out = []
    for index, item in enumerate(remediated or ()):
        if not isinstance(item, dict) or not isinstance(item.get('subject'), str) or not item['subject']:
            raise VerifyError('remediated[%d]: a mapping with subject and changes is expected' % index)
        changes = item.get('changes') or []
        if not isinstance(changes, list):
            raise VerifyError('remediated[%d].changes (%s): a list is expected' % (index, item['subject']))
        if changes:
            out.append({'subject': item['subject'], 'changes': [str(c) for c in changes]})
    return out


def now_iso():
    return datetime.datetime.now(datetime.timezone.utc).astimezone().isoformat(timespec='seconds')


def append(path, checked_at, run_id, site, results, summary, report, timeout=30.0):
    """Append one verification to the history file; its id."""
    def work(conn):
        cursor = conn.execute(
            'INSERT INTO verifications (checked_at, run_id, site, watched, problems, remediated, report) '
            'VALUES (?, ?, ?, ?, ?, ?, ?)',
            (checked_at, run_id, site, int(summary['watched']), len(summary['problems']),
             len(summary['remediated']), report))
        number = cursor.lastrowid
        for result in results:
            for name, check in result['checks'].items():
                conn.execute('INSERT INTO checks (verification_id, checked_at, subject, kind, room, check_name, status, '
                             'reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
                             (number, checked_at, result['subject'], result['kind'], result['room'], name,
                              check['status'], check['reason']))
        for item in summary['remediated']:
            for change in item['changes']:
                conn.execute('INSERT INTO remediations (verification_id, subject, change) VALUES (?, ?, ?)',
                             (number, item['subject'], change))
        return number

    return _sqlite.transaction(path, work, SCHEMA + (_SCHEMA_VERSION_ROW,), timeout=timeout, error=VerifyError,
                               what='verification history')


def count(path, timeout=30.0):
    """How many verifications the history holds (0 for a file that does not exist yet)."""
    return _sqlite.read(path, lambda conn: conn.execute('SELECT COUNT(*) FROM verifications').fetchone()[0],
                        SCHEMA, table='verifications', timeout=timeout, error=VerifyError, what='verification history')


def report_json(meta, results, summary):
    return json.dumps(dict(meta, watched=summary['watched'], passed=summary['passed'], rooms=summary['rooms'],
                           problems=summary['problems'], remediated=summary['remediated'], results=results),
                      indent=1, sort_keys=True, ensure_ascii=False) + '\n'


STYLE = ('body{font-family:sans-serif;margin:2em;color:#222}h1{font-size:1.4em}table{border-collapse:collapse;'
         'width:100%}td,th{border:1px solid #999;padding:4px 6px;text-align:left;vertical-align:top}'
         '.problem{color:#a00;font-weight:bold}.ok{color:#060}.skipped{color:#666}.verdict{font-size:1.2em;'
         'padding:.5em;border:2px solid}')


def report_html(meta, results, summary, language):
    def t(key):
        return html.escape(_text(key, language))

    e = html.escape
    verdict_ok = summary['passed']
    rows = ['<!DOCTYPE html>', '<html lang="%s"><head><meta charset="utf-8"><title>%s %s</title><style>%s</style>'
            '</head><body>' % (language, t('title'), e(meta['checked_at']), STYLE),
            '<h1>%s</h1>' % t('title'),
            '<p>%s: %s<br>%s: %s<br>%s: %s</p>' % (
                t('site'), e(meta['site']), t('run'), e(meta['run_id']), t('at'), e(meta['checked_at'])),
            '<p class="verdict %s">%s</p>' % ('ok' if verdict_ok else 'problem',
                                              t('verdict_ok') if verdict_ok else t('verdict_bad')),
            '<h2>%s</h2>' % t('problems')]
    if summary['problems']:
        rows.append('<ol>%s</ol>' % ''.join('<li class="problem">%s</li>' % e(p) for p in summary['problems']))
    else:
        rows.append('<p class="ok">%s</p>' % t('none'))
    rows.append('<h2>%s</h2><ul>' % t('rooms'))
    for room in summary['rooms']:
        rows.append('<li class="%s">%s: %s (%d/%d)</li>' % (
            'ok' if room['watched'] else 'problem', e(room['name']), t('watched') if room['watched'] else t('not_watched'),
            room['cameras_ok'], room['cameras']))
    rows.append('</ul>')
    if summary['remediated']:
        rows.append('<h2>%s</h2><ul>' % t('remediated'))
        rows.extend('<li>%s: %s</li>' % (e(item['subject']), e('; '.join(item['changes']))) for item in summary['remediated'])
        rows.append('</ul>')
    rows.append('<h2>%s</h2><table><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>'
                % (t('all'), t('subject'), t('room'), t('check'), t('status'), t('reason')))
    for result in results:
        for name, check in result['checks'].items():
            rows.append('<tr><td>%s</td><td>%s</td><td>%s</td><td class="%s">%s</td><td>%s</td></tr>' % (
                e(result['subject']), e(result['room']), e(check_label(name, language)), check['status'],
                t(check['status']), e(check['reason'])))
    rows.append('</table></body></html>')
    return '\n'.join(rows) + '\n'


# ------------------------------------------------------------------ verdicts from the modules --
# The role registers what each module returned (or, from a rescue, {'error': message}); these
# functions turn that into the checks. The modules do the measuring; nothing is measured here.

def _ok(reason=''):
    return {'status': 'ok', 'reason': reason}


def _problem(reason):
    return {'status': 'problem', 'reason': reason}


def _skipped(reason):
    return {'status': 'skipped', 'reason': reason}


def _error(observed):
    return observed.get('error') if isinstance(observed, dict) else None


def _identity(expected, observed):
    """(check, answered, office_refused)"""
    address = expected.get('address') or ''
    if not address:
        return _problem('the camera is not in the run record of the accepted installation (no recorded address)'), False, False
    if _error(observed):
        return _problem('the identity could not be asked at %s: %s' % (address, _error(observed))), False, False
    devices = [d for d in observed.get('devices') or [] if d.get('address') == address]
    if not devices:
        return _problem('nothing answers at the recorded address %s port %s (unplugged, powered off, reset to its '
                        'factory address, or moved)' % (address, expected.get('port'))), False, False
    device = devices[0]
    if device.get('identity_error'):
        return (_skipped('a device answers at %s, but its identity cannot be read with the office account: %s'
                         % (address, device['identity_error'])),
                True, True)
    serial = (device.get('identity') or {}).get('serial_number') or ''
    mac = (device.get('mac') or '').lower()
    want_serial, want_mac = expected.get('serial') or '', (expected.get('mac') or '').lower()
    if serial != want_serial or (want_mac and mac != want_mac):
        return _problem('a different device answers at %s: serial %s, MAC %s; the installed camera is serial %s, MAC %s '
                        '(an alarm: a swapped device is not a new camera)'
                        % (address, serial or 'unknown', mac or 'unknown', want_serial, want_mac or 'unknown')), True, False
    return _ok('serial %s, MAC %s at %s' % (serial, mac, address)), True, False


def _credentials(observed):
    if observed is None:
        return None
    if _error(observed):
        return _problem('the office account could not be checked: %s' % _error(observed))
    if observed.get('login_used') not in ('desired', 'given'):
        if observed.get('factory_credentials_accepted_before') is True:
            return _problem('the office account does not log in, and the camera opens with its factory credentials '
                            '(%s): it was reset to factory settings' % (observed.get('factory_credentials_source') or 'factory login'))
        return _problem('the office account does not log in (the module could log in only with its %s login)'
                        % (observed.get('login_used') or 'no'))
    if observed.get('factory_credentials_accepted_before') is True:
        return _problem('the camera opens with its factory credentials (%s) again'
                        % (observed.get('factory_credentials_source') or 'factory login'))
    if observed.get('changed'):
        return _problem('the office account differs from the desired one (level or password would be set again)')
    if observed.get('factory_credentials_accepted_before') is None:
        return _problem('the factory credentials could not be tried: the camera may still open with them')
    return _ok('the factory login is refused, the office account logs in')


def _settings(observed, office_ok):
    """(clock check, settings check)"""
    if observed is None:
        return None, None
    if _error(observed):
        if not office_ok:
            reason = 'not checked: the office account does not log in'
            return _skipped(reason), _skipped(reason)
        return (_problem('the clock could not be read: %s' % _error(observed)),
                _problem('the settings could not be read: %s' % _error(observed)))
    changes = observed.get('changes') or []
    clock = [c for c in changes if c.get('field') == 'clock_offset_seconds']
    others = [c for c in changes if c.get('field') != 'clock_offset_seconds']
    offset = (observed.get('clock') or {}).get('offset_seconds')
    if clock:
        clock_check = _problem('the clock is %s s off the controller\'s (more than %s s allowed)'
                               % (clock[0].get('before'), observed.get('clock_max_offset', '?')))
    else:
        clock_check = _ok('%s s off the controller\'s' % offset if offset is not None else 'within the allowed offset')
    if others:
        settings_check = _problem('settings changed since the installation: %s' % '; '.join(
            '%s is %s, desired %s' % (c.get('field'), _show(c.get('before')), _show(c.get('after'))) for c in others))
    else:
        settings_check = _ok('address, gateway, DNS, NTP, host name and time zone as desired')
    return clock_check, settings_check


def _show(value):
    if isinstance(value, list):
        return ', '.join(str(v) for v in value) or '(none)'
    return '(none)' if value in (None, '') else str(value)


def _stream(observed, office_ok):
    if observed is None:
        return None
    if _error(observed):
        if not office_ok:
            return _skipped('not checked: the office account does not log in')
        return _problem('the stream could not be checked: %s' % _error(observed))
    if not office_ok and not observed.get('watched'):
        return _skipped('not checked: the office account does not log in (%s)' % '; '.join(observed.get('problems') or []))
    if observed.get('watched'):
        return _ok('; '.join('%s: %s' % (k, v.get('detail')) for k, v in sorted((observed.get('checks') or {}).items())
                             if k in ('not_uniform', 'not_frozen')))
    return _problem('; '.join(observed.get('problems') or ['the camera does not watch the room']))


def _scene(observed, stream_check):
    if observed is None:
        if stream_check is not None and stream_check['status'] != 'ok':
            return _skipped('not compared: no live frame (%s)' % stream_check['reason'])
        return None
    if observed.get('same_scene') is True:
        return _ok(observed.get('detail') or '')
    if observed.get('same_scene') is False:
        return _problem(observed.get('detail') or 'another scene')
    if stream_check is not None and stream_check['status'] != 'ok':
        return _skipped('not compared: %s' % (observed.get('detail') or 'no live frame'))
    return _problem('the scene could not be compared: %s' % (observed.get('detail') or 'no frame'))


def judge_camera(expected, observed):
    """The checks of one camera from what the modules returned.

    ``expected``: address, port, serial, mac (from the run record). ``observed``: identity
    (onvif_discovery), credentials (onvif_camera_user, check mode), settings (onvif_camera_ip,
    check mode; its ``clock_max_offset`` added), stream (onvif_stream_check), scene (one entry
    of cctv_scene_check); each may be ``{'error': message}``, and is absent when not run.
    """
    observed = observed or {}
    identity, answered, _refused = _identity(expected, observed.get('identity'))
    checks = {'identity': identity}
    if not answered:
        for name in ('credentials', 'clock', 'settings', 'stream', 'scene'):
            checks[name] = _skipped('not checked: the camera does not answer at its recorded address')
        return checks
    credentials = _credentials(observed.get('credentials'))
    office_ok = credentials is None or 'does not log in' not in credentials['reason']
    clock, settings = _settings(observed.get('settings'), office_ok)
    stream = _stream(observed.get('stream'), office_ok)
    scene = _scene(observed.get('scene'), stream)
    for name, check in (('credentials', credentials), ('clock', clock), ('settings', settings), ('stream', stream),
                        ('scene', scene)):
        if check is not None:
            checks[name] = check
    return checks


def judge_workstation(observed):
    """The viewer check of one workstation from cctv_viewer_install's check-mode result."""
    viewer = (observed or {}).get('viewer')
    if viewer is None:
        return {'viewer': _skipped('not checked')}
    if _error(viewer):
        return {'viewer': _problem('the viewer could not be checked: %s' % _error(viewer))}
    changes = viewer.get('changes') or []
    if changes:
        return {'viewer': _problem('the workstation differs from the installation: %s would be installed again'
                                   % ', '.join({'package': 'the viewer', 'camera_list': "the room's camera list",
                                                'launcher': 'the launcher'}.get(c, c) for c in changes))}
    return {'viewer': _ok('viewer %s with %s camera(s) in %s' % (viewer.get('version') or '', viewer.get('camera_count'),
                                                                 viewer.get('camera_list')))}


def remediation_lines(observed):
    """What ``verify_remediate`` changed on one subject, one line per change."""
    lines = []
    fix = (observed or {}).get('remediation') or {}
    user = fix.get('credentials')
    if isinstance(user, dict) and user.get('changed'):
        lines.append('office account set again (logged in with the %s login); factory login now %s'
                     % (user.get('login_used'), 'refused' if user.get('factory_credentials_accepted') is False else 'unknown'))
    settings = fix.get('settings')
    if isinstance(settings, dict):
        lines.extend('%s: %s -> %s' % (c.get('field'), _show(c.get('before')), _show(c.get('after')))
                     for c in settings.get('changes') or [])
    viewer = fix.get('viewer')
    if isinstance(viewer, dict) and viewer.get('changes'):
        lines.append('viewer: %s written again' % ', '.join(viewer['changes']))
    for key, value in sorted(fix.items()):
        if _error(value):
            lines.append('%s could not be re-applied: %s' % (key, _error(value)))
    return lines
