#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: sop_report
short_description: Write the installation report of SOP-PIAK-02 (step 6) as HTML, PDF and JSON
version_added: 1.0.0
description:
  - Renders the I(Laporan Pemasangan Kamera Pengawas pada Ruangan Perangkat Keras) from the run record
    that stages 1-5 wrote - step 6 of SOP-PIAK-02.
  - The report holds the office letterhead, the SOP's identity, the nine-step table (executor, requirement,
    standard time beside the actual time, output, status), the cameras with a snapshot thumbnail each, the
    workstations, the problems, the review status and the signature blocks of the APK, the Sub Koord and the Kabid.
  - The SHA-256 of the report's facts (the run record without its reviews, agenda entry and steps 7-9, plus
    the digest of each snapshot file) is printed on every page. Reviewers bind their decision to it
    (M(dukcapil.cctv.sop_review)).
  - Files are written atomically and only when their content changes; nothing in them depends on the time
    of rendering, so rendering the same facts again changes nothing.
  - After M(dukcapil.cctv.sop_review) or M(dukcapil.cctv.sop_agenda) has recorded something, call this module
    again to show it in the report; the facts hash stays the same.
author:
  - dukcapil.cctv contributors (!UNKNOWN)
requirements:
  - fpdf2 >= 2.7 on the host that runs the module, for the PDF (the C(pdf) format)
  - Pillow, for the snapshot thumbnails (without it valid snapshots are embedded as they are)
notes:
  - Every time and date is shown in the office's time zone O(timezone), whatever the zone of the controller; the
    times stored in the run record keep their own offset.
  - The PDF embeds the Liberation Sans font (SIL Open Font License 1.1) shipped with the collection; the module's
    action plugin passes their folder as O(font_dir). With fpdf2 2.8 or later the PDF is written as PDF/A-2b.
  - Run it on the controller (C(delegate_to) C(localhost)) or wherever the run record lives.
  - A snapshot that is not a valid JPEG or PNG image is reported in the camera table and among the problems,
    never embedded.
  - The files are C(<run_id>.<language>.html), C(<run_id>.<language>.pdf) and C(<run_id>.json) in O(dest).
    The JSON does not depend on the language.
  - The facts include step 6 of the record (C(steps.6)); record it before rendering the report that goes to review,
    never after, or the facts hash changes and the reviews given on it no longer count.
seealso:
  - module: dukcapil.cctv.sop_review
  - module: dukcapil.cctv.sop_agenda
extends_documentation_fragment:
  - dukcapil.cctv.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
    details:
      - The diff lists the report files that would change with their SHA-256 before and after.
  idempotent:
    support: full
options:
  record:
    description:
      - Path of the run-record JSON file.
      - Relative snapshot paths in it are taken relative to the folder of this file.
      - Exactly one of O(record) and O(facts) is required.
    type: path
  facts:
    description:
      - The run record itself, as a dictionary, instead of O(record).
      - Relative snapshot paths in it are taken relative to the current directory of the module.
    type: dict
  dest:
    description:
      - Folder to write the report files into; created when missing.
    type: path
    required: true
  language:
    description:
      - Language of the HTML and PDF report. V(id) (Indonesian, the SOP's own terms) or V(en) (English).
    type: str
    choices: [id, en]
    default: id
  formats:
    description:
      - Which files to write.
    type: list
    elements: str
    choices: [html, pdf, json]
    default: [html, pdf, json]
  letterhead:
    description:
      - The office letterhead (I(kop surat)). Every sub-option left out takes the value of the SOP's office
        (Pemerintah Kabupaten Semarang, Dinas Kependudukan dan Pencatatan Sipil, Jl. Pemuda No 7, Ungaran 50511).
    type: dict
    suboptions:
      government:
        description: First line, the government (e.g. V(PEMERINTAH KABUPATEN SEMARANG)).
        type: str
      office:
        description: Second line, the office (e.g. V(DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL)).
        type: str
      address:
        description: Street address.
        type: str
      phone:
        description: Telephone numbers.
        type: str
      fax:
        description: Fax number.
        type: str
      city:
        description: City, also the place before the date above the signatures.
        type: str
      postal_code:
        description: Postal code, printed after the city.
        type: str
      logo:
        description: Path of a JPEG or PNG logo to print at the left of the letterhead.
        type: path
  signatories:
    description:
      - Names and NIPs printed under the signature blocks when no review supplies them.
      - The APK defaults to the operator of the run record; the Sub Koord and the Kabid of a review that counts
        always take precedence over these values.
    type: dict
    suboptions:
      apk:
        description: The hardware administrator (I(Administrator Perangkat Keras)).
        type: dict
        suboptions:
          name:
            description: Name with titles.
            type: str
          nip:
            description: NIP.
            type: str
      sub_koordinator:
        description: The sub-coordinator (I(Sub Koordinator)).
        type: dict
        suboptions:
          name:
            description: Name with titles.
            type: str
          nip:
            description: NIP.
            type: str
      kepala_bidang:
        description: The head of division (I(Kepala Bidang)).
        type: dict
        suboptions:
          name:
            description: Name with titles.
            type: str
          nip:
            description: NIP.
            type: str
  timezone:
    description:
      - The office's time zone, in which every time and date of the report is shown (the controller's own zone does
        not matter). An IANA name - V(Asia/Jakarta) (WIB), V(Asia/Makassar) (WITA), V(Asia/Jayapura) (WIT) - or a
        POSIX TZ string without daylight saving as cameras take it (V(WIB-7)).
    type: str
    default: Asia/Jakarta
  office:
    description:
      - What is the office's own beyond its letterhead. Every sub-option left out takes the value of the SOP's office
        (Dinas Kependudukan dan Pencatatan Sipil Kabupaten Semarang).
    type: dict
    suboptions:
      approver:
        description: The approver of the SOP (the head of the office), printed in the SOP's identity.
        type: dict
        suboptions:
          name:
            description: Name with titles.
            type: str
          nip:
            description: NIP (18 digits).
            type: str
          title:
            description: Title, e.g. V(Kepala Dinas Kependudukan dan Pencatatan Sipil Kabupaten Semarang).
            type: str
      division:
        description:
          - The division (I(Bidang)) whose head (Kabid) receives the report; printed under the Kabid's signature as
            C(Kepala <division>).
        type: str
      sub_unit:
        description: The sub-coordinator's unit; printed under the Sub Koord's signature as C(Sub Koordinator <sub_unit>).
        type: str
  font_dir:
    description:
      - Folder with the Liberation Sans font files embedded in the PDF. Filled by the module's action plugin with the
        fonts shipped in the installed collection; give it only to use another copy of the same files.
    type: path
  mode:
    description:
      - File mode of the report files (as for M(ansible.builtin.file)); left as the system makes it when not given.
    type: raw
'''

EXAMPLES = r'''
- name: Write the installation report in Indonesian (HTML, PDF and JSON)
  dukcapil.cctv.sop_report:
    record: /var/lib/dukcapil-cctv/runs/SMG-2026-03-10-01.json
    dest: /var/lib/dukcapil-cctv/reports/SMG-2026-03-10-01
  delegate_to: localhost
  register: cctv_report

- name: Show the facts hash the reviewers must confirm
  ansible.builtin.debug:
    msg: "Facts SHA-256 {{ cctv_report.facts_hash }} - {{ cctv_report.files.pdf }}"

- name: Write an English PDF only, for another office (letterhead, approver, units, time zone)
  dukcapil.cctv.sop_report:
    record: /var/lib/dukcapil-cctv/runs/SMG-2026-03-10-01.json
    dest: /var/lib/dukcapil-cctv/reports/SMG-2026-03-10-01
    language: en
    formats: [pdf]
    timezone: Asia/Makassar
    letterhead:
      government: PEMERINTAH KOTA SALATIGA
      address: Jl. Hasanudin No 110
      city: Salatiga
      postal_code: "50721"
      phone: (0298) 000000
    office:
      approver:
        name: Drs. Contoh Kepala, M.Si.
        nip: "196801021994031001"
        title: Kepala Dinas Kependudukan dan Pencatatan Sipil Kota Salatiga
      division: Bidang Pengelolaan Informasi Administrasi Kependudukan
      sub_unit: Sistem Informasi Administrasi Kependudukan
    mode: "0640"
  delegate_to: localhost

- name: Render again after the review, so the acceptances and signatures show
  dukcapil.cctv.sop_report:
    record: /var/lib/dukcapil-cctv/runs/SMG-2026-03-10-01.json
    dest: /var/lib/dukcapil-cctv/reports/SMG-2026-03-10-01
    signatories:
      kepala_bidang:
        name: Ir. Agus Prasetyo, M.M.
        nip: "197008231998031004"
  delegate_to: localhost
'''

RETURN = r'''
files:
  description: Path of each report file written (or checked), by format.
  returned: always
  type: dict
  sample:
    html: /var/lib/dukcapil-cctv/reports/SMG-2026-03-10-01/SMG-2026-03-10-01.id.html
    pdf: /var/lib/dukcapil-cctv/reports/SMG-2026-03-10-01/SMG-2026-03-10-01.id.pdf
    json: /var/lib/dukcapil-cctv/reports/SMG-2026-03-10-01/SMG-2026-03-10-01.json
changed_files:
  description: The report files whose content changed (in check mode - would change).
  returned: always
  type: list
  elements: str
  sample: [/var/lib/dukcapil-cctv/reports/SMG-2026-03-10-01/SMG-2026-03-10-01.json]
facts_hash:
  description: SHA-256 of the report's facts (canonical JSON), as printed on every page; the value reviewers confirm.
  returned: always
  type: str
  sample: 802dea751b26ff09e993a10a9c73186ae96268119be705ccc0f26cc0d0c91d01
review_status:
  description:
    - Where the report stands in the chain of review, for the current facts.
    - One of V(awaiting_sub_koordinator), V(returned_by_sub_koordinator), V(awaiting_kepala_bidang),
      V(returned_by_kepala_bidang), V(accepted).
  returned: always
  type: str
  sample: awaiting_sub_koordinator
reviews:
  description:
    - Every review decision of the record, oldest first, with its standing.
    - C(state) is V(valid) (counts), V(superseded) (a later decision of the same role on the same facts) or
      V(void) (bound to facts that have changed since); C(counts) is true only for V(valid).
  returned: always
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
problems:
  description:
    - The problems in the report - those of the record (C(source=record); C(resolved) is when a later run
      fixed one, else V(null)) and those the report found (C(source=report)) such as a missing or invalid
      snapshot, a failed or unfinished step or factory credentials not proven removed.
  returned: always
  type: list
  elements: dict
  sample:
    - step: 5
      subject: CAM-SRV-02
      text: "Berkas tangkapan gambar bukan gambar JPEG/PNG: snapshots/cam-srv-02.jpg"
      source: report
      resolved: null
complete:
  description:
    - Whether the installation is complete - no open problem. A report that is not complete can be accepted only
      explicitly (M(dukcapil.cctv.sop_review) O(dukcapil.cctv.sop_review#module:accept_with_problems)).
  returned: always
  type: bool
  sample: true
open_problems:
  description: "The open problems, language-neutral (C(step N, subject: text)), as a reviewer accepts them."
  returned: always
  type: list
  elements: str
  sample: ["step 2, cam-srv-03: Give the camera its first password: SOAP fault from GetUsers"]
'''

import os
import traceback

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.dukcapil.cctv.plugins.module_utils import _files
from ansible_collections.dukcapil.cctv.plugins.module_utils import _report
from ansible_collections.dukcapil.cctv.plugins.module_utils import _report_pdf
from ansible_collections.dukcapil.cctv.plugins.module_utils import _run_record as rr


def _person():
    return dict(type='dict', options=dict(name=dict(type='str'), nip=dict(type='str')))


def argument_spec():
    return dict(
        record=dict(type='path'),
        facts=dict(type='dict'),
        dest=dict(type='path', required=True),
        language=dict(type='str', choices=['id', 'en'], default='id'),
        formats=dict(type='list', elements='str', choices=['html', 'pdf', 'json'], default=['html', 'pdf', 'json']),
        letterhead=dict(type='dict', options=dict(
            government=dict(type='str'), office=dict(type='str'), address=dict(type='str'), phone=dict(type='str'),
            fax=dict(type='str'), city=dict(type='str'), postal_code=dict(type='str'), logo=dict(type='path'),
        )),
        signatories=dict(type='dict', options=dict(apk=_person(), sub_koordinator=_person(), kepala_bidang=_person())),
        timezone=dict(type='str', default='Asia/Jakarta'),
        office=dict(type='dict', options=dict(
            approver=dict(type='dict', options=dict(name=dict(type='str'), nip=dict(type='str'), title=dict(type='str'))),
            division=dict(type='str'), sub_unit=dict(type='str'),
        )),
        font_dir=dict(type='path'),
        mode=dict(type='raw'),
    )


def _diff_entry(path, before, after):
    def describe(data):
        return 'absent\n' if data is None else 'sha256: %s\nsize: %d\n' % (rr.sha256(data), len(data))
    return {'before_header': path, 'after_header': path, 'before': describe(before), 'after': describe(after)}


def run(module):
    params = module.params
    if params['record']:
        record = rr.load(params['record'])
        base_dir = _report.base_dir_of(params['record'])
    else:
        record = params['facts']
        base_dir = os.getcwd()
    view = _report.build(record, base_dir=base_dir, language=params['language'], letterhead=params['letterhead'],
                         signatories=params['signatories'], timezone=params['timezone'], office=params['office'])
    formats = [f for f in _report.FORMATS if f in params['formats']]
    contents = _report.render(view, formats, fonts=params['font_dir'])
    names = _report.file_names(record['run_id'], params['language'])
    files, changed_files, diffs = {}, [], []
    for fmt in formats:
        path = os.path.join(params['dest'], names[fmt])
        before = _files.read_bytes(path)
        if _files.write_file(module, path, contents[fmt], mode=params['mode']):
            changed_files.append(path)
            if before != contents[fmt]:
                diffs.append(_diff_entry(path, before, contents[fmt]))
        files[fmt] = path
    document = view['document']
    result = dict(changed=bool(changed_files), files=files, changed_files=changed_files, facts_hash=view['facts_hash'],
                  review_status=document['review_status'], reviews=document['reviews'], problems=document['problems'],
                  complete=document['complete'], open_problems=document['open_problems'])
    if module._diff:
        result['diff'] = diffs
    return result


def main():
    module = AnsibleModule(argument_spec=argument_spec(), mutually_exclusive=[('record', 'facts')],
                           required_one_of=[('record', 'facts')], supports_check_mode=True)
    if 'pdf' in module.params['formats'] and not _report_pdf.HAS_FPDF:
        module.fail_json(msg=missing_required_lib('fpdf2'), exception=str(_report_pdf.FPDF_IMPORT_ERROR))
    try:
        result = run(module)
    except rr.RecordInvalid as exc:
        module.fail_json(msg='cannot write the installation report: %s' % exc, errors=exc.errors)
    except (rr.RecordError, _report.ReportError) as exc:
        module.fail_json(msg='cannot write the installation report: %s' % exc)
    except OSError as exc:
        module.fail_json(msg='cannot write the installation report into %s: %s' % (module.params['dest'], exc),
                         exception=traceback.format_exc())
    module.exit_json(**result)


if __name__ == '__main__':
    main()
