#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: cctv_verify_history
short_description: Keep the result of a scheduled verification of an installed site as history and a report
version_added: 1.0.0
description:
  - Appends one verification of the cameras and workstations of an installed site (what the role
    C(dukcapil.cctv.verify) found) to an append-only SQLite history, dated per subject and per check, and writes
    a short report in HTML and JSON with the problems first.
  - A room is watched when every camera of it passed every check. RV(watched) is false when a room is not
    watched; RV(passed) is false when there is any problem at all (a workstation too). The module itself never
    fails on a problem, the playbook decides (C(dukcapil.cctv.verify_cctv) fails, so AWX notifications fire).
  - The history is kept like the agenda book (M(dukcapil.cctv.sop_agenda)), one transaction per verification
    and triggers that refuse to change or delete a row.
author:
  - dukcapil.cctv contributors (!UNKNOWN)
seealso:
  - module: dukcapil.cctv.cctv_scene_check
  - module: dukcapil.cctv.sop_agenda
extends_documentation_fragment:
  - dukcapil.cctv.attributes
attributes:
  check_mode:
    support: full
    details:
      - Nothing is written; the verdict, the problems and the report paths are returned as in a real run.
  diff_mode:
    support: none
  idempotent:
    support: none
    details:
      - Every run appends a dated verification (that is the history).
options:
  database:
    description:
      - Path of the SQLite history file, created with its folder when missing. Keep it on persistent storage
        beside the agenda book.
    type: path
    required: true
  run_id:
    description:
      - The run id of the accepted installation the site was checked against (its run record).
    type: str
    required: true
  site:
    description:
      - The office, as the report names it.
    type: str
    default: ''
  results:
    description:
      - One entry per camera and workstation checked.
      - C(subject) (its name), C(kind) (V(camera) or V(workstation), default V(camera)), C(room) (the camera's room),
        and C(checks), a mapping of check name (V(identity), V(credentials), V(clock), V(settings), V(stream),
        V(scene), V(viewer), or another name) to C({status, reason}); C(status) is V(ok), V(problem) or V(skipped),
        and a problem or a skipped check needs its C(reason).
      - Instead of C(checks), C(observed) and C(expected) let the module judge (what the role C(dukcapil.cctv.verify)
        gives). C(expected) holds the run record's C(address), C(port), C(serial) and C(mac); C(observed) what the
        modules returned, each under its check name (C(identity) from M(dukcapil.cctv.onvif_discovery),
        C(credentials) from M(dukcapil.cctv.onvif_camera_user) in check mode, C(settings) from
        M(dukcapil.cctv.onvif_camera_ip) in check mode, which also gives the clock, C(stream) from
        M(dukcapil.cctv.onvif_stream_check), C(scene) from M(dukcapil.cctv.cctv_scene_check), C(viewer) from
        M(dukcapil.cctv.cctv_viewer_install) in check mode) or an C(error) mapping (the message) when the module failed;
        C(remediation) holds the results of re-applying the desired state.
    type: list
    elements: dict
    required: true
  remediated:
    description:
      - What C(verify_remediate) changed, one entry per subject with C(subject) and C(changes) (a list of lines).
    type: list
    elements: dict
    default: []
  report_dir:
    description:
      - Folder for the report, C(verifikasi-<time>.<language>.html) and C(.json). No report without it.
    type: path
  language:
    description:
      - Language of the HTML report, V(id) (Indonesian) or V(en) (English).
    type: str
    choices: [id, en]
    default: id
  checked_at:
    description:
      - When the site was checked (ISO 8601 with offset). Defaults to now.
    type: str
'''

EXAMPLES = r'''
- name: Keep the verification of two cameras as history and a report
  dukcapil.cctv.cctv_verify_history:
    database: /var/lib/dukcapil-cctv/verifikasi.sqlite3
    report_dir: /var/lib/dukcapil-cctv/verifikasi
    run_id: SMG-2026-03-10-01
    site: Disdukcapil Kabupaten Semarang
    results:
      - subject: CAM-SRV-01
        room: Ruang Server
        checks:
          identity: {status: ok, reason: serial DS-2CD2043G2-I20250101CCWR000000001}
          stream: {status: problem, reason: "not_uniform: the picture is uniform"}
      - subject: CAM-SRV-02
        room: Ruang Server
        checks:
          identity: {status: ok, reason: ''}
  register: verification

- name: Fail when a room is not watched
  ansible.builtin.assert:
    that: verification.watched
    fail_msg: "{{ verification.problems | join('; ') }}"
'''

RETURN = r'''
verification_id:
  description: Number of the verification in the history; V(null) in check mode.
  returned: success
  type: int
  sample: 12
checked_at:
  description: When the site was checked.
  returned: success
  type: str
  sample: '2026-03-11T02:00:04+07:00'
watched:
  description: Whether every room is watched (every camera of it passed every check).
  returned: success
  type: bool
  sample: false
passed:
  description: Whether there is no problem at all, cameras and workstations.
  returned: success
  type: bool
  sample: false
rooms:
  description: Each room with C(name), C(cameras), C(cameras_ok) and C(watched).
  returned: success
  type: list
  elements: dict
  sample: [{name: Ruang Server, cameras: 3, cameras_ok: 2, watched: false}]
problems:
  description: 'One line per failed check, C(<subject>: <check>: <reason>), in the report order.'
  returned: success
  type: list
  elements: str
  sample: ['CAM-SRV-01: stream: not_uniform: the picture is uniform']
report:
  description: Paths of the report files (C(html), C(json)); V(null) without O(report_dir).
  returned: success
  type: dict
  sample: {html: /var/lib/dukcapil-cctv/verifikasi/verifikasi-20260311T020004.id.html,
           json: /var/lib/dukcapil-cctv/verifikasi/verifikasi-20260311T020004.json}
history_count:
  description: How many verifications the history holds after this one.
  returned: success
  type: int
  sample: 31
'''

import os
import re

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.dukcapil.cctv.plugins.module_utils import _files
from ansible_collections.dukcapil.cctv.plugins.module_utils import _verify


def argument_spec():
    return dict(
        database=dict(type='path', required=True),
        run_id=dict(type='str', required=True),
        site=dict(type='str', default=''),
        results=dict(type='list', elements='dict', required=True),
        remediated=dict(type='list', elements='dict', default=[]),
        report_dir=dict(type='path'),
        language=dict(type='str', choices=['id', 'en'], default='id'),
        checked_at=dict(type='str'),
    )


def run(module):
    params = module.params
    checked_at = params['checked_at'] or _verify.now_iso()
    results = _verify.normalise(params['results'])
    summary = _verify.summarise(results, _verify.normalise_remediated(
        list(params['remediated']) + _verify.remediated_from(params['results'])))
    meta = {'run_id': params['run_id'], 'site': params['site'], 'checked_at': checked_at}
    report = None
    if params['report_dir']:
        stamp = re.sub(r'[^0-9T]', '', checked_at[:19])
        base = os.path.join(params['report_dir'], 'verifikasi-%s' % stamp)
        report = {'html': '%s.%s.html' % (base, params['language']), 'json': base + '.json'}
        _files.write_file(module, report['json'], _verify.report_json(meta, results, summary))
        _files.write_file(module, report['html'], _verify.report_html(meta, results, summary, params['language']))
    number = None
    if not module.check_mode:
        number = _verify.append(params['database'], checked_at, params['run_id'], params['site'], results, summary,
                                report['html'] if report else '')
    history = _verify.count(params['database']) + (1 if module.check_mode else 0)
    return dict(changed=True, verification_id=number, checked_at=checked_at, watched=summary['watched'],
                passed=summary['passed'], rooms=summary['rooms'], problems=summary['problems'], report=report,
                history_count=history)


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    try:
        result = run(module)
    except _verify.VerifyError as exc:
        module.fail_json(msg='cannot keep the verification of run %s in %s: %s'
                         % (module.params['run_id'], module.params['database'], exc))
    except OSError as exc:
        module.fail_json(msg='cannot write the verification report in %s: %s' % (module.params['report_dir'], exc))
    module.exit_json(**result)


if __name__ == '__main__':
    main()
