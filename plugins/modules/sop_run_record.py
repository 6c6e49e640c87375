#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: sop_run_record
short_description: Open the run record of SOP-PIAK-02 and write the facts of stages 1 to 5 into it
version_added: 1.0.0
description:
  - One run of SOP-PIAK-02 has one run record, a JSON file that stages 1 to 5 fill in and the
    report (M(dukcapil.cctv.sop_report)), the review (M(dukcapil.cctv.sop_review)) and the
    agenda book (M(dukcapil.cctv.sop_agenda)) read. It is the state one stage (or one AWX job)
    hands to the next. Its schema is documented in C(docs/run-record.md) of the collection.
  - This module creates the record (stage 1) and merges facts into it; rooms, cameras and
    workstations are merged by C(name), a step's fields are merged into the step, problems are
    added once. The result is validated before it is written; an invalid fact fails the task
    with its path and value and leaves the file as it was.
  - Writes take a lock on C(<path>.lock), so the hosts of one play (forks) can each add their
    camera at the same time without losing one another's facts. The file is replaced atomically.
  - "A step's result is derived, not claimed: close a device step with O(step.planned) (the hosts the
    step was run for, e.g. C(ansible_play_hosts_all)) and O(step.finished) (the hosts that finished it,
    e.g. C(ansible_play_hosts)). The result is V(ok) only when every planned host finished and no problem
    of that step is open; a planned host that did not finish and left no problem gets one. An explicit
    O(step.result=ok) is refused while the record holds an open problem of that step."
  - "A problem recorded for a camera whose factory password is not proven removed (its
    C(hardening.factory_password_removed) is not true) brings a second problem of step 3 naming the
    factory credentials: a camera left with them is never silent in the record."
  - "Once a review is recorded (M(dukcapil.cctv.sop_review)) the facts are final: a task that would change
    anything but the steps 7 to 9 fails with a message saying to start a new run, and writes nothing."
  - Problem texts are folded onto one line (a module's message may span lines); any other control
    character in any string of the record is refused.
author:
  - dukcapil.cctv contributors (!UNKNOWN)
extends_documentation_fragment:
  - dukcapil.cctv.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
  idempotent:
    support: full
    details:
      - The time value V(now) fills a step's time only when none is recorded yet, so re-running a
        stage that already recorded its times changes nothing.
options:
  path:
    description:
      - The run record file. Its folder is created when needed.
    type: path
    required: true
  run_id:
    description:
      - Identity of the run (letters, digits, C(.), C(_), C(-)). Needed to create the record; when
        the record exists it must match.
    type: str
  site:
    description:
      - The office, with C(code) (e.g. C(SMG)), C(name) and optionally C(address). Needed to create the record.
    type: dict
  operator:
    description:
      - The hardware administrator (APK) doing steps 1 to 6, with C(name), C(nip) and C(certificate).
        Needed to create the record.
    type: dict
  window:
    description:
      - The installation window fixed in step 1, with C(start) and C(end) (ISO 8601 with offset).
    type: dict
  step:
    description:
      - One step's outcome, merged into the record's step of that C(number). A stage marks its
        start with O(step.started) alone and its end with O(step.result) and O(step.ended).
    type: dict
    suboptions:
      number:
        description: The SOP step, 1 to 9.
        type: int
        required: true
      result:
        description: Outcome of the step.
        type: str
        choices: [ok, failed, skipped]
      started:
        description:
          - When the step started (ISO 8601 with offset), or V(now) for the controller's current
            time when the step has no start recorded yet.
        type: str
      ended:
        description:
          - When the step ended (ISO 8601 with offset), or V(now) for the current time when the
            step has no end recorded yet.
        type: str
      notes:
        description: Free text for the report's remarks column.
        type: str
      timing:
        description:
          - How O(step.started) and O(step.ended) were taken - V(measured) by the automation, or V(attested) by
            the person who did the physical work (step 2, mounting). The report labels the actual time with it.
        type: str
        choices: [measured, attested]
      planned:
        description:
          - The cameras or workstations (by name) the step was run for. With O(step.finished), the
            step's result is derived (see the description); mutually exclusive with O(step.result).
        type: list
        elements: str
      finished:
        description:
          - The planned cameras or workstations that finished the step (the hosts still alive at its end).
        type: list
        elements: str
  rooms:
    description:
      - Rooms to add or update, merged by C(name).
    type: list
    elements: dict
    default: []
  cameras:
    description:
      - Camera facts to add or update, merged by C(name). Never put a password here; the record
        refuses any key that looks like a secret.
    type: list
    elements: dict
    default: []
  workstations:
    description:
      - Workstation facts to add or update, merged by C(name).
    type: list
    elements: dict
    default: []
  problems:
    description:
      - Problems met, each with C(step), C(text) and optionally C(camera) or C(workstation).
        A problem already recorded is not added again.
    type: list
    elements: dict
    default: []
'''

EXAMPLES = r'''
- name: Open the run record (stage 1)
  dukcapil.cctv.sop_run_record:
    path: /var/lib/dukcapil-cctv/runs/SMG-2026-03-10-01/record.json
    run_id: SMG-2026-03-10-01
    site: {code: SMG, name: Dinas Kependudukan dan Pencatatan Sipil Kabupaten Semarang}
    operator: {name: Budi Santoso, S.Kom., nip: '198703122010011004', certificate: 800/123/2025}
    window: {start: '2026-03-10T08:00:00+07:00', end: '2026-03-10T16:00:00+07:00'}
    rooms:
      - name: Ruang Server
    step: {number: 1, result: ok, started: now, ended: now}
  delegate_to: localhost
  run_once: true

- name: Add a camera's facts (one task per camera host, forks write safely)
  dukcapil.cctv.sop_run_record:
    path: /var/lib/dukcapil-cctv/runs/SMG-2026-03-10-01/record.json
    cameras:
      - name: "{{ inventory_hostname }}"
        serial: DS-2CD2043G2-I20250809CCWR583900727
        mac: 44:19:b6:4f:1d:fd
  delegate_to: localhost

- name: Close step 2, its result derived from every camera the step was run for
  dukcapil.cctv.sop_run_record:
    path: /var/lib/dukcapil-cctv/runs/SMG-2026-03-10-01/record.json
    step:
      number: 2
      ended: now
      planned: "{{ ansible_play_hosts_all }}"
      finished: "{{ ansible_play_hosts }}"
  delegate_to: localhost
  run_once: true
'''

RETURN = r'''
record:
  description: The run record after the change (as it would be, in check mode).
  returned: success
  type: dict
  sample: {run_id: SMG-2026-03-10-01, schema_version: 1, steps: {'1': {result: ok}}}
created:
  description: Whether the record file was (or would be) created by this task.
  returned: success
  type: bool
  sample: false
path:
  description: The run record file.
  returned: always
  type: str
  sample: /var/lib/dukcapil-cctv/runs/SMG-2026-03-10-01/record.json
errors:
  description: The validation errors, each naming the fact's path and value, when the facts were refused.
  returned: failure
  type: list
  elements: str
  sample: ["cameras[0].mac: '44:19:b6:zz' is not a MAC address"]
'''

import copy

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.dukcapil.cctv.plugins.module_utils import _run_record as rr


STEP_TIMES = ('started', 'ended')


def one_line(text):
    return ' '.join(str(text).split())


def merge_step(record, step):
    """Merge one step's given fields into the record; V(now) fills only an empty time."""
    number = step['number']
    steps = record.setdefault('steps', {})
    entry = dict(steps.get(str(number), {}))
    if step.get('planned') is not None:
        step = dict(step, result=rr.close_step(record, number, step['planned'], step['finished'], rr.now_iso()))
    elif step.get('result') == 'ok':
        open_here = [p for p in record.get('problems') or [] if p['step'] == number and not p.get('resolved')]
        if open_here:
            raise rr.RecordError(
                'step %d cannot be closed ok: the record holds %d open problem(s) of step %d (%s); close it with '
                'step.planned and step.finished to derive its result' % (
                    number, len(open_here), number,
                    '; '.join(rr.problem_line({'step': p['step'], 'subject': p.get('camera') or p.get('workstation'),
                                               'text': p['text']}) for p in open_here)))
    for key in ('result', 'notes', 'timing') + STEP_TIMES:
        value = step.get(key)
        if value is None:
            continue
        if key in STEP_TIMES and value == 'now':
            if entry.get(key):
                continue
            value = rr.now_iso()
        entry[key] = value
    steps[str(step['number'])] = entry


def build_mutation(params):
    def mutate(record):
        if params['run_id'] and record.get('run_id') != params['run_id']:
            raise rr.RecordError('run_id: %r does not match the record at %s, which is %r'
                                 % (params['run_id'], params['path'], record.get('run_id')))
        for key in ('site', 'operator', 'window'):
            if params[key]:
                record[key] = dict(record.get(key) or {}, **params[key])
        for room in params['rooms']:
            rr.upsert_room(record, room)
        for camera in params['cameras']:
            rr.upsert_camera(record, camera)
        for workstation in params['workstations']:
            rr.upsert_workstation(record, workstation)
        cameras = {c.get('name'): c for c in record.get('cameras') or []}
        for problem in params['problems']:
            text = one_line(problem.get('text', ''))
            rr.add_problem(record, problem.get('step', 0), text,
                           camera=problem.get('camera'), workstation=problem.get('workstation'))
            camera = cameras.get(problem.get('camera'))
            if camera is not None and (camera.get('hardening') or {}).get('factory_password_removed') is not True:
                rr.add_problem(record, 3, rr.FACTORY_CREDENTIALS_TEXT, camera=camera['name'])
        if params['step']:
            merge_step(record, params['step'])
    return mutate


def guarded(mutation, path):
    """The mutation, refused when it would change the facts of a reviewed record."""
    def mutate(record):
        before = copy.deepcopy(record)
        mutation(record)
        rr.check_not_final(before, record, path='the run record %s' % path)
    return mutate


def build_create(params):
    def create():
        missing = [key for key in ('run_id', 'site', 'operator') if not params[key]]
        if missing:
            raise rr.RecordError('%s: needed to create the run record %s, which does not exist yet'
                                 % (', '.join(missing), params['path']))
        return rr.new(params['run_id'], params['site'], params['operator'], params['window'])
    return create


def main():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type='path', required=True),
            run_id=dict(type='str'),
            site=dict(type='dict'),
            operator=dict(type='dict'),
            window=dict(type='dict'),
            step=dict(type='dict', options=dict(
                number=dict(type='int', required=True),
                result=dict(type='str', choices=list(rr.RESULTS)),
                started=dict(type='str'),
                ended=dict(type='str'),
                notes=dict(type='str'),
                timing=dict(type='str', choices=list(rr.TIMINGS)),
                planned=dict(type='list', elements='str'),
                finished=dict(type='list', elements='str'),
            ), mutually_exclusive=[('result', 'planned')], required_together=[('planned', 'finished')]),
            rooms=dict(type='list', elements='dict', default=[]),
            cameras=dict(type='list', elements='dict', default=[]),
            workstations=dict(type='list', elements='dict', default=[]),
            problems=dict(type='list', elements='dict', default=[]),
        ),
        supports_check_mode=True,
    )
    params = module.params
    if params['step'] and not 1 <= params['step']['number'] <= 9:
        module.fail_json(msg='step.number: %r is not a step of the SOP (1 to 9)' % params['step']['number'], path=params['path'])
    try:
        changed, before, after = rr.update(module, params['path'], guarded(build_mutation(params), params['path']),
                                           create=build_create(params))
    except rr.RecordInvalid as exc:
        module.fail_json(msg='the run record %s would become invalid: %s' % (params['path'], '; '.join(exc.errors)),
                         errors=exc.errors, path=params['path'])
    except rr.RecordError as exc:
        module.fail_json(msg=str(exc), path=params['path'])
    result = dict(changed=changed, record=after, created=before is None, path=params['path'])
    if module._diff:
        result['diff'] = {'before': rr.dumps(before) if before is not None else '',
                          'after': rr.dumps(after), 'before_header': params['path'], 'after_header': params['path']}
    module.exit_json(**result)


if __name__ == '__main__':
    main()
