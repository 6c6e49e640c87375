# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The installation report of step 6: facts -> one view -> HTML, PDF and JSON.

:func:`build` validates the run record, computes the facts and their hash, checks every
snapshot and turns everything into a *view*: language-specific strings, tables and images,
taken from ``_report_i18n`` (words) and ``_sop`` (the SOP's facts). :func:`render_html`
and :func:`render_json` (here) and ``_report_pdf.render_pdf`` each draw that same view, so
the three files say the same thing. Nothing depends on the time of rendering: the same
record gives the same bytes.

The HTML templates below are ``string.Template`` strings; every word in them comes from
the label table, the rendering code only fills and escapes.
"""

from __future__ import annotations

import base64
import datetime
import html
import io
import json
import os
import re
from string import Template

try:
    from PIL import Image
    HAS_PIL = True
except ImportError:  # Pillow is optional here: without it snapshots are embedded as they are
    Image = None
    HAS_PIL = False

from ansible_collections.dukcapil.cctv.plugins.module_utils import _files
from ansible_collections.dukcapil.cctv.plugins.module_utils import _report_i18n
from ansible_collections.dukcapil.cctv.plugins.module_utils import _run_record as rr
from ansible_collections.dukcapil.cctv.plugins.module_utils import _sop
from ansible_collections.dukcapil.cctv.plugins.module_utils import _tz

FORMATS = ('html', 'pdf', 'json')
JSON_FORMAT = 'dukcapil.cctv.report'
JSON_FORMAT_VERSION = 1
#: The thumbnail embedded in the report (about 50 mm wide on the page, 4:3); the full frame stays in the
#: evidence folder and its SHA-256 is in the JSON.
THUMBNAIL_SIZE = (640, 480)
JPEG_MAGIC = b'\xff\xd8\xff'
PNG_MAGIC = b'\x89PNG\r\n\x1a\n'


class ReportError(Exception):
    """The report cannot be made (the record is broken, a file cannot be read)."""


# --------------------------------------------------------------------------------------------
# Formatting of dates, times and durations (words from the label table).


def _local(value, labels):
    """An ISO 8601 time (or aware datetime) in the office's zone (``labels['zone']``); None if it is none."""
    moment = _tz.parse(value) if value else None
    if moment is None:
        return None
    return moment.astimezone(labels.get('zone') or _tz.zone(None))


def fmt_date(value, labels):
    """``2026-03-10`` (or a time, shown in the office's zone) as ``10 Maret 2026`` / ``10 March 2026``."""
    if isinstance(value, (str, datetime.datetime)):
        moment = _local(value, labels)
        value = moment if moment is not None else datetime.date.fromisoformat(value)
    return labels['date_format'].format(day=value.day, month=labels['months'][value.month - 1], year=value.year)


def _zone(moment, labels):
    offset = moment.utcoffset()
    minutes = int(offset.total_seconds() // 60)
    sign = '+' if minutes >= 0 else '-'
    text = '%s%02d:%02d' % (sign, abs(minutes) // 60, abs(minutes) % 60)
    return labels['zones'].get(text) or _tz.abbreviation(moment)


def fmt_time(text, labels):
    """An ISO 8601 time, in the office's zone, as ``10 Maret 2026 pukul 08.00 WIB``; empty for None."""
    moment = _local(text, labels)
    if moment is None:
        return ''
    return labels['time_format'].format(date=fmt_date(moment, labels), hour=moment.hour, minute=moment.minute,
                                        zone=_zone(moment, labels))


def fmt_short_time(text, labels):
    moment = _local(text, labels)
    if moment is None:
        return ''
    return labels['short_time_format'].format(day=moment.day, month=moment.month, year=moment.year,
                                              hour=moment.hour, minute=moment.minute)


def fmt_duration(minutes, labels):
    """120 -> ``2 jam``; 95 -> ``1 jam 35 menit``; None -> ``-``."""
    if minutes is None:
        return labels['dash']
    if minutes < 1:
        return labels['under_a_minute']
    hours, rest = divmod(int(round(minutes)), 60)
    parts = []
    if hours:
        parts.append('%d %s' % (hours, labels['hours']))
    if rest:
        parts.append('%d %s' % (rest, labels['minutes']))
    return ' '.join(parts)


def minutes_between(started, ended):
    a, b = rr.parse_time(started) if started else None, rr.parse_time(ended) if ended else None
    if a is None or b is None:
        return None
    return round((b - a).total_seconds() / 60.0, 1)


# --------------------------------------------------------------------------------------------
# Snapshots.


def inspect_snapshot(camera, base_dir):
    """Check a camera's snapshot: ``status`` ok / missing_field / not_found / not_image / corrupt.

    A valid image comes back with a JPEG thumbnail (``thumbnail``, bytes) to embed; anything
    else is reported, never embedded.
    """
    result = {'status': 'ok', 'path': camera.get('snapshot'), 'mime': None, 'thumbnail': None, 'sha256': None}
    if not camera.get('snapshot'):
        result['status'] = 'missing_field'
        return result
    data = _files.read_bytes(rr.snapshot_path(camera, base_dir))
    if data is None:
        result['status'] = 'not_found'
        return result
    result['sha256'] = rr.sha256(data)
    if data.startswith(JPEG_MAGIC):
        result['mime'] = 'image/jpeg'
    elif data.startswith(PNG_MAGIC):
        result['mime'] = 'image/png'
    else:
        result['status'] = 'not_image'
        return result
    thumbnail = _thumbnail(data, result['mime'])
    if thumbnail is None:
        result['status'] = 'corrupt'
        result['mime'] = None
        return result
    result['thumbnail'] = thumbnail
    return result


def _thumbnail(data, mime):
    """A small JPEG of the image, or None when the image is damaged."""
    if not HAS_PIL:
        if mime == 'image/jpeg':
            return data if data.rstrip(b'\x00').endswith(b'\xff\xd9') else None
        return data if b'IEND' in data[-16:] else None
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            if image.format not in ('JPEG', 'PNG'):
                return None
            if image.mode != 'RGB':
                background = Image.new('RGB', image.size, (255, 255, 255))
                rgba = image.convert('RGBA')
                background.paste(rgba, mask=rgba.getchannel('A'))
                image = background
            image.thumbnail(THUMBNAIL_SIZE)
            out = io.BytesIO()
            image.save(out, format='JPEG', quality=85)
            return out.getvalue()
    except Exception:  # pylint: disable=broad-except
        # Pillow raises many kinds of exception for a damaged file; each means "not embeddable".
        return None


# --------------------------------------------------------------------------------------------
# The view.


def _step_rows(record, state, facts_hash, labels, language):
    """The nine-step table: SOP standard beside the record's actual time and status."""
    steps = {str(k): v for k, v in (record.get('steps') or {}).items()}
    current = state['current']
    sub = current.get(_sop.ROLE_SUB_KOORDINATOR)
    kabid = current.get(_sop.ROLE_KEPALA_BIDANG)
    agenda = record.get('agenda') if (record.get('agenda') or {}).get('report_hash') == facts_hash else None
    handed_over = (steps.get('6') or {}).get('ended')
    derived = {
        7: (sub, handed_over), 8: (kabid, sub['at'] if sub else None),
    }
    rows, table = [], []
    total_std, total_actual = 0, {'attested': 0.0, 'measured': 0.0}
    for sop_step in _sop.STEPS:
        number = sop_step['number']
        rec = steps.get(str(number))
        notes = []
        derived_from = None
        timing = 'measured'
        if rec is not None:
            status, started, ended = rec.get('result') or 'not_completed', rec.get('started'), rec.get('ended')
            timing = rec.get('timing') or 'measured'
            executor = rec.get('executor') or sop_step['executor']
            if rec.get('notes'):
                notes.append(rec['notes'])
        else:
            executor = sop_step['executor']
            status, started, ended = 'pending', None, None
            if number in derived and derived[number][0]:
                review, started = derived[number]
                status, ended = review['decision'], review['at']
                derived_from = 'review'
                notes.append(labels['step_derived_review'].format(role=_sop.EXECUTORS[review['role']]['abbr']))
                if review.get('note'):
                    notes.append(review['note'])
            elif number == _sop.AGENDA_STEP and agenda:
                status, started, ended = 'ok', kabid['at'] if kabid else None, agenda.get('recorded_at')
                derived_from = 'agenda'
                notes.append(labels['step_derived_agenda'].format(number=agenda['number']))
        actual = minutes_between(started, ended)
        if sop_step['minutes'] is not None and actual is not None and actual > sop_step['minutes']:
            notes.append(labels['over_standard'])
        total_std += sop_step['minutes'] or 0
        total_actual[timing] += actual or 0
        shown = fmt_duration(actual, labels)
        if actual is not None:
            shown = labels['timing_shown'].format(duration=shown, timing=labels['timing_' + timing])
        rows.append([str(number), sop_step['name'][language], _sop.EXECUTORS[executor]['abbr'],
                     sop_step['requirement'][language], fmt_duration(sop_step['minutes'], labels),
                     shown, sop_step['output'][language], labels['status_' + status],
                     '; '.join(notes)])
        table.append({'number': number, 'executor': executor, 'standard_minutes': sop_step['minutes'],
                      'actual_minutes': actual, 'started': started, 'ended': ended, 'status': status,
                      'timing': timing if actual is not None else None, 'derived_from': derived_from})
    parts = [labels['timing_total'].format(duration=fmt_duration(total_actual[kind], labels), timing=labels['timing_' + kind])
             for kind in ('attested', 'measured') if total_actual[kind]]
    total = ['', labels['total'], '', '', fmt_duration(total_std, labels), ' + '.join(parts) or labels['dash'], '', '', '']
    return rows, total, table


class _Facts(dict):
    """A camera's facts; one the record does not hold (a camera that failed) prints as a dash."""

    def __missing__(self, key):
        return '-'


def _natural(text):
    """Sort key that orders ``.../2026/010`` after ``.../2026/009`` whatever the padding."""
    return [int(part) if part.isdigit() else part for part in re.split(r'(\d+)', text or '')]


def camera_order(cameras):
    """The cameras ordered by room, then asset number, then name."""
    return sorted(cameras, key=lambda c: (_natural(c.get('room')), not c.get('asset_tag'), _natural(c.get('asset_tag')),
                                          _natural(c.get('name'))))


def device_name(manufacturer, model):
    """Maker and model, the maker once (``AXIS`` + ``AXIS Q6045-E`` -> ``AXIS Q6045-E``)."""
    manufacturer, model = (manufacturer or '').strip(), (model or '').strip()
    if manufacturer and model.lower().startswith(manufacturer.lower()):
        return model
    return ' '.join(p for p in (manufacturer, model) if p) or '-'


def _camera_rows(record, snapshots, labels):
    """One block per camera: ``facts`` as (label, value, token) lines, where a token (asset number, serial,
    MAC, address, URI) is never broken across lines; the thumbnail beside them."""
    rows = []
    for index, raw in enumerate(camera_order(record['cameras']), 1):
        cam = _Facts(raw)
        hard = raw.get('hardening') or {}
        mount = _Facts(raw.get('mount') or {})
        accounts = ', '.join('%s (%s)' % (a['username'], a['level']) for a in hard.get('accounts') or []) or labels['none']
        removed = hard.get('factory_password_removed')
        snap = snapshots[cam['name']]
        snap_text = '' if snap['status'] == 'ok' else labels['snapshot_' + snap['status']].format(path=snap['path'])
        facts = [
            (labels['col_camera'], cam['name'], True),
            (labels['asset_tag'], cam['asset_tag'], True),
            (labels['rooms'], cam['room'], False),
            (labels['position'], cam['position'], False),
            (labels['mounted_by'], labels['mounted'].format(by=mount['by'], at=fmt_time(mount.get('at'), labels) or '-'), False),
            (labels['col_device'], device_name(raw.get('manufacturer'), raw.get('model')), False),
            (labels['serial'], cam['serial'], True),
            (labels['firmware'], cam['firmware'], False),
            (labels['mac'], cam['mac'], True),
            (labels['factory_address'], cam['factory_address'], True),
            (labels['address'], cam['address'], True),
            (labels['hostname'], cam['hostname'], True),
            (labels['ntp'], ', '.join(raw.get('ntp_servers') or []) or labels['none'], False),
            (labels['stream'], cam['stream_uri'], True),
            (labels['factory_password_removed'], labels['yes'] if removed is True else labels['no'], False),
            (labels['accounts'], accounts, False),
        ]
        rows.append({
            'number': str(index),
            'name': cam['name'],
            'facts': facts,
            'thumbnail': snap['thumbnail'],
            'snapshot_text': snap_text,
            'alt': cam['name'],
        })
    return rows


SNAPSHOT_TEXTS = {'missing_field': 'no snapshot', 'not_found': 'snapshot file not found: {path}',
                  'not_image': 'snapshot file is not a JPEG/PNG image: {path}', 'corrupt': 'snapshot JPEG/PNG file is damaged: {path}'}


def problem_list(record, base_dir=None, snapshots=None):
    """Every unresolved problem of the installation, language-neutral: ``{step, subject, code, text}``.

    :func:`_run_record.open_problems` plus the snapshots the report cannot show. The list is empty
    only for a complete installation; ``sop_review`` and ``sop_agenda`` read it.
    """
    if snapshots is None:
        snapshots = {cam['name']: inspect_snapshot(cam, base_dir) for cam in record.get('cameras') or []}
    found = rr.open_problems(record)
    for cam in record.get('cameras') or []:
        snap = snapshots[cam['name']]
        if snap['status'] != 'ok':
            found.append({'step': 5, 'subject': cam['name'], 'code': 'snapshot_' + snap['status'],
                          'text': SNAPSHOT_TEXTS[snap['status']].format(path=snap['path'])})
    return found


def _problems(record, snapshots, labels, language):
    """The report's problem table: the record's problems (resolved ones marked) and what the report found."""
    problems = []
    for problem in record.get('problems') or []:
        problems.append({'step': problem['step'], 'subject': problem.get('camera') or problem.get('workstation') or '',
                         'text': problem['text'], 'source': 'record', 'resolved': problem.get('resolved')})
    for found in problem_list(record, snapshots=snapshots):
        if found['code'] == 'record':
            continue
        if found['code'] == 'factory_credentials':
            text = labels['factory_password_kept']
        elif found['code'] in ('step_failed', 'step_not_completed'):
            text = labels['step_result_failed' if found['code'] == 'step_failed' else 'step_not_completed'].format(step=found['step'])
        else:
            text = labels[found['code']].format(path=snapshots[found['subject']]['path'])
        problems.append({'step': found['step'], 'subject': found['subject'], 'text': text, 'source': 'report',
                         'resolved': None})
    rows = [[str(i), '%d. %s' % (p['step'], _sop.step(p['step'])['name'][language]), p['subject'],
             p['text'] + (' ' + labels['problem_resolved'].format(time=fmt_time(p['resolved'], labels)) if p['resolved'] else '')]
            for i, p in enumerate(problems, 1)]
    return problems, rows


def _review_rows(state, labels):
    rows = []
    for index, review in enumerate(state['reviews'], 1):
        rows.append([str(index), _sop.EXECUTORS[review['role']]['abbr'],
                     '%s\n%s %s' % (review['name'], labels['nip_prefix'], review['nip']),
                     fmt_time(review['at'], labels), labels['status_' + review['decision']],
                     '; '.join(t for t in (review.get('note') or '', labels['accepted_with_problems'].format(
                         count=len(review['accepted_problems'])) if review.get('accepted_problems') else '') if t),
                     review['report_hash'][:16] + '\u2026', labels['standing_' + review['state']]])
    return rows


def _signatures(record, state, signatories, labels, office):
    """APK from the record (or the option), Sub Koord and Kabid from their reviews (or the option)."""
    given = signatories or {}
    blocks = []
    captions = {_sop.ROLE_APK: 'sig_made', _sop.ROLE_SUB_KOORDINATOR: 'sig_checked', _sop.ROLE_KEPALA_BIDANG: 'sig_approved'}
    for role in _sop.ROLES:
        person = dict(given.get(role) or {})
        if person.get('nip') and not rr.is_nip(person['nip']):
            raise ReportError('signatories.%s.nip: %s is not a NIP (18 digits)' % (role, rr.show(person['nip'])))
        stamp = ''
        if role == _sop.ROLE_APK and not person.get('name'):
            person = {'name': record['operator']['name'], 'nip': record['operator']['nip']}
        review = state['current'].get(role)
        if review:
            person = {'name': review['name'], 'nip': review['nip']}
            key = 'sig_accepted' if review['decision'] == 'accepted' else 'sig_returned'
            stamp = labels[key].format(time=fmt_time(review['at'], labels))
        blocks.append({
            'role': role,
            'caption': labels[captions[role]],
            'title': labels['sig_title_' + role].format(division=office['division'], sub_unit=office['sub_unit']),
            'name': person.get('name') or labels['sig_blank_name'],
            'nip': ('%s %s' % (labels['nip_prefix'], person['nip'])) if person.get('nip') else labels['sig_blank_nip'],
            'signed': bool(person.get('name')),
            'stamp': stamp,
            'person': {'name': person.get('name'), 'nip': person.get('nip')},
        })
    return blocks


def report_time(record):
    """The report's own time: end of step 6, else end of the installation window."""
    return (record.get('steps', {}).get('6') or {}).get('ended') or record['window']['end']


def _letterhead(letterhead, labels):
    head = _sop.letterhead(letterhead)
    contact = head['address']
    if head.get('phone'):
        contact += ' %s %s' % (labels['phone'], head['phone'])
    if head.get('fax'):
        contact += ' %s %s' % (labels['fax'], head['fax'])
    logo = None
    if head.get('logo'):
        data = _files.read_bytes(head['logo'])
        if data is None or not (data.startswith(JPEG_MAGIC) or data.startswith(PNG_MAGIC)):
            raise ReportError('letterhead logo %s is not a readable JPEG or PNG file' % head['logo'])
        logo = {'data': data, 'mime': 'image/jpeg' if data.startswith(JPEG_MAGIC) else 'image/png'}
    city_line = ' '.join(p for p in (head.get('city', '').upper(), head.get('postal_code') or '') if p)
    return {'government': head['government'], 'office': head['office'], 'contact': contact,
            'city_line': city_line, 'city': head.get('city') or '', 'logo': logo}


def build(record, base_dir=None, language='id', letterhead=None, signatories=None, timezone=None, office=None):
    """Validate ``record`` and return the report's view (see the module docstring).

    ``timezone`` is the office's zone (default ``Asia/Jakarta``): every time is shown in it. ``office``
    holds the office's own values (:func:`_sop.office`): the SOP's approver, the division and sub-unit.
    """
    if language not in _report_i18n.LANGUAGES:
        raise ReportError('language %s is not one of %s' % (language, ', '.join(_report_i18n.LANGUAGES)))
    try:
        zone = _tz.zone(timezone)
    except _tz.TimezoneError as exc:
        raise ReportError(str(exc)) from exc
    office = _sop.office(office)
    approver = office['approver']
    if not rr.is_nip(approver['nip']):
        raise ReportError('office.approver.nip: %s is not a NIP (18 digits)' % rr.show(approver['nip']))
    rr.check(record, complete=True)
    labels = dict(_report_i18n.labels(language), zone=zone)
    the_facts = rr.facts(record, base_dir)
    digest = rr.facts_hash(the_facts)
    state = rr.review_state(record, digest)
    snapshots = {cam['name']: inspect_snapshot(cam, base_dir) for cam in record['cameras']}
    step_rows, step_total, step_table = _step_rows(record, state, digest, labels, language)
    problems, problem_rows = _problems(record, snapshots, labels, language)
    unresolved = problem_list(record, snapshots=snapshots)
    signatures = _signatures(record, state, signatories, labels, office)
    agenda = record.get('agenda') if (record.get('agenda') or {}).get('report_hash') == digest else None
    site = record['site']
    sop = _sop.SOP
    view = {
        'language': language,
        'labels': labels,
        'facts_hash': digest,
        'run_id': record['run_id'],
        'letterhead': _letterhead(letterhead, labels),
        'title': labels['doc_title'],
        'number': '%s: %s' % (labels['report_number'], agenda['number'] if agenda else
                              '%s %s' % (record['run_id'], labels['agenda_pending'])),
        'intro': labels['intro'].format(site=site['name'], sop_number=sop['number'], sop_name=sop['name'][language]),
        'sop_rows': [
            (labels['sop_number'], sop['number']),
            (labels['sop_created'], fmt_date(sop['created'], labels)),
            (labels['sop_revised'], fmt_date(sop['revised'], labels)),
            (labels['sop_effective'], fmt_date(sop['effective'], labels)),
            (labels['sop_approved_by'],
             '%s\n%s\n%s %s' % (approver['title'][language], approver['name'], labels['nip_prefix'], approver['nip'])),
            (labels['sop_name'], sop['name'][language]),
            (labels['sop_legal_basis'], '\n'.join(sop['legal_basis'][language])),
        ],
        'run_rows': [
            (labels['run_id'], record['run_id']),
            (labels['office'], '%s (%s)%s' % (site['name'], site['code'], '\n' + site['address'] if site.get('address') else '')),
            (labels['operator'], '%s\n%s %s\n%s: %s' % (record['operator']['name'], labels['nip_prefix'], record['operator']['nip'],
                                                        labels['certificate'], record['operator']['certificate'])),
            (labels['window'], labels['window_range'].format(start=fmt_time(record['window']['start'], labels),
                                                             end=fmt_time(record['window']['end'], labels))),
            (labels['rooms'], '\n'.join(r['name'] + (' - ' + r['description'] if r.get('description') else '')
                                        for r in record['rooms'])),
            (labels['camera_count'], str(len(record['cameras']))),
            (labels['installation_status'], labels['installation_incomplete'].format(count=len(unresolved)) if unresolved
             else labels['installation_complete']),
            (labels['workstation_count'], str(len(record['workstations']))),
        ],
        'steps': {
            'headers': [labels[k] for k in ('col_no', 'col_activity', 'col_executor', 'col_requirement', 'col_std_time',
                                            'col_actual_time', 'col_output', 'col_status', 'col_remarks')],
            'rows': step_rows, 'total': step_total, 'legend': labels['executor_legend'],
        },
        'cameras': {
            'headers': [labels[k] for k in ('col_no', 'col_fact', 'col_value', 'col_snapshot')],
            'rows': _camera_rows(record, snapshots, labels),
        },
        'workstations': {
            'headers': [labels[k] for k in ('col_no', 'col_workstation', 'col_watched_rooms', 'col_viewer', 'col_version',
                                            'col_address')],
            'rows': [[str(i), w['name'], ', '.join(w.get('rooms') or []), w.get('viewer') or labels['dash'],
                      w.get('version') or labels['dash'], w.get('address') or labels['dash']]
                     for i, w in enumerate(record['workstations'], 1)],
            'empty': labels['no_workstations'],
        },
        'problems': {
            'headers': [labels[k] for k in ('col_no', 'col_step', 'col_subject', 'col_description')],
            'rows': problem_rows, 'empty': labels['no_problems'],
        },
        'reviews': {
            'headers': [labels[k] for k in ('col_no', 'col_role', 'col_name', 'col_time', 'col_decision', 'col_note',
                                            'col_report_hash', 'col_standing')],
            'rows': _review_rows(state, labels), 'empty': labels['no_reviews'],
            'row_classes': {i: r['state'] for i, r in enumerate(state['reviews']) if r['state'] != 'valid'},
            'status': '%s: %s' % (labels['review_status'], labels['review_' + state['status']]),
            'hash': '%s: %s' % (labels['facts_hash'], digest),
        },
        'place_date': labels['place_date'].format(city=_sop.letterhead(letterhead).get('city') or '',
                                                  date=fmt_date(report_time(record), labels)),
        'signatures': signatures,
        'footer': labels['footer'].format(hash=digest),
        'page_words': labels['page'],
        'created': rr.parse_time(report_time(record)),
        'metadata': {'title': labels['doc_title'], 'author': site['name'],
                     'subject': '%s %s' % (sop['number'], sop['name'][language]),
                     'keywords': 'facts-sha256:%s' % digest},
        'timezone': timezone or _tz.DEFAULT,
    }
    view['document'] = {
        'format': JSON_FORMAT, 'format_version': JSON_FORMAT_VERSION,
        'facts': the_facts, 'facts_hash': digest,
        'sop': {k: sop[k] for k in ('number', 'name', 'created', 'revised', 'effective', 'legal_basis')},
        'steps': step_table,
        'snapshots': {name: {'status': s['status'], 'path': s['path'], 'mime': s['mime'], 'sha256': s['sha256']}
                      for name, s in snapshots.items()},
        'timezone': timezone or _tz.DEFAULT,
        'problems': problems,
        'complete': not unresolved,
        'open_problems': [rr.problem_line(p) for p in unresolved],
        'reviews': state['reviews'],
        'review_status': state['status'],
        'agenda': record.get('agenda'),
        'signatories': {b['role']: b['person'] for b in signatures},
    }
    return view


# --------------------------------------------------------------------------------------------
# HTML: templates (no words in them) and the code that fills them.

CSS = """
@page { size: A4; margin: 12mm 14mm 16mm 16mm;
  @bottom-left { content: $footer; font: 7pt "Liberation Sans", Arial, sans-serif; vertical-align: top;
    padding-top: 1.5mm; border-top: 0.5pt solid #000; }
  @bottom-right { content: $page_words; font: 7pt "Liberation Sans", Arial, sans-serif; vertical-align: top;
    padding-top: 1.5mm; border-top: 0.5pt solid #000; } }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; font-variant-ligatures: none; }
body { font-family: "Liberation Sans", Arial, Helvetica, sans-serif; font-size: 9pt; line-height: 1.3; color: #000;
  margin: 0; background: #fff; }
@media screen { body { max-width: 180mm; margin: 8mm auto; padding: 0 6mm; }
  .screen-footer { margin-top: 6mm; font-size: 7pt;
    border-top: 0.5pt solid #000; padding-top: 1mm; } }
@media print { .screen-footer { display: none; } }
.nb { white-space: nowrap; }
.kop { display: grid; grid-template-columns: 20mm 1fr 8mm; align-items: center; text-align: center; }
.kop img { max-width: 22mm; max-height: 26mm; }
.kop .gov { font-size: 13pt; font-weight: bold; }
.kop .office { font-size: 14pt; font-weight: bold; }
.kop .contact { font-size: 9pt; }
.kop .city { font-size: 10pt; font-weight: bold; letter-spacing: 1pt; }
.rule { border-top: 2.2pt solid #000; border-bottom: 0.7pt solid #000; height: 1.2pt; margin: 1.5mm 0 5mm; }
h1 { font-size: 11pt; text-align: center; text-transform: uppercase; text-decoration: underline; margin: 0; }
p.number { text-align: center; margin: 1mm 0 4mm; }
p.intro { text-align: justify; margin: 0 0 2mm; }
h2 { font-size: 10pt; margin: 4mm 0 1.5mm; break-after: avoid; page-break-after: avoid; }
table.kv { border-collapse: collapse; width: 100%; }
table.kv th { text-align: left; font-weight: normal; width: 45mm; vertical-align: top; padding: 0.4mm 0; }
table.kv td.sep { width: 4mm; vertical-align: top; padding: 0.4mm 0; }
table.kv td { vertical-align: top; padding: 0.4mm 0; }
table.grid { width: 100%; border-collapse: collapse; font-size: 7.5pt; }
table.grid th, table.grid td { border: 0.6pt solid #000; padding: 0.8mm 1.1mm; vertical-align: top; text-align: left;
  overflow-wrap: normal; word-break: normal; hyphens: manual; }
table.grid th { background: #e4e4e4; text-align: center; vertical-align: middle; font-size: 7pt; }
table.grid tr { break-inside: avoid; page-break-inside: avoid; }
table.grid tbody.camera { break-inside: avoid; page-break-inside: avoid; }
table.grid td.num { text-align: center; }
table.grid td.fact { border-right: none; color: #333; }
table.grid tr.total td { font-weight: bold; }
td.snap { width: 50mm; }
td.snap img { display: block; width: 48mm; height: auto; }
td.snap .bad { color: #a00000; font-style: italic; }
p.legend, p.empty { font-size: 7.5pt; margin: 1mm 0 0; }
p.status { font-weight: bold; margin: 1mm 0 0; }
p.hash { font-size: 7.5pt; margin: 0.5mm 0 0; }
tr.void td, tr.superseded td { color: #777; }
tr.void td:last-child { color: #a00000; font-weight: bold; }
.sign-area { break-inside: avoid; page-break-inside: avoid; margin-top: 6mm; }
.place { text-align: right; margin: 0 0 2mm; padding-right: 8mm; }
table.signatures { width: 100%; border-collapse: collapse; table-layout: fixed; text-align: center; }
table.signatures td { padding: 0.3mm 2mm; vertical-align: top; }
table.signatures tr.title td { height: 8mm; }
table.signatures tr.space td { height: 26mm; vertical-align: middle; font-size: 7pt; font-style: italic; }
table.signatures tr.name td.signed { font-weight: bold; text-decoration: underline; }
"""

PAGE = Template("""<!DOCTYPE html>
<html lang="$lang">
<head>
<meta charset="utf-8">
<meta name="report-facts-sha256" content="$hash">
<meta name="author" content="$author">
<meta name="description" content="$subject">
<title>$title</title>
<style>$css</style>
</head>
<body>
$letterhead
<h1>$title</h1>
<p class="number">$number</p>
<p class="intro">$intro</p>
$body
$signatures
<div class="screen-footer">$footer</div>
</body>
</html>
""")

LETTERHEAD = Template("""<div class="kop">
<div>$logo</div>
<div><div class="gov">$government</div><div class="office">$office</div>
<div class="contact">$contact</div><div class="city">$city</div></div>
<div></div>
</div>
<div class="rule"></div>""")

LOGO = Template('<img src="data:$mime;base64,$data" alt="">')
SECTION = Template('<h2>$heading</h2>\n$content')
KV_TABLE = Template('<table class="kv">\n$rows</table>')
KV_ROW = Template('<tr><th>$label</th><td class="sep">:</td><td>$value</td></tr>\n')
GRID = Template('<table class="grid $name">\n<colgroup>$cols</colgroup>\n<thead><tr>$head</tr></thead>\n<tbody>\n$rows</tbody>\n</table>')
CAMERA_GRID = Template('<table class="grid cameras">\n<colgroup>$cols</colgroup>\n<thead><tr>$head</tr></thead>\n$rows</table>')
CAMERA_BLOCK = Template('<tbody class="camera">\n$rows</tbody>\n')
COL = Template('<col style="width:$width%">')
TH = Template('<th>$text</th>')
TR = Template('<tr class="$cls">$cells</tr>\n')
TD = Template('<td class="$cls">$text</td>')
TD_SPAN = Template('<td class="$cls" rowspan="$span">$text</td>')
NB = Template('<span class="nb">$text</span>')
SNAP_IMG = Template('<td class="snap" rowspan="$span"><img src="data:image/jpeg;base64,$data" alt="$alt"></td>')
SNAP_BAD = Template('<td class="snap" rowspan="$span"><span class="bad">$text</span></td>')
PARAGRAPH = Template('<p class="$cls">$text</p>')
SIGN_AREA = Template('<div class="sign-area">\n<p class="place">$place</p>\n<table class="signatures">\n$rows</table>\n</div>')
SIGN_ROW = Template('<tr class="$cls">$cells</tr>\n')
SIGN_CELL = Template('<td class="$cls">$text</td>')

#: Column widths (percent of the text width) of each grid; the PDF uses the same proportions. The camera
#: table's last column holds a snapshot about 50 mm wide.
WIDTHS = {
    'steps': (4, 20, 8, 13, 8, 12, 15, 8, 12),
    'cameras': (4, 18, 50, 28),
    'workstations': (5, 22, 25, 20, 12, 16),
    'problems': (5, 30, 17, 48),
    'reviews': (4, 8, 20, 16, 10, 14, 16, 12),
}


def css_string(text):
    """``text`` as a CSS string literal."""
    return '"%s"' % text.replace('\\', '\\\\').replace('"', '\\"').replace('\n', ' ')


def css_page_words(words):
    """``Halaman {page} dari {pages}`` as CSS content: ``"Halaman " counter(page) " dari " counter(pages)``."""
    parts = []
    for piece in re.split(r'(\{page\}|\{pages\})', words):
        if piece == '{page}':
            parts.append('counter(page)')
        elif piece == '{pages}':
            parts.append('counter(pages)')
        elif piece:
            parts.append(css_string(piece))
    return ' '.join(parts)


def _e(text):
    """Escape for HTML and keep the view's line breaks."""
    return html.escape(text or '', quote=True).replace('\n', '<br>')


def _cell(text, token):
    return NB.substitute(text=_e(text)) if token else _e(text)


def _grid(name, headers, rows, total=None, numeric=(0,), row_classes=None, tokens=()):
    """A table; the cells of the columns in ``tokens`` never break inside (hashes, names, addresses)."""
    cols = ''.join(COL.substitute(width=w) for w in WIDTHS[name])
    head = ''.join(TH.substitute(text=_e(h)) for h in headers)
    body = ''
    for index, row in enumerate(rows):
        body += TR.substitute(cls=(row_classes or {}).get(index, ''),
                              cells=''.join(TD.substitute(cls='num' if i in numeric else '', text=_cell(c, i in tokens))
                                            for i, c in enumerate(row)))
    if total:
        body += TR.substitute(cls='total', cells=''.join(TD.substitute(cls='', text=_e(c)) for c in total))
    return GRID.substitute(name=name, cols=cols, head=head, rows=body)


#: Columns whose values are tokens (never broken), by table.
TOKENS = {'steps': (), 'workstations': (1, 5), 'problems': (2,), 'reviews': (6,)}


def _camera_grid(view):
    """One block per camera: the number and the snapshot span its facts, one fact a line."""
    table = view['cameras']
    cols = ''.join(COL.substitute(width=w) for w in WIDTHS['cameras'])
    head = ''.join(TH.substitute(text=_e(h)) for h in table['headers'])
    body = ''
    for row in table['rows']:
        span = len(row['facts'])
        lines = ''
        for index, (label, value, token) in enumerate(row['facts']):
            cells = ''
            if index == 0:
                cells += TD_SPAN.substitute(cls='num', span=span, text=_e(row['number']))
            cells += TD.substitute(cls='fact', text=_e(label)) + TD.substitute(cls='', text=_cell(value, token))
            if index == 0:
                if row['thumbnail']:
                    cells += SNAP_IMG.substitute(span=span, data=base64.b64encode(row['thumbnail']).decode('ascii'),
                                                 alt=_e(row['alt']))
                else:
                    cells += SNAP_BAD.substitute(span=span, text=_e(row['snapshot_text']))
            lines += TR.substitute(cls='', cells=cells)
        body += CAMERA_BLOCK.substitute(rows=lines)
    return CAMERA_GRID.substitute(cols=cols, head=head, rows=body)


def _kv(rows):
    return KV_TABLE.substitute(rows=''.join(KV_ROW.substitute(label=_e(k), value=_e(v)) for k, v in rows))


def _or_empty(name, table):
    if table['rows']:
        return _grid(name, table['headers'], table['rows'], row_classes=table.get('row_classes'), tokens=TOKENS[name])
    return PARAGRAPH.substitute(cls='empty', text=_e(table['empty']))


def render_html(view):
    """The printable A4 HTML page of ``view`` (images as data URIs, no outside resource).

    The page footer of every printed page (CSS page margin boxes) says what the PDF's says: the facts
    hash at the left, ``Halaman n dari m`` at the right; on screen the same line closes the page.
    """
    labels = view['labels']
    head = view['letterhead']
    logo = LOGO.substitute(mime=head['logo']['mime'], data=base64.b64encode(head['logo']['data']).decode('ascii')) \
        if head['logo'] else ''
    letterhead = LETTERHEAD.substitute(logo=logo, government=_e(head['government']), office=_e(head['office']),
                                       contact=_e(head['contact']), city=_e(head['city_line']))
    reviews = view['reviews']
    review_table = _or_empty('reviews', reviews)
    sections = [
        SECTION.substitute(heading=_e(labels['sec_sop']), content=_kv(view['sop_rows'])),
        SECTION.substitute(heading=_e(labels['sec_run']), content=_kv(view['run_rows'])),
        SECTION.substitute(heading=_e(labels['sec_steps']),
                           content=_grid('steps', view['steps']['headers'], view['steps']['rows'], view['steps']['total'])
                           + PARAGRAPH.substitute(cls='legend', text=_e(view['steps']['legend']))),
        SECTION.substitute(heading=_e(labels['sec_cameras']), content=_camera_grid(view)),
        SECTION.substitute(heading=_e(labels['sec_workstations']), content=_or_empty('workstations', view['workstations'])),
        SECTION.substitute(heading=_e(labels['sec_problems']), content=_or_empty('problems', view['problems'])),
        SECTION.substitute(heading=_e(labels['sec_reviews']),
                           content=PARAGRAPH.substitute(cls='status', text=_e(reviews['status']))
                           + PARAGRAPH.substitute(cls='hash', text=_e(reviews['hash'])) + review_table),
    ]
    blocks = view['signatures']
    rows = ''
    for cls, key in (('caption', 'caption'), ('title', 'title'), ('space', 'stamp'), ('name', 'name'), ('nip', 'nip')):
        cells = ''.join(SIGN_CELL.substitute(cls='signed' if key == 'name' and b['signed'] else '', text=_e(b[key])) for b in blocks)
        rows += SIGN_ROW.substitute(cls=cls, cells=cells)
    css = Template(CSS).substitute(footer=css_string(view['footer']), page_words=css_page_words(view['page_words']))
    meta = view['metadata']
    return PAGE.substitute(lang=labels['html_lang'], hash=view['facts_hash'], title=_e(view['title']), css=css,
                           author=_e(meta['author']), subject=_e(meta['subject']),
                           footer=_e(view['footer']), letterhead=letterhead, number=_e(view['number']),
                           intro=_e(view['intro']), body='\n'.join(sections),
                           signatures=SIGN_AREA.substitute(place=_e(view['place_date']), rows=rows))


def render_json(view):
    """The machine-readable report: the facts, their hash and the review state; canonical."""
    return json.dumps(view['document'], sort_keys=True, indent=2, ensure_ascii=False) + '\n'


def file_names(run_id, language):
    """File names of the report in ``dest``: ``<run_id>.<language>.html|pdf`` and ``<run_id>.json``."""
    return {'html': '%s.%s.html' % (run_id, language), 'pdf': '%s.%s.pdf' % (run_id, language), 'json': '%s.json' % run_id}


def render(view, formats, fonts=None):
    """Render ``view`` in each of ``formats``: ``{format: bytes}`` (``fonts``: the PDF's font folder)."""
    out = {}
    for fmt in formats:
        if fmt == 'html':
            out[fmt] = render_html(view).encode('utf-8')
        elif fmt == 'json':
            out[fmt] = render_json(view).encode('utf-8')
        elif fmt == 'pdf':
            from ansible_collections.dukcapil.cctv.plugins.module_utils import _report_pdf
            out[fmt] = _report_pdf.render_pdf(view, fonts=fonts)
        else:
            raise ReportError('unknown report format %s' % fmt)
    return out


def base_dir_of(record_path):
    """Folder that relative snapshot paths of a record file are resolved against."""
    return os.path.dirname(os.path.abspath(record_path)) if record_path else os.getcwd()
