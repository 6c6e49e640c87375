# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The run record: the one JSON document that stages 1-5 build and stages 6-9 read.

One run of SOP-PIAK-02 (one installation, one office) has one record file. Stages 1-5 write
the facts of the installation into it (through :func:`update`, which locks, validates and
writes atomically); ``sop_report`` (step 6) renders it; ``sop_review`` (steps 7-8) appends
the acceptances; ``sop_agenda`` (step 9) adds the agenda entry. The record is the state the
next job (AWX) reads: nothing else carries state between the stages.

The schema is defined once, as data, in :data:`SCHEMA`; :func:`validate` checks a record
against it and :func:`schema_markdown` prints it (``docs/run-record.md`` holds that table).

==========================  ==========================================================
field                       content
==========================  ==========================================================
schema_version              1
run_id                      the run's identity, also the report's file name
site                        office: code (e.g. SMG), name, address
operator                    the APK who did steps 1-6: name, NIP, certificate number
window                      installation window: start, end (ISO 8601 with offset)
steps                       "1".."9": started, ended, result (ok/failed/skipped; none
                            while the step has not been closed), notes
rooms                       the hardware rooms: name, description
cameras                     one entry per planned camera (step 1 writes the plan: name,
                            room, position, planned_address; later steps add identity,
                            network, hardening, stream, snapshot, mount attestation)
workstations                the computers with the viewer: name, rooms, viewer, version
problems                    step, camera/workstation, text, resolved (when fixed later)
reviews                     acceptances of steps 7-8 (written by sop_review)
agenda                      the agenda entry of step 9 (written by sop_agenda)
==========================  ==========================================================

The report's facts are the record without ``reviews``, ``agenda`` and the steps 7-9 (what
happens after the report is written), plus the SHA-256 of each camera's snapshot file; the
facts hash is the SHA-256 of their canonical JSON. A review is bound to that hash.

Truthfulness rules (see ``docs/run-record.md``):

* every string in the record is free of control characters (free text may hold newlines);
* a camera of the plan that failed may lack the facts of the steps it never finished, but
  only while it has a problem of its own in the record;
* :func:`open_problems` is what stands between the record and a complete installation: the
  unresolved problems, every step 1-5 not closed ``ok``, and every camera whose factory
  password is not proven removed;
* once a review is recorded, the facts are final (:func:`check_not_final`): a later run
  starts a new record instead of rewriting them.
"""

from __future__ import annotations

import contextlib
import copy
import datetime
import hashlib
import ipaddress
import json
import os
import re

try:
    import fcntl
except ImportError:  # pragma: no cover - the controller is POSIX
    fcntl = None

from ansible_collections.dukcapil.cctv.plugins.module_utils import _files
from ansible_collections.dukcapil.cctv.plugins.module_utils import _sop
from ansible_collections.dukcapil.cctv.plugins.module_utils import _tz

SCHEMA_VERSION = 1

RESULTS = ('ok', 'failed', 'skipped')
TIMINGS = ('measured', 'attested')
DECISIONS = ('accepted', 'returned')
ACCOUNT_LEVELS = ('Administrator', 'Operator', 'User', 'Anonymous', 'Extended')
REQUIRED_STEPS = (1, 2, 3, 4, 5)
STREAM_SCHEMES = ('rtsp', 'rtsps', 'http', 'https')
SECRET_KEY = re.compile(r'pass(word|wd)?$|secret|token|credential|private_key', re.I)
SECRET_KEY_ALLOWED = ('factory_password_removed',)
# C0 and C1 control characters and DEL; free text ('text' fields) may hold tabs and newlines.
CONTROL_RE = re.compile('[\x00-\x1f\x7f-\x9f]')
TEXT_CONTROL_RE = re.compile('[\x00-\x08\x0b-\x1f\x7f-\x9f]')
FACTORY_CREDENTIALS_TEXT = ('the factory credentials are not proven removed: the camera may still open with its '
                            'factory user and password')
NOT_FINISHED_TEXT = 'did not finish step %d (it failed or stopped before a reason could be recorded)'


class RecordError(Exception):
    """Anything wrong with a run record: its file, its content or an update of it."""


class RecordNotFound(RecordError):
    """The record file does not exist."""


class RecordInvalid(RecordError):
    """The record does not match the schema; ``errors`` lists each fact that is wrong."""

    def __init__(self, errors, what='run record'):
        self.errors = list(errors)
        shown = self.errors[:20]
        more = len(self.errors) - len(shown)
        msg = '%s is not valid: %s' % (what, '; '.join(shown))
        if more:
            msg += '; and %d more' % more
        super().__init__(msg)


class ReviewRefused(RecordError):
    """A review (step 7 or 8) that the chain of acceptance does not allow."""


class RecordFinal(RecordError):
    """A change to the facts of a record that has been reviewed: they are final."""


# --------------------------------------------------------------------------------------------
# The schema, as data.


class Field:
    """One fact: its kind, whether a complete record needs it, and what it means."""

    def __init__(self, kind, doc, required=True, fields=None, item=None, choices=None, min_items=0, example=None):
        self.kind = kind
        self.doc = doc
        self.required = required
        self.fields = fields
        self.item = item
        self.choices = choices
        self.min_items = min_items
        self.example = example


STEP = Field('dict', 'one step of the SOP', fields={
    'started': Field('datetime', 'when the step started (not needed when skipped)', required=False),
    'ended': Field('datetime', 'when the step ended (not needed when skipped)', required=False),
    'result': Field('choice', 'outcome of the step; absent while the step is not closed (the report shows it not '
                    'completed)', required=False, choices=RESULTS),
    'notes': Field('text', 'free text for the Keterangan column', required=False),
    'executor': Field('choice', "who did the step, when not the SOP's reading (1-6 APK, 7 Sub Koord, 8-9 Kabid)",
                      required=False, choices=_sop.ROLES),
    'timing': Field('choice', 'how started/ended were taken: measured by the automation (the default) or attested by '
                    'the person who did the physical work (step 2, mounting)', required=False, choices=TIMINGS),
})

CAMERA_DOC = ('one camera of the site plan (step 1 writes name, room, position and planned_address; a camera with a '
              'problem of its own may lack the facts of the steps it did not finish)')
CAMERA = Field('dict', CAMERA_DOC, fields={
    'name': Field('str', 'unique camera name', example='CAM-SRV-01'),
    'planned_address': Field('ip', 'address the site plan gives it (step 1)', required=False),
    'room': Field('str', 'name of the room (one of rooms[].name)'),
    'position': Field('str', 'where in the room, where it looks', example='sudut timur laut, menghadap rak server'),
    'asset_tag': Field('str', 'inventory / UV-pen or sticker mark (SOP marking rule)', example='PIAK-CCTV-2026-001'),
    'manufacturer': Field('str', 'maker, from ONVIF GetDeviceInformation'),
    'model': Field('str', 'model, from ONVIF GetDeviceInformation'),
    'serial': Field('str', 'serial number, from ONVIF GetDeviceInformation'),
    'mac': Field('mac', 'MAC address, aa:bb:cc:dd:ee:ff'),
    'firmware': Field('str', 'firmware version, from ONVIF GetDeviceInformation'),
    'factory_address': Field('ip', 'address the camera had out of the box'),
    'address': Field('ip', 'final address after step 3'),
    'hostname': Field('hostname', 'hostname set in step 3'),
    'ntp_servers': Field('list', 'NTP servers set in step 3 (host names or addresses)', item=Field('host', 'NTP server')),
    'hardening': Field('dict', 'result of the hardening in step 3', fields={
        'factory_password_removed': Field('bool', 'the factory password no longer opens the camera'),
        'accounts': Field('list', 'accounts left on the camera (never their passwords)', item=Field('dict', 'account', fields={
            'username': Field('str', 'user name'),
            'level': Field('choice', 'ONVIF user level', choices=ACCOUNT_LEVELS),
        })),
    }),
    'stream_uri': Field('uri', 'main stream URI, without credentials', example='rtsp://10.20.30.11:554/Streaming/101'),
    'snapshot': Field('path', 'JPEG snapshot taken in step 5; a path relative to the record file, or absolute '
                      '(a camera without one is reported as a problem)', required=False),
    'mount': Field('dict', 'mount attestation of step 2', fields={
        'by': Field('str', 'who mounted the camera'),
        'nip': Field('nip', "mounter's NIP, when a civil servant", required=False),
        'at': Field('datetime', 'when it was mounted'),
    }),
})

REVIEW = Field('dict', 'one review decision (written by sop_review)', fields={
    'role': Field('choice', 'reviewing role', choices=_sop.REVIEW_ROLES),
    'name': Field('str', "reviewer's name"),
    'nip': Field('nip', "reviewer's NIP"),
    'decision': Field('choice', 'the decision', choices=DECISIONS),
    'note': Field('text', 'note; required when returned', required=False),
    'at': Field('datetime', 'when the decision was made'),
    'report_hash': Field('sha256', 'facts hash of the report the reviewer saw'),
    'accepted_problems': Field('list', 'the unresolved problems the reviewer accepted the report with, as the report '
                               'listed them (written only with accept_with_problems)', required=False,
                               item=Field('str', 'one problem: "step N, subject: text"')),
})

SCHEMA = Field('dict', 'the run record', fields={
    'schema_version': Field('int', 'version of this schema: %d' % SCHEMA_VERSION),
    'run_id': Field('run_id', 'identity of the run; letters, digits, ".", "_", "-"', example='SMG-2026-03-10-01'),
    'site': Field('dict', 'the office', fields={
        'code': Field('code', 'office code', example='SMG'),
        'name': Field('str', 'office name'),
        'address': Field('str', 'office address', required=False),
    }),
    'operator': Field('dict', 'the hardware administrator (APK) who did steps 1-6', fields={
        'name': Field('str', 'name with titles as to be printed'),
        'nip': Field('nip', 'NIP (18 digits)'),
        'certificate': Field('str', 'number of the certificate or letter appointing them hardware administrator'),
    }),
    'window': Field('dict', 'installation window fixed in step 1', fields={
        'start': Field('datetime', 'start'),
        'end': Field('datetime', 'end, not before start'),
    }),
    'steps': Field('steps', 'steps keyed "1".."9"; 1-5 required in a complete record', item=STEP),
    'rooms': Field('list', 'the hardware rooms', min_items=1, item=Field('dict', 'room', fields={
        'name': Field('str', 'unique room name', example='Ruang Server'),
        'description': Field('text', 'description', required=False),
    })),
    'cameras': Field('list', 'the cameras', min_items=1, item=CAMERA),
    'workstations': Field('list', 'the computers with the camera application (step 4)', item=Field('dict', 'workstation', fields={
        'name': Field('str', 'unique workstation name'),
        'rooms': Field('list', 'rooms it watches (rooms[].name)', item=Field('str', 'room name')),
        'viewer': Field('str', 'camera application'),
        'version': Field('str', 'its version'),
        'address': Field('ip', 'its address', required=False),
    })),
    'problems': Field('list', 'problems met', required=False, item=Field('dict', 'problem', fields={
        'step': Field('step_number', 'step (1-9)'),
        'camera': Field('str', 'camera name, when about a camera', required=False),
        'workstation': Field('str', 'workstation name, when about one', required=False),
        'text': Field('str', 'what happened'),
        'resolved': Field('datetime', 'when a later run of its step finished for its subject', required=False),
    })),
    'reviews': Field('list', 'review decisions, oldest first (sop_review appends)', required=False, item=REVIEW),
    'agenda': Field('dict', 'the agenda entry of step 9 (sop_agenda writes it)', required=False, fields={
        'number': Field('str', 'agenda number', example='001/PIAK/2026'),
        'date': Field('date', 'agenda date'),
        'entry_hash': Field('sha256', "the entry's chained hash"),
        'report_hash': Field('sha256', 'facts hash of the recorded report'),
        'database': Field('str', 'agenda book file'),
        'recorded_at': Field('datetime', 'when the entry was written', required=False),
    }),
})


# --------------------------------------------------------------------------------------------
# Value checks.

MAC_RE = re.compile(r'^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$')
LABEL_RE = re.compile(r'^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$')
RUN_ID_RE = re.compile(r'^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$')
CODE_RE = re.compile(r'^[A-Z0-9]{2,10}$')
SHA256_RE = re.compile(r'^[0-9a-f]{64}$')
DATE_RE = re.compile(r'^\d{4}-\d{2}-\d{2}$')


def show(value):
    """A value as an error message quotes it."""
    if isinstance(value, str):
        text = value if len(value) <= 60 else value[:57] + '...'
        return "'%s'" % text
    try:
        text = json.dumps(value, sort_keys=True, default=str)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + '...'


def parse_time(text):
    """Parse an ISO 8601 time with offset (``Z`` allowed); None when it is not one (a bare date is not)."""
    if not isinstance(text, str) or 'T' not in text or text != text.strip():
        return None
    return _tz.parse(text)


def is_nip(text):
    """An Indonesian civil-servant NIP: birth date, appointment year+month, sex (1/2), number."""
    if not isinstance(text, str) or not re.match(r'^\d{18}$', text):
        return False
    try:
        datetime.date(int(text[0:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return False
    return 1 <= int(text[12:14]) <= 12 and text[14] in '12'


def is_hostname(text):
    if not isinstance(text, str) or not text or len(text) > 253:
        return False
    return all(LABEL_RE.match(label) for label in text.rstrip('.').split('.'))


def is_ip(text):
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _check_uri(value):
    """None when ``value`` is a stream URI without credentials, else what is wrong."""
    from urllib.parse import urlsplit, parse_qsl
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return 'is not a URI'
    if parts.scheme not in STREAM_SCHEMES or not parts.hostname:
        return 'is not a stream URI (%s://host/...)' % '|'.join(STREAM_SCHEMES)
    if '@' in parts.netloc:
        return 'must not hold credentials'
    if any(SECRET_KEY.search(k) or k.lower() in ('user', 'username', 'pwd') for k, dummy in parse_qsl(parts.query)):
        return 'must not hold credentials'
    return None


SIMPLE_KINDS = {
    'str': (lambda v: isinstance(v, str) and v.strip() != '', 'is not a non-empty string'),
    'text': (lambda v: isinstance(v, str), 'is not a string'),
    'path': (lambda v: isinstance(v, str) and v.strip() != '', 'is not a file path'),
    'int': (lambda v: isinstance(v, int) and not isinstance(v, bool), 'is not an integer'),
    'bool': (lambda v: isinstance(v, bool), 'is not true or false'),
    'nip': (is_nip, 'is not a NIP (18 digits: birth date, appointment month, sex, number)'),
    'datetime': (lambda v: parse_time(v) is not None, 'is not a time in ISO 8601 with offset (2026-03-10T08:00:00+07:00)'),
    'date': (lambda v: isinstance(v, str) and DATE_RE.match(v) is not None and _is_date(v), 'is not a date (YYYY-MM-DD)'),
    'mac': (lambda v: isinstance(v, str) and MAC_RE.match(v) is not None, 'is not a MAC address'),
    'ip': (lambda v: isinstance(v, str) and is_ip(v), 'is not an IP address'),
    'hostname': (is_hostname, 'is not a host name'),
    'host': (lambda v: isinstance(v, str) and (is_ip(v) or is_hostname(v)), 'is not a host name or address'),
    'sha256': (lambda v: isinstance(v, str) and SHA256_RE.match(v) is not None, 'is not a SHA-256 (64 lowercase hex digits)'),
    'run_id': (lambda v: isinstance(v, str) and RUN_ID_RE.match(v) is not None,
               'is not a run id (letters, digits, ".", "_", "-"; at most 64)'),
    'code': (lambda v: isinstance(v, str) and CODE_RE.match(v) is not None, 'is not an office code (2-10 capitals or digits)'),
    'step_number': (lambda v: isinstance(v, int) and not isinstance(v, bool) and v in _sop.STEP_NUMBERS, 'is not a step of the SOP (1-9)'),
}


def _is_date(text):
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _join(path, key):
    return '%s.%s' % (path, key) if path else str(key)


def _check(value, field, path, errors, complete):
    kind = field.kind
    if isinstance(value, str):
        bad = (TEXT_CONTROL_RE if kind == 'text' else CONTROL_RE).search(value)
        if bad:
            errors.append('%s: holds the control character U+%04X at position %d (not allowed in the record)'
                          % (path, ord(bad.group()), bad.start()))
            return
    if kind in SIMPLE_KINDS:
        test, message = SIMPLE_KINDS[kind]
        if not test(value):
            errors.append('%s: %s %s' % (path, show(value), message))
    elif kind == 'choice':
        if value not in field.choices:
            errors.append('%s: %s is not one of %s' % (path, show(value), ', '.join(field.choices)))
    elif kind == 'uri':
        problem = _check_uri(value) if isinstance(value, str) else 'is not a URI'
        if problem:
            errors.append('%s: %s %s' % (path, show(value if problem != 'must not hold credentials' else '<hidden>'), problem))
    elif kind == 'list':
        if not isinstance(value, list):
            errors.append('%s: %s is not a list' % (path, show(value)))
            return
        if complete and len(value) < field.min_items:
            errors.append('%s: needs at least %d entr%s' % (path, field.min_items, 'y' if field.min_items == 1 else 'ies'))
        for index, item in enumerate(value):
            _check(item, field.item, '%s[%d]' % (path, index), errors, complete)
    elif kind == 'dict':
        _check_dict(value, field, path, errors, complete)
    elif kind == 'steps':
        _check_steps(value, field, path, errors, complete)
    else:  # pragma: no cover - a schema mistake
        raise ValueError('unknown kind %s' % kind)


def _check_dict(value, field, path, errors, complete, skip=()):
    if not isinstance(value, dict):
        errors.append('%s: %s is not a mapping' % (path or 'record', show(value)))
        return
    for key in sorted(value, key=str):
        if key not in field.fields:
            if SECRET_KEY.search(str(key)) and key not in SECRET_KEY_ALLOWED:
                errors.append('%s: the run record must not hold secrets' % _join(path, key))
            else:
                errors.append('%s: unknown field (known: %s)' % (_join(path, key), ', '.join(sorted(field.fields))))
    for key, sub in field.fields.items():
        if key in skip:
            continue
        if key in value and value[key] is not None:
            _check(value[key], sub, _join(path, key), errors, complete)
        elif sub.required and (complete or not path and key in ('schema_version', 'run_id')):
            errors.append('%s: missing' % _join(path, key))


def _check_steps(value, field, path, errors, complete):
    if not isinstance(value, dict):
        errors.append('%s: %s is not a mapping of step numbers' % (path, show(value)))
        return
    seen = set()
    for key in sorted(value, key=str):
        try:
            number = int(key)
        except (TypeError, ValueError):
            number = None
        if number not in _sop.STEP_NUMBERS or str(key) != str(number):
            errors.append('%s: %s is not a step of the SOP (1-9)' % (path, show(key)))
            continue
        seen.add(number)
        step_path = '%s.%d' % (path, number)
        step = value[key]
        _check(step, field.item, step_path, errors, complete)
        if isinstance(step, dict) and step.get('result') in ('ok', 'failed'):
            for end in ('started', 'ended'):
                if complete and step.get(end) is None:
                    errors.append('%s.%s: missing (the step was not skipped)' % (step_path, end))
            started, ended = parse_time(step.get('started')), parse_time(step.get('ended'))
            if started and ended and ended < started:
                errors.append('%s.ended: %s is before started %s' % (step_path, show(step['ended']), show(step['started'])))


def _duplicates(items, key, path, errors, what):
    seen = {}
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get(key), (str, int)):
            continue
        norm = item[key].lower() if isinstance(item[key], str) else item[key]
        if norm in seen:
            errors.append('%s[%d].%s: %s is the same %s as %s[%d]' % (path, index, key, show(item[key]), what, path, seen[norm]))
        else:
            seen[norm] = index


def _cross_checks(record, errors):
    """Facts that refer to each other: rooms, names, unique identities, the window."""
    def dicts(key):
        items = record.get(key)
        return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []

    rooms = {r.get('name') for r in dicts('rooms')}
    cameras = record.get('cameras') if isinstance(record.get('cameras'), list) else []
    workstations = record.get('workstations') if isinstance(record.get('workstations'), list) else []
    _duplicates(record.get('rooms') or [], 'name', 'rooms', errors, 'name')
    for key, what in (('name', 'name'), ('mac', 'MAC address'), ('address', 'address'), ('serial', 'serial number'),
                      ('asset_tag', 'asset tag'), ('hostname', 'host name')):
        _duplicates(cameras, key, 'cameras', errors, what)
    _duplicates(workstations, 'name', 'workstations', errors, 'name')
    for index, cam in enumerate(cameras):
        if isinstance(cam, dict) and isinstance(cam.get('room'), str) and cam['room'] not in rooms:
            errors.append('cameras[%d].room: %s is not one of rooms[].name' % (index, show(cam['room'])))
    for index, ws in enumerate(workstations):
        if isinstance(ws, dict) and isinstance(ws.get('rooms'), list):
            for j, room in enumerate(ws['rooms']):
                if isinstance(room, str) and room not in rooms:
                    errors.append('workstations[%d].rooms[%d]: %s is not one of rooms[].name' % (index, j, show(room)))
    camera_names = {c.get('name') for c in cameras if isinstance(c, dict)}
    ws_names = {w.get('name') for w in workstations if isinstance(w, dict)}
    for index, problem in enumerate(dicts('problems')):
        if isinstance(problem.get('camera'), str) and problem['camera'] not in camera_names:
            errors.append('problems[%d].camera: %s is not one of cameras[].name' % (index, show(problem['camera'])))
        if isinstance(problem.get('workstation'), str) and problem['workstation'] not in ws_names:
            errors.append('problems[%d].workstation: %s is not one of workstations[].name' % (index, show(problem['workstation'])))
    window = record.get('window') if isinstance(record.get('window'), dict) else {}
    start, end = parse_time(window.get('start')), parse_time(window.get('end'))
    if start and end and end < start:
        errors.append('window.end: %s is before window.start %s' % (show(window['end']), show(window['start'])))
    for index, review in enumerate(dicts('reviews')):
        if review.get('decision') == 'returned' and not (review.get('note') or '').strip():
            errors.append('reviews[%d].note: missing (a returned report needs a note)' % index)


def _check_subjects(record, errors, complete):
    """Cameras and workstations: one with a problem of its own may lack the facts of the steps it did not finish."""
    problems = record.get('problems') if isinstance(record.get('problems'), list) else []
    for key, subject in (('cameras', 'camera'), ('workstations', 'workstation')):
        field = SCHEMA.fields[key]
        items = record.get(key)
        if items is None:
            if complete and field.required:
                errors.append('%s: missing' % key)
            continue
        if not isinstance(items, list):
            errors.append('%s: %s is not a list' % (key, show(items)))
            continue
        if complete and len(items) < field.min_items:
            errors.append('%s: needs at least 1 entry' % key)
        failed = {p.get(subject) for p in problems if isinstance(p, dict)}
        for index, item in enumerate(items):
            lenient = isinstance(item, dict) and item.get('name') in failed
            _check(item, field.item, '%s[%d]' % (key, index), errors, complete and not lenient)


def validate(record, complete=True):
    """Return the list of errors of ``record`` (empty when valid).

    ``complete=False`` checks a record still being built by stages 1-5: every fact present
    must be well formed, but facts not yet known may be missing.
    """
    errors = []
    if not isinstance(record, dict):
        return ['record: %s is not a mapping' % show(record)]
    version = record.get('schema_version')
    if isinstance(version, int) and not isinstance(version, bool) and version != SCHEMA_VERSION:
        return ['schema_version: %s is not supported (this collection reads version %d)' % (show(version), SCHEMA_VERSION)]
    _check_dict(record, SCHEMA, '', errors, complete, skip=('cameras', 'workstations'))
    _check_subjects(record, errors, complete)
    _cross_checks(record, errors)
    return errors


def check_part(value, field, path, what):
    """Check one part (e.g. a new review against :data:`REVIEW`); raise :class:`RecordInvalid`."""
    errors = []
    _check(value, field, path, errors, True)
    if errors:
        raise RecordInvalid(errors, what=what)
    return value


def check(record, complete=True, what='run record'):
    """Raise :class:`RecordInvalid` naming every wrong fact, or return the record."""
    errors = validate(record, complete=complete)
    if errors:
        raise RecordInvalid(errors, what=what)
    return record


# --------------------------------------------------------------------------------------------
# Facts and their hash.


def canonical_json(value):
    """The canonical bytes of ``value``: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(',', ':'), ensure_ascii=False).encode('utf-8')


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def snapshot_path(camera, base_dir):
    path = camera.get('snapshot')
    if not path:
        return None
    return path if os.path.isabs(path) else os.path.join(base_dir or '.', path)


def facts(record, base_dir=None):
    """The report's facts: the record less reviews, agenda and steps 7-9, plus snapshot digests."""
    result = {k: copy.deepcopy(v) for k, v in record.items() if k not in ('reviews', 'agenda')}
    result['steps'] = {str(k): v for k, v in (record.get('steps') or {}).items()
                       if str(k) not in [str(n) for n in _sop.POST_REPORT_STEPS]}
    digests = {}
    for cam in record.get('cameras') or []:
        data = _files.read_bytes(snapshot_path(cam, base_dir)) if cam.get('snapshot') else None
        digests[cam['name']] = sha256(data) if data is not None else None
    result['snapshot_sha256'] = digests
    result.setdefault('problems', [])
    return result


def facts_hash(the_facts):
    return sha256(canonical_json(the_facts))


# --------------------------------------------------------------------------------------------
# What stands between the record and a complete installation.


def open_problems(record):
    """The installation's unresolved problems, each ``{step, subject, code, text}``, in a stable order.

    ``code`` is ``record`` (a problem written by a stage, not resolved since), ``step_failed``
    and ``step_not_completed`` (a step 1-5 that did not close ``ok``), or ``factory_credentials``
    (a camera whose factory password is not proven removed). An installation is complete only
    when this list is empty; ``sop_review`` and ``sop_agenda`` hold to it.
    """
    found = []
    recorded = set()
    for problem in record.get('problems') or []:
        if problem.get('resolved'):
            continue
        subject = problem.get('camera') or problem.get('workstation') or ''
        recorded.add((subject, problem['text']))
        found.append({'step': problem['step'], 'subject': subject, 'code': 'record', 'text': problem['text']})
    steps = {str(k): v for k, v in (record.get('steps') or {}).items()}
    for number in REQUIRED_STEPS:
        result = (steps.get(str(number)) or {}).get('result')
        if result == 'failed':
            found.append({'step': number, 'subject': '', 'code': 'step_failed', 'text': 'step %d failed' % number})
        elif result not in ('ok', 'skipped'):
            found.append({'step': number, 'subject': '', 'code': 'step_not_completed',
                          'text': 'step %d was not completed' % number})
    for camera in record.get('cameras') or []:
        if (camera.get('hardening') or {}).get('factory_password_removed') is not True \
                and (camera.get('name'), FACTORY_CREDENTIALS_TEXT) not in recorded:
            found.append({'step': 3, 'subject': camera.get('name'), 'code': 'factory_credentials',
                          'text': FACTORY_CREDENTIALS_TEXT})
    return found


def problem_line(problem):
    """One problem as a reviewer accepts it: ``step N, subject: text``."""
    subject = (', %s' % problem['subject']) if problem.get('subject') else ''
    return 'step %d%s: %s' % (problem['step'], subject, problem['text'])


def core(record):
    """The facts a stage writes: the record less reviews, agenda and steps 7-9."""
    result = {k: v for k, v in record.items() if k not in ('reviews', 'agenda', 'steps')}
    result['steps'] = {str(k): v for k, v in (record.get('steps') or {}).items()
                       if str(k) not in [str(n) for n in _sop.POST_REPORT_STEPS]}
    return result


def check_not_final(before, after, path='the run record'):
    """Raise :class:`RecordFinal` when ``after`` changes the facts of a reviewed ``before``."""
    if not before or not before.get('reviews'):
        return
    if core(before) != core(after):
        changed = sorted(k for k in set(core(before)) | set(core(after)) if core(before).get(k) != core(after).get(k))
        raise RecordFinal(
            '%s (run %s) has been reviewed (%d decision(s)): its facts are final and this run would change %s. '
            'Nothing was written. To install again, start a new run (a new cctv_run_id and record path); '
            'to correct the report, the reviewers return it and a new run is made.'
            % (path, before.get('run_id'), len(before['reviews']), ', '.join(changed)))


# --------------------------------------------------------------------------------------------
# Reviews (steps 7 and 8).

ROLE_NAMES = {role: _sop.EXECUTORS[role]['abbr'] for role in _sop.ROLES}


def review_state(record, current_hash):
    """Each review with its standing, the chain status and the reviews that count.

    A review ``counts`` when it is bound to ``current_hash`` and is the latest decision of its
    role on that hash; ``state`` is ``valid``, ``superseded`` (a later decision of the same role
    on the same hash) or ``void`` (bound to facts that have changed since).
    """
    reviews = [dict(r) for r in record.get('reviews') or []]
    latest = {}
    for index, review in enumerate(reviews):
        if review.get('report_hash') == current_hash:
            latest[review.get('role')] = index
    for index, review in enumerate(reviews):
        if review.get('report_hash') != current_hash:
            review['state'] = 'void'
        elif latest.get(review.get('role')) == index:
            review['state'] = 'valid'
        else:
            review['state'] = 'superseded'
        review['counts'] = review['state'] == 'valid'
    sub = reviews[latest[_sop.ROLE_SUB_KOORDINATOR]] if _sop.ROLE_SUB_KOORDINATOR in latest else None
    kabid = reviews[latest[_sop.ROLE_KEPALA_BIDANG]] if _sop.ROLE_KEPALA_BIDANG in latest else None
    if sub is None:
        status = 'awaiting_sub_koordinator'
    elif sub['decision'] == 'returned':
        status = 'returned_by_sub_koordinator'
    elif kabid is None:
        status = 'awaiting_kepala_bidang'
    elif kabid['decision'] == 'returned':
        status = 'returned_by_kepala_bidang'
    else:
        status = 'accepted'
    current = {role: r for role, r in ((_sop.ROLE_SUB_KOORDINATOR, sub), (_sop.ROLE_KEPALA_BIDANG, kabid)) if r}
    return {'status': status, 'reviews': reviews, 'current': current}


def plan_review(record, current_hash, review):
    """Decide what recording ``review`` does: return True (append) or False (already recorded).

    Raise :class:`ReviewRefused` when the chain of acceptance does not allow it. ``review``
    holds role, name, nip, decision, note, at and report_hash.
    """
    role, nip = review['role'], review['nip']
    who = '%s %s (NIP %s)' % (ROLE_NAMES[role], review['name'], nip)
    if review['report_hash'] != current_hash:
        raise ReviewRefused(
            '%s reviewed the report with facts hash %s, but the current facts hash is %s: the facts changed '
            'after that report was rendered; render the report again and review the new one'
            % (who, review['report_hash'], current_hash))
    if review['decision'] == 'returned' and not (review.get('note') or '').strip():
        raise ReviewRefused('%s returns the report without a note: say what must be corrected' % who)
    operator = record.get('operator') or {}
    if nip == operator.get('nip'):
        raise ReviewRefused('%s wrote the report as APK and cannot also accept it' % who)
    state = review_state(record, current_hash)
    for other in state['reviews']:
        if other['state'] != 'void' and other.get('nip') == nip and other.get('role') != role:
            raise ReviewRefused('%s already holds the place of %s for this report; one person cannot hold two places'
                                % (who, ROLE_NAMES[other['role']]))
    mine = state['current'].get(role)
    if mine and mine['nip'] == nip and mine['decision'] == review['decision']:
        return False
    if mine and mine['decision'] == 'accepted':
        raise ReviewRefused('%s: the report with facts hash %s was already accepted by %s (NIP %s) on %s; '
                            'an acceptance is final for that report'
                            % (who, current_hash, mine['name'], mine['nip'], mine['at']))
    if role == _sop.ROLE_KEPALA_BIDANG:
        sub = state['current'].get(_sop.ROLE_SUB_KOORDINATOR)
        if not sub or sub['decision'] != 'accepted':
            raise ReviewRefused('%s cannot decide before the Sub Koord has accepted the report with facts hash %s (step 7 before step 8)'
                                % (who, current_hash))
    return True


# --------------------------------------------------------------------------------------------
# Reading and writing the file.


def now_iso():
    """Local time now, with offset, to the second (``DUKCAPIL_CCTV_NOW`` fixes the clock for tests: see ``_tz``)."""
    return _tz.now('UTC').astimezone().replace(microsecond=0).isoformat()


def loads(text, what='run record'):
    try:
        record = json.loads(text)
    except ValueError as exc:
        raise RecordError('%s is not JSON: %s' % (what, exc)) from exc
    if not isinstance(record, dict):
        raise RecordError('%s is not a JSON object' % what)
    return record


def load(path):
    """Read the record at ``path``."""
    data = _files.read_bytes(path)
    if data is None:
        raise RecordNotFound('run record %s does not exist' % path)
    try:
        text = data.decode('utf-8')
    except UnicodeDecodeError as exc:
        raise RecordError('run record %s is not UTF-8: %s' % (path, exc)) from exc
    return loads(text, what='run record %s' % path)


def dumps(record):
    """The record's file form: sorted keys, indented, UTF-8, a final newline."""
    return json.dumps(record, sort_keys=True, indent=2, ensure_ascii=False) + '\n'


def save(module, path, record, mode=None):
    """Write ``record`` to ``path`` atomically; True when the file changed."""
    return _files.write_file(module, path, dumps(record), mode=mode)


@contextlib.contextmanager
def locked(path, enabled=True):
    """Hold an exclusive lock on ``<path>.lock`` so read-modify-write cycles do not interleave."""
    if not enabled or fcntl is None:
        yield
        return
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    with open(os.path.abspath(path) + '.lock', 'a') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def update(module, path, mutate, create=None, complete=False, mode=None):
    """Read the record at ``path``, apply ``mutate(record)``, validate, write atomically.

    ``mutate`` changes the record in place (or returns a new one). ``create()`` gives the
    record when the file does not exist yet (else :class:`RecordNotFound`). The lock is held
    from the read to the write; in check mode nothing is written or locked. Returns
    ``(changed, before, after)``.
    """
    with locked(path, enabled=not module.check_mode):
        try:
            before = load(path)
        except RecordNotFound:
            if create is None:
                raise
            before = None
        after = copy.deepcopy(before) if before is not None else create()
        result = mutate(after)
        if result is not None:
            after = result
        check(after, complete=complete)
        if after == before:
            return False, before, after
        changed = save(module, path, after, mode=mode)
        return changed, before, after


# --------------------------------------------------------------------------------------------
# Small builders for stages 1-5.


def new(run_id, site, operator, window=None):
    """A fresh record: identity, office and operator; the rest comes with the stages."""
    record = {'schema_version': SCHEMA_VERSION, 'run_id': run_id, 'site': dict(site), 'operator': dict(operator),
              'steps': {}, 'rooms': [], 'cameras': [], 'workstations': [], 'problems': [], 'reviews': []}
    if window:
        record['window'] = dict(window)
    return record


def set_step(record, number, result, started=None, ended=None, notes=None, executor=None):
    """Record step ``number``'s outcome (replacing an earlier record of it)."""
    entry = {'result': result}
    for key, value in (('started', started), ('ended', ended), ('notes', notes), ('executor', executor)):
        if value is not None:
            entry[key] = value
    record.setdefault('steps', {})[str(int(number))] = entry
    return record


def _upsert(items, item, key='name'):
    for index, existing in enumerate(items):
        if existing.get(key) == item.get(key):
            merged = dict(existing)
            merged.update(item)
            items[index] = merged
            return items
    items.append(dict(item))
    return items


def upsert_room(record, room):
    _upsert(record.setdefault('rooms', []), room)
    return record


def upsert_camera(record, camera):
    """Add a camera or merge new facts into the camera of the same name."""
    _upsert(record.setdefault('cameras', []), camera)
    return record


def upsert_workstation(record, workstation):
    _upsert(record.setdefault('workstations', []), workstation)
    return record


def add_problem(record, step_number, text, camera=None, workstation=None):
    """Add a problem once (the same step, subject and text are not repeated while it is open)."""
    problem = {'step': int(step_number), 'text': text}
    if camera:
        problem['camera'] = camera
    if workstation:
        problem['workstation'] = workstation
    problems = record.setdefault('problems', [])
    if problem not in problems:
        problems.append(problem)
    return record


def close_step(record, number, planned, finished, when):
    """Derive step ``number``'s result from what happened on every planned subject.

    A planned camera or workstation that did not finish and has no open problem of this step
    gets one (:data:`NOT_FINISHED_TEXT`); the open problems of this step of a subject that did
    finish are resolved at ``when`` (a later run fixed them), and so is the factory-credentials
    problem of a camera whose hardening is now proven. The result is ``ok`` only when every
    planned subject finished and no problem of this step is open; else ``failed``.
    """
    cameras = {c.get('name'): c for c in record.get('cameras') or []}
    workstations = {w.get('name') for w in record.get('workstations') or []}
    finished = set(finished)
    problems = record.setdefault('problems', [])

    def subject(problem):
        return problem.get('camera') or problem.get('workstation')

    for name in finished & set(planned):
        hardened = (cameras.get(name, {}).get('hardening') or {}).get('factory_password_removed') is True
        for problem in problems:
            if subject(problem) != name or problem.get('resolved'):
                continue
            if problem['step'] == number or (hardened and problem['text'] == FACTORY_CREDENTIALS_TEXT):
                problem['resolved'] = when
    for name in planned:
        if name in finished:
            continue
        if any(subject(p) == name and p['step'] == number and not p.get('resolved') for p in problems):
            continue
        if name in cameras:
            add_problem(record, number, NOT_FINISHED_TEXT % number, camera=name)
        elif name in workstations:
            add_problem(record, number, NOT_FINISHED_TEXT % number, workstation=name)
        else:
            add_problem(record, number, '%s %s' % (name, NOT_FINISHED_TEXT % number))
    open_here = [p for p in problems if p['step'] == number and not p.get('resolved')]
    return 'failed' if open_here or not set(planned) <= finished else 'ok'


# --------------------------------------------------------------------------------------------
# Documentation of the schema.

KIND_NAMES = {
    'str': 'string', 'text': 'string (may be empty)', 'path': 'file path', 'int': 'integer', 'bool': 'boolean',
    'nip': 'NIP (18 digits)', 'datetime': 'ISO 8601 time with offset', 'date': 'date YYYY-MM-DD', 'mac': 'MAC address',
    'ip': 'IP address', 'hostname': 'host name', 'host': 'host name or IP address', 'sha256': 'SHA-256 hex',
    'run_id': 'run id', 'code': 'office code', 'step_number': 'step number 1-9', 'uri': 'URI without credentials',
    'dict': 'mapping', 'list': 'list', 'steps': 'mapping "1".."9"', 'choice': 'one of',
}


def _rows(field, path, rows):
    for key, sub in field.fields.items():
        sub_path = _join(path, key)
        kind = KIND_NAMES[sub.kind]
        if sub.kind == 'choice':
            kind = 'one of: ' + ', '.join('`%s`' % c for c in sub.choices)
        elif sub.kind == 'list' and sub.item.kind not in ('dict',):
            kind = 'list, each a %s' % KIND_NAMES[sub.item.kind]
        elif sub.kind == 'list':
            kind = 'list of mappings'
        doc = sub.doc + ('; e.g. `%s`' % sub.example if sub.example else '')
        rows.append('| `%s` | %s | %s | %s |' % (sub_path, kind, 'yes' if sub.required else 'no', doc))
        if sub.kind == 'dict':
            _rows(sub, sub_path, rows)
        elif sub.kind == 'list' and sub.item.kind == 'dict':
            _rows(sub.item, sub_path + '[]', rows)
        elif sub.kind == 'steps':
            _rows(sub.item, sub_path + '.<n>', rows)


def schema_markdown():
    """The schema as a markdown table (``docs/run-record.md`` embeds it; a test keeps them equal)."""
    rows = ['| path | type | required | meaning |', '| --- | --- | --- | --- |']
    _rows(SCHEMA, '', rows)
    return '\n'.join(rows) + '\n'
