#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: sop_agenda
short_description: Keep the agenda book of SOP-PIAK-02 (step 9) - record, verify, export
version_added: 1.0.0
description:
  - The agenda book (I(Buku Agenda)) is an append-only register in an SQLite file, created with its schema on
    first use.
  - O(action=record) writes the accepted installation report into the book (step 9) and returns its agenda number,
    per year and gapless, in the office's format (default C(001/PIAK/2026)). The report must have been accepted by
    the Sub Koord and the Kabid on its current facts (M(dukcapil.cctv.sop_review)); an installation that is not
    complete (the report has open problems) is recorded only when both accepted it with exactly those problems
    (O(dukcapil.cctv.sop_review#module:accept_with_problems)), else nothing is written. Many writers at once get
    distinct, gapless numbers (one C(BEGIN IMMEDIATE) transaction per entry, busy timeout, retries).
  - Recording the same run and report hash again returns the existing entry and changes nothing. The same run with
    another report hash (its facts changed and the new report was accepted again) is a new document and gets a new
    entry; the older entry stays (RV(previous_entries)). An entry is never changed or deleted.
  - Each entry stores the SHA-256 of the previous entry's hash and its own canonical content. O(action=verify)
    walks that chain and fails naming the first entry that was altered or removed.
  - O(action=export) writes the book (or one year of it) as CSV for the paper book, atomically.
author:
  - dukcapil.cctv contributors (!UNKNOWN)
notes:
  - In AWX the job's execution environment is thrown away after the job; put O(database) on storage that lasts
    (a mounted volume, or a host the job delegates to).
  - Triggers refuse UPDATE and DELETE on entries. Someone who rewrites the whole file consistently is not detected
    by the file alone; compare the C(head_hash) of RV(verify) or the entry hash kept in the run record with a copy kept elsewhere.
seealso:
  - module: dukcapil.cctv.sop_review
  - module: dukcapil.cctv.sop_report
extends_documentation_fragment:
  - dukcapil.cctv.attributes
attributes:
  check_mode:
    support: full
    details:
      - With O(action=record) the book is only read and the predicted number is returned; a book that does not
        exist yet is not created.
  diff_mode:
    support: partial
    details:
      - O(action=record) shows the new entry; O(action=export) shows the CSV before and after; O(action=verify)
        changes nothing.
  idempotent:
    support: full
options:
  action:
    description:
      - V(record) writes the run record's accepted report into the book; V(verify) checks the chain;
        V(export) writes the book as CSV to O(dest).
    type: str
    choices: [record, verify, export]
    default: record
  database:
    description:
      - Path of the agenda book (SQLite file). Created with its folder on the first V(record).
    type: path
    default: /var/lib/dukcapil-cctv/buku-agenda.sqlite3
  record:
    description:
      - Path of the run-record JSON file. Required with O(action=record).
    type: path
  report_location:
    description:
      - Where the report files are (a folder, share or URL), written into the entry. Required with O(action=record).
    type: str
  date:
    description:
      - Date of the entry, V(YYYY-MM-DD); its year selects the numbering. Defaults to today in the office's
        O(timezone), whatever the controller's zone (an execution environment in UTC is seven hours behind WIB).
    type: str
  timezone:
    description:
      - The office's time zone (an IANA name such as V(Asia/Jakarta), V(Asia/Makassar), V(Asia/Jayapura), or a POSIX
        TZ string without daylight saving such as V(WIB-7)). Today's date, the number's year and the time the entry
        is recorded are taken in it.
    type: str
    default: Asia/Jakarta
  subject:
    description:
      - Subject (I(Perihal)) of the entry. Defaults to the report's title and the office name, in O(language).
    type: str
  number_format:
    description:
      - Format of the agenda number, a Python format string with the fields C(seq) (number within the year),
        C(year), C(month), C(month_roman) and C(code). It must contain C(seq).
    type: str
    default: '{seq:03d}/{code}/{year}'
  code:
    description:
      - The office's code in the agenda number.
    type: str
    default: PIAK
  update_record:
    description:
      - Write the entry (number, date, entry hash, report hash, book) into the run record as its C(agenda),
        so M(dukcapil.cctv.sop_report) shows the agenda number.
    type: bool
    default: true
  language:
    description:
      - Language of the default subject and of the CSV header.
    type: str
    choices: [id, en]
    default: id
  dest:
    description:
      - Path of the CSV file. Required with O(action=export).
    type: path
  year:
    description:
      - Export only the entries of this year.
    type: int
  timeout:
    description:
      - Seconds to wait for the book while another writer holds it.
    type: float
    default: 30
'''

EXAMPLES = r'''
- name: Record the accepted report in the agenda book (step 9)
  dukcapil.cctv.sop_agenda:
    record: /var/lib/dukcapil-cctv/runs/SMG-2026-03-10-01.json
    report_location: /var/lib/dukcapil-cctv/reports/SMG-2026-03-10-01
  delegate_to: localhost
  register: cctv_agenda

- name: Show the agenda number
  ansible.builtin.debug:
    msg: "Nomor agenda {{ cctv_agenda.entry.number }} ({{ cctv_agenda.entry.date }})"

- name: Use the office's own numbering with the month in roman numerals
  dukcapil.cctv.sop_agenda:
    database: /srv/piak/buku-agenda.sqlite3
    record: /var/lib/dukcapil-cctv/runs/SMG-2026-03-10-01.json
    report_location: //arsip/piak/laporan/SMG-2026-03-10-01
    number_format: '{seq:03d}/{code}/{month_roman}/{year}'
    code: PIAK-SMG
  delegate_to: localhost

- name: Check that no entry was altered or removed
  dukcapil.cctv.sop_agenda:
    action: verify
    database: /srv/piak/buku-agenda.sqlite3
  delegate_to: localhost

- name: Export this year's entries as CSV for the paper book
  dukcapil.cctv.sop_agenda:
    action: export
    database: /srv/piak/buku-agenda.sqlite3
    dest: /srv/piak/buku-agenda-2026.csv
    year: 2026
  delegate_to: localhost
'''

RETURN = r'''
entry:
  description: The entry written (or found already written; in check mode, the one that would be written).
  returned: when O(action=record)
  type: dict
  sample:
    position: 12
    number: 001/PIAK/2026
    date: "2026-03-11"
    year: 2026
    seq: 1
    subject: Laporan Pemasangan Kamera Pengawas pada Ruangan Perangkat Keras - Dinas Kependudukan dan Pencatatan Sipil Kabupaten Semarang
    run_id: SMG-2026-03-10-01
    report_hash: 802dea751b26ff09e993a10a9c73186ae96268119be705ccc0f26cc0d0c91d01
    sub_koordinator_name: Sri Wahyuni, S.T.
    sub_koordinator_nip: "197903152005012003"
    kepala_bidang_name: Ir. Agus Prasetyo, M.M.
    kepala_bidang_nip: "197008231998031004"
    report_location: /var/lib/dukcapil-cctv/reports/SMG-2026-03-10-01
    recorded_at: "2026-03-11T08:02:11+07:00"
    prev_hash: 5f0c0d5be1d1c4d2f2a6a0c6ef3b8f2c35a0c7ad6d1f4bca9b8f1f4e2e4d6a11
    entry_hash: 9a3f5e0a2c1b7d8e6f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e
previous_entries:
  description: Entries of the same run id with another report hash (earlier versions of the report), oldest first.
  returned: when O(action=record)
  type: list
  elements: dict
  sample: []
verify:
  description:
    - The result of walking the chain. C(first_bad) names the first entry altered or removed (C(position),
      C(number), C(reason)); C(problems) lists all.
  returned: when O(action=verify)
  type: dict
  sample:
    ok: true
    entries: 12
    head_hash: 9a3f5e0a2c1b7d8e6f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e
    problems: []
    first_bad: null
export:
  description: The CSV written and how many entries it holds.
  returned: when O(action=export)
  type: dict
  sample:
    path: /srv/piak/buku-agenda-2026.csv
    entries: 12
database:
  description: The agenda book used.
  returned: always
  type: str
  sample: /var/lib/dukcapil-cctv/buku-agenda.sqlite3
'''

import os
import traceback

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.dukcapil.cctv.plugins.module_utils import _agenda
from ansible_collections.dukcapil.cctv.plugins.module_utils import _files
from ansible_collections.dukcapil.cctv.plugins.module_utils import _report
from ansible_collections.dukcapil.cctv.plugins.module_utils import _report_i18n
from ansible_collections.dukcapil.cctv.plugins.module_utils import _run_record as rr
from ansible_collections.dukcapil.cctv.plugins.module_utils import _tz


def argument_spec():
    return dict(
        action=dict(type='str', choices=['record', 'verify', 'export'], default='record'),
        database=dict(type='path', default=_agenda.DEFAULT_DATABASE),
        record=dict(type='path'),
        report_location=dict(type='str'),
        date=dict(type='str'),
        timezone=dict(type='str', default='Asia/Jakarta'),
        subject=dict(type='str'),
        number_format=dict(type='str', default=_agenda.DEFAULT_NUMBER_FORMAT),
        code=dict(type='str', default=_agenda.DEFAULT_CODE),
        update_record=dict(type='bool', default=True),
        language=dict(type='str', choices=['id', 'en'], default='id'),
        dest=dict(type='path'),
        year=dict(type='int'),
        timeout=dict(type='float', default=30),
    )


def _given(params, record, base_dir):
    """The new entry's content from the run record: refused unless both reviewers accepted the current facts."""
    path = params['record']
    rr.check(record, complete=True, what='run record %s' % path)
    digest = rr.facts_hash(rr.facts(record, base_dir))
    state = rr.review_state(record, digest)
    if state['status'] != 'accepted':
        raise _agenda.AgendaRefused('the report of run %s (facts hash %s) is not accepted by the Sub Koord and the Kabid '
                                    '(review status: %s); step 9 comes after steps 7 and 8'
                                    % (record['run_id'], digest, state['status']))
    sub, kabid = state['current']['sub_koordinator'], state['current']['kepala_bidang']
    problems = [rr.problem_line(p) for p in _report.problem_list(record, base_dir)]
    if problems and not all(r.get('accepted_problems') == problems for r in (sub, kabid)):
        raise _agenda.AgendaRefused(
            'the installation of run %s is not complete (%d open problem(s): %s) and not accepted with exactly these '
            'problems by both the Sub Koord and the Kabid (sop_review accept_with_problems); nothing is recorded in '
            'the agenda book' % (record['run_id'], len(problems), '; '.join(problems)))
    labels = _report_i18n.labels(params['language'])
    return {
        'date': params['date'] or _tz.today(params['timezone']).isoformat(),
        'subject': params['subject'] or labels['agenda_subject'].format(site=record['site']['name']),
        'run_id': record['run_id'], 'report_hash': digest,
        'sub_koordinator_name': sub['name'], 'sub_koordinator_nip': sub['nip'],
        'kepala_bidang_name': kabid['name'], 'kepala_bidang_nip': kabid['nip'],
        'report_location': params['report_location'],
    }


def do_record(module):
    params = module.params
    path = params['record']
    base_dir = _report.base_dir_of(path)
    try:
        recorded_at = _tz.now_iso(params['timezone'])
    except _tz.TimezoneError as exc:
        raise _agenda.AgendaRefused(str(exc)) from exc
    given = _given(params, rr.load(path), base_dir)
    changed, entry, previous = _agenda.record_entry(params['database'], given, number_format=params['number_format'],
                                                    code=params['code'], check_mode=module.check_mode, timeout=params['timeout'],
                                                    recorded_at=recorded_at)
    if params['update_record']:
        agenda = {'number': entry['number'], 'date': entry['date'], 'entry_hash': entry['entry_hash'],
                  'report_hash': entry['report_hash'], 'database': os.path.abspath(params['database']),
                  'recorded_at': entry['recorded_at']}

        def mutate(record):
            record['agenda'] = agenda

        record_changed = rr.update(module, path, mutate, complete=True)[0]
        changed = changed or record_changed
    result = dict(changed=changed, entry=entry, previous_entries=previous)
    if module._diff:
        result['diff'] = {'before': '', 'after': '%s  %s  %s\n' % (entry['number'], entry['date'], entry['subject'])} if changed else {}
    return result


def do_verify(module):
    report = _agenda.verify(module.params['database'], timeout=module.params['timeout'])
    if not report['ok']:
        bad = report['first_bad']
        module.fail_json(msg='the agenda book %s is not intact: %s' % (module.params['database'], bad['reason']),
                         verify=report, database=module.params['database'])
    return dict(changed=False, verify=report)


def do_export(module):
    params = module.params
    rows = _agenda.entries(params['database'], year=params['year'], timeout=params['timeout'])
    text = _agenda.export_csv(rows, _report_i18n.labels(params['language']))
    before = _files.read_bytes(params['dest'])
    changed = _files.write_file(module, params['dest'], text)
    result = dict(changed=changed, export={'path': params['dest'], 'entries': len(rows)})
    if module._diff:
        result['diff'] = {'before_header': params['dest'], 'after_header': params['dest'],
                          'before': before.decode('utf-8', 'replace') if before is not None else '', 'after': text}
    return result


ACTIONS = {'record': do_record, 'verify': do_verify, 'export': do_export}


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True,
                           required_if=[('action', 'record', ('record', 'report_location')), ('action', 'export', ('dest',))])
    try:
        result = ACTIONS[module.params['action']](module)
    except _agenda.AgendaRefused as exc:
        module.fail_json(msg='agenda entry refused, nothing recorded: %s' % exc, database=module.params['database'])
    except _agenda.AgendaError as exc:
        module.fail_json(msg=str(exc), database=module.params['database'])
    except rr.RecordInvalid as exc:
        module.fail_json(msg='cannot use the run record: %s' % exc, errors=exc.errors, database=module.params['database'])
    except rr.RecordError as exc:
        module.fail_json(msg='cannot use the run record: %s' % exc, database=module.params['database'])
    except OSError as exc:
        module.fail_json(msg='agenda book %s: %s' % (module.params['database'], exc), exception=traceback.format_exc(),
                         database=module.params['database'])
    result['database'] = module.params['database']
    module.exit_json(**result)


if __name__ == '__main__':
    main()
