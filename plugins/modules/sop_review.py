#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: sop_review
short_description: Record the review of the installation report of SOP-PIAK-02 (steps 7 and 8)
version_added: 1.0.0
description:
  - Records the decision of the sub-coordinator (I(Sub Koordinator), step 7) and then of the head of division
    (I(Kepala Bidang), step 8) on the installation report, in the run record - the state the next job reads.
  - A decision is bound to the facts hash of the report the reviewer saw (O(report_hash)); it must equal the
    current facts hash of the record, else the review is refused. When the facts change afterwards the decision
    no longer counts; M(dukcapil.cctv.sop_report) and this module show it as void.
  - "The chain is enforced: the head of division decides only after the sub-coordinator has accepted the same
    facts hash; one person (by NIP) cannot hold two places; the administrator (APK) who wrote the report cannot
    review it; an acceptance is final for its facts hash; a returned report needs a note. A refused review is an
    error and nothing is recorded."
  - "An acceptance of a report with open problems (a failed or unfinished step, a camera's problem, factory
    credentials not proven removed, an unreadable snapshot: see C(docs/run-record.md)) is refused, naming
    them, unless the reviewer accepts it with them explicitly (O(accept_with_problems=true)); the decision
    then records C(accepted_problems), the exact list the reviewer saw. M(dukcapil.cctv.sop_agenda) records
    nothing unless both reviewers accepted that same list."
  - The module never prompts; the decision comes from variables (an AWX survey or approval node, extra vars).
  - This module only records. To show the decisions and signatures in the report, call
    M(dukcapil.cctv.sop_report) again afterwards (the facts hash does not change).
author:
  - dukcapil.cctv contributors (!UNKNOWN)
notes:
  - The record file is rewritten atomically under an exclusive lock (C(<record>.lock)), so two reviews recorded at
    the same time do not lose each other.
seealso:
  - module: dukcapil.cctv.sop_report
  - module: dukcapil.cctv.sop_agenda
extends_documentation_fragment:
  - dukcapil.cctv.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
    details:
      - The diff shows the record's list of reviews before and after.
  idempotent:
    support: full
    details:
      - Recording the same decision again (same role, NIP, facts hash and decision) changes nothing, whatever O(time) says.
options:
  record:
    description:
      - Path of the run-record JSON file (written by stages 1-5, rendered by M(dukcapil.cctv.sop_report)).
    type: path
    required: true
  role:
    description:
      - The reviewing role. V(sub_koordinator) is step 7, V(kepala_bidang) step 8.
    type: str
    required: true
    choices: [sub_koordinator, kepala_bidang]
  name:
    description:
      - The reviewer's name with titles, as printed under the signature.
    type: str
    required: true
  nip:
    description:
      - The reviewer's NIP (18 digits).
    type: str
    required: true
  decision:
    description:
      - V(accepted) passes the report on; V(returned) sends it back with O(note).
    type: str
    required: true
    choices: [accepted, returned]
  note:
    description:
      - The reviewer's note; required when O(decision=returned).
    type: str
    default: ''
  report_hash:
    description:
      - The facts hash printed on the report the reviewer saw (RV(dukcapil.cctv.sop_report#module:facts_hash)).
    type: str
    required: true
  time:
    description:
      - When the decision was made, ISO 8601 with offset (for example V(2026-03-10T13:10:00+07:00)).
      - Defaults to now, with the offset of the office's O(timezone) (whatever the controller's zone is).
    type: str
  timezone:
    description:
      - The office's time zone (an IANA name such as V(Asia/Jakarta), V(Asia/Makassar), V(Asia/Jayapura), or a POSIX
        TZ string without daylight saving such as V(WIB-7)). The time of a decision taken now is written with its offset.
    type: str
    default: Asia/Jakarta
  accept_with_problems:
    description:
      - Accept a report that still has open problems, as it is. The problems are listed in the report and
        recorded with the decision (C(accepted_problems)); without this option such an acceptance is refused.
      - Has no effect on a report without open problems, nor on a return.
    type: bool
    default: false
'''

EXAMPLES = r'''
- name: Render the report the sub-coordinator will read
  dukcapil.cctv.sop_report:
    record: /var/lib/dukcapil-cctv/runs/SMG-2026-03-10-01.json
    dest: /var/lib/dukcapil-cctv/reports/SMG-2026-03-10-01
  delegate_to: localhost
  register: cctv_report

- name: Record the sub-coordinator's acceptance (step 7), from survey variables
  dukcapil.cctv.sop_review:
    record: /var/lib/dukcapil-cctv/runs/SMG-2026-03-10-01.json
    role: sub_koordinator
    name: Sri Wahyuni, S.T.
    nip: "197903152005012003"
    decision: accepted
    report_hash: "{{ cctv_report.facts_hash }}"
  delegate_to: localhost

- name: Record the head of division's decision (step 8)
  dukcapil.cctv.sop_review:
    record: /var/lib/dukcapil-cctv/runs/SMG-2026-03-10-01.json
    role: kepala_bidang
    name: Ir. Agus Prasetyo, M.M.
    nip: "197008231998031004"
    decision: returned
    note: Lengkapi foto pemasangan kamera kedua.
    report_hash: "{{ cctv_report.facts_hash }}"
    time: "2026-03-10T14:00:00+07:00"
  delegate_to: localhost

- name: Render the report again so the decisions and signatures show
  dukcapil.cctv.sop_report:
    record: /var/lib/dukcapil-cctv/runs/SMG-2026-03-10-01.json
    dest: /var/lib/dukcapil-cctv/reports/SMG-2026-03-10-01
  delegate_to: localhost
'''

RETURN = r'''
review:
  description: The decision recorded now, or the same decision found already recorded.
  returned: success
  type: dict
  sample:
    role: sub_koordinator
    name: Sri Wahyuni, S.T.
    nip: "197903152005012003"
    decision: accepted
    note: ""
    at: "2026-03-10T13:10:00+07:00"
    report_hash: 802dea751b26ff09e993a10a9c73186ae96268119be705ccc0f26cc0d0c91d01
open_problems:
  description: "The report's open problems (C(step N, subject: text)); empty for a complete installation."
  returned: success
  type: list
  elements: str
  sample: ["step 2, cam-srv-03: Give the camera its first password: SOAP fault from GetUsers"]
facts_hash:
  description: The current facts hash of the record.
  returned: always
  type: str
  sample: 802dea751b26ff09e993a10a9c73186ae96268119be705ccc0f26cc0d0c91d01
review_status:
  description:
    - The chain's status after this decision, for the current facts. One of V(awaiting_sub_koordinator),
      V(returned_by_sub_koordinator), V(awaiting_kepala_bidang), V(returned_by_kepala_bidang), V(accepted).
  returned: success
  type: str
  sample: awaiting_kepala_bidang
reviews:
  description:
    - Every decision in the record, oldest first, with C(state) (V(valid), V(superseded), V(void)) and C(counts).
    - A decision bound to an old facts hash is V(void) and does not count.
  returned: success
  type: list
  elements: dict
  sample:
    - role: sub_koordinator
      name: Sri Wahyuni, S.T.
      nip: "197903152005012003"
      decision: accepted
      note: ""
      at: "2026-03-10T13:10:00+07:00"
      report_hash: 802dea751b26ff09e993a10a9c73186ae96268119be705ccc0f26cc0d0c91d01
      state: valid
      counts: true
'''

import traceback

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.dukcapil.cctv.plugins.module_utils import _report
from ansible_collections.dukcapil.cctv.plugins.module_utils import _run_record as rr
from ansible_collections.dukcapil.cctv.plugins.module_utils import _tz


def argument_spec():
    return dict(
        record=dict(type='path', required=True),
        role=dict(type='str', required=True, choices=['sub_koordinator', 'kepala_bidang']),
        name=dict(type='str', required=True),
        nip=dict(type='str', required=True),
        decision=dict(type='str', required=True, choices=['accepted', 'returned']),
        note=dict(type='str', default=''),
        report_hash=dict(type='str', required=True),
        time=dict(type='str'),
        timezone=dict(type='str', default='Asia/Jakarta'),
        accept_with_problems=dict(type='bool', default=False),
    )


def run(module):
    params = module.params
    path = params['record']
    base_dir = _report.base_dir_of(path)
    try:
        now = _tz.now_iso(params['timezone'])
    except _tz.TimezoneError as exc:
        raise rr.RecordError(str(exc)) from exc
    review = {'role': params['role'], 'name': params['name'].strip(), 'nip': params['nip'].strip(),
              'decision': params['decision'], 'note': params['note'].strip(), 'at': params['time'] or now,
              'report_hash': params['report_hash'].strip().lower()}
    rr.check_part(review, rr.REVIEW, 'review', what='the review')
    found = {}

    def mutate(record):
        rr.check(record, complete=True, what='run record %s' % path)
        found['hash'] = rr.facts_hash(rr.facts(record, base_dir))
        found['problems'] = [rr.problem_line(p) for p in _report.problem_list(record, base_dir)]
        if review['decision'] == 'accepted' and found['problems']:
            if not params['accept_with_problems']:
                raise rr.ReviewRefused(
                    'the report (facts hash %s) has %d open problem(s): %s. The installation is not complete: return '
                    'the report, or accept it as it is with accept_with_problems: true (the problems are recorded '
                    'with the decision)' % (found['hash'], len(found['problems']), '; '.join(found['problems'])))
            review['accepted_problems'] = list(found['problems'])
        if rr.plan_review(record, found['hash'], review):
            record.setdefault('reviews', []).append(review)
            found['review'] = review
        else:
            found['review'] = rr.review_state(record, found['hash'])['current'][review['role']]

    changed, before, after = rr.update(module, path, mutate, complete=True)
    state = rr.review_state(after, found['hash'])
    recorded = {k: v for k, v in found['review'].items() if k not in ('state', 'counts')}
    result = dict(changed=changed, review=recorded, facts_hash=found['hash'], review_status=state['status'],
                  reviews=state['reviews'], open_problems=found['problems'])
    if module._diff:
        result['diff'] = {'before': {'reviews': (before or {}).get('reviews', [])}, 'after': {'reviews': after.get('reviews', [])}}
    return result


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    try:
        result = run(module)
    except rr.ReviewRefused as exc:
        module.fail_json(msg='review refused, nothing recorded: %s' % exc)
    except rr.RecordInvalid as exc:
        module.fail_json(msg='cannot record the review: %s' % exc, errors=exc.errors)
    except rr.RecordError as exc:
        module.fail_json(msg='cannot record the review: %s' % exc)
    except OSError as exc:
        module.fail_json(msg='cannot record the review in %s: %s' % (module.params['record'], exc), exception=traceback.format_exc())
    module.exit_json(**result)


if __name__ == '__main__':
    main()
