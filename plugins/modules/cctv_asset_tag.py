#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: cctv_asset_tag
short_description: Give a camera (or any hardware) its asset tag in the office's numbering (SOP-PIAK-02 step 2)
version_added: 1.0.0
description:
  - Step 2 of SOP-PIAK-02 mounts the cameras; its extra rule asks to mark every piece of hardware (an ultraviolet pen
    or a sticker) and give it a serial number. This module gives the hardware of serial number O(serial) its asset
    tag, by default C(DUKCAPIL-SMG/CCTV/2026/001), and records it in the asset register, an append-only SQLite file
    created with its schema on first use. M(dukcapil.cctv.cctv_label_sheet) prints the stickers.
  - The tag is keyed by the serial number (compared without regard to case). The same serial always gets the tag it
    was first given, whatever the O(year), O(site), O(kind), O(prefix) or O(tag_format) of a later call (those only
    shape new tags); such a call changes nothing. A new serial gets the next number.
  - Numbers count within the fields of O(tag_format) among C(prefix), C(site), C(kind) and C(year); with the default
    format that is per office, kind of hardware and year, so each year starts again at C(001). Many writers at once
    (forks, parallel jobs) get distinct, gapless numbers (one C(BEGIN IMMEDIATE) transaction per tag, busy timeout,
    retries).
  - The register is append-only; a tag is never changed or deleted. When a later call gives O(maker), O(model),
    O(mac), O(room) or O(position) values that differ from the register (a camera moved to another room, a MAC
    address learnt in step 3), the new values are recorded in the register's C(history) table with the time and
    O(run_id), the tag stays, RV(asset) shows the new values and the task reports C(changed). A detail left out keeps
    its recorded value; a value is never erased.
author:
  - dukcapil.cctv contributors (!UNKNOWN)
notes:
  - In AWX the job's execution environment is thrown away after the job; put O(database) on storage that lasts
    (a mounted volume, or a host the job delegates to), like the agenda book of M(dukcapil.cctv.sop_agenda).
  - Run it on one host (usually C(delegate_to) C(localhost)) so all tags come from one register. When the task runs
    for many camera hosts at once, the forks get their numbers in the order they reach the register, not in inventory
    order; set the task keyword C(throttle) to 1, or use one task that loops over the cameras, for numbers in a known
    order.
seealso:
  - module: dukcapil.cctv.cctv_label_sheet
  - module: dukcapil.cctv.sop_agenda
extends_documentation_fragment:
  - dukcapil.cctv.attributes
attributes:
  check_mode:
    support: full
    details:
      - The register is only read (and not created). For a new serial RV(tag) is the tag the next number would give
        now. Nothing is written, so in a loop every new serial is predicted as that same next number; and when other
        writers add tags between the check and the real run, the real run gives later numbers.
  diff_mode:
    support: full
    details:
      - Shows the asset before and after (empty before for a new tag).
  idempotent:
    support: full
options:
  database:
    description:
      - Path of the asset register (SQLite file). Created with its folder and schema on the first tag.
    type: path
    default: /var/lib/dukcapil-cctv/aset.sqlite3
  serial:
    description:
      - The hardware's serial number, as printed by its maker. It identifies the asset; surrounding spaces are
        dropped and case does not matter when it is looked up.
    type: str
    required: true
  site:
    description:
      - The office's code, C(SMG) for Kabupaten Semarang. Used in new tags (C({site})).
    type: str
    required: true
  kind:
    description:
      - The kind of hardware, used in new tags (C({kind})).
    type: str
    default: CCTV
  prefix:
    description:
      - The first part of new tags (C({prefix})).
    type: str
    default: DUKCAPIL
  year:
    description:
      - The year of new tags (C({year})). Defaults to the current year in the office's O(timezone) (on 1 January
        between 00:00 and 07:00 WIB a controller in UTC is still in the old year; the office is not).
    type: int
  timezone:
    description:
      - The office's time zone (an IANA name such as V(Asia/Jakarta), V(Asia/Makassar), V(Asia/Jayapura), or a POSIX
        TZ string without daylight saving such as V(WIB-7)). The default O(year) and the times written in the
        register (C(assigned_at), C(updated_at)) are taken in it.
    type: str
    default: Asia/Jakarta
  tag_format:
    description:
      - Format of new tags, a Python format string with the fields C(prefix), C(site), C(kind), C(year) and
        C(seq) (the number). It must contain C(seq); the number counts within the other fields it uses.
    type: str
    default: '{prefix}-{site}/{kind}/{year}/{seq:03d}'
    aliases: [format]
  maker:
    description:
      - The maker (brand), e.g. C(Hikvision).
    type: str
  model:
    description:
      - The model, e.g. C(DS-2CD2143G2-I).
    type: str
  mac:
    description:
      - The MAC address; any of the usual spellings, recorded as C(aa:bb:cc:dd:ee:ff).
    type: str
  room:
    description:
      - The room the hardware is in, e.g. C(Ruang Server).
    type: str
  position:
    description:
      - Where in the room, e.g. C(Sudut timur laut, di atas rak 1).
    type: str
  run_id:
    description:
      - The run (installation) this call belongs to, recorded with a new tag or a change, e.g. C(SMG-2026-03-10-01).
        M(dukcapil.cctv.cctv_label_sheet) can select a run's assets by it.
    type: str
  timeout:
    description:
      - Seconds to wait for the register while another writer holds it.
    type: float
    default: 30
'''

EXAMPLES = r'''
- name: Tag the cameras of the server room (step 2)
  dukcapil.cctv.cctv_asset_tag:
    database: /srv/piak/aset.sqlite3
    serial: "{{ item.serial }}"
    maker: "{{ item.maker }}"
    model: "{{ item.model }}"
    site: SMG
    room: Ruang Server
    position: "{{ item.position }}"
    run_id: SMG-2026-03-10-01
  loop:
    - {serial: DS-2CD2143G2-I20240312AAWRF12345678, maker: Hikvision, model: DS-2CD2143G2-I, position: Sudut timur laut}
    - {serial: ACCC8EF1A2B3, maker: Axis, model: M3106-L Mk II, position: Pintu masuk}
  loop_control:
    label: "{{ item.serial }}"
  delegate_to: localhost
  register: cctv_tags

- name: Show the tags to write on the cameras
  ansible.builtin.debug:
    msg: "{{ cctv_tags.results | map(attribute='tag') | list }}"

- name: Record the MAC address learnt in step 3 (the tag stays)
  dukcapil.cctv.cctv_asset_tag:
    database: /srv/piak/aset.sqlite3
    serial: ACCC8EF1A2B3
    site: SMG
    mac: AC-CC-8E-F1-A2-B3
  delegate_to: localhost

- name: Tag a switch with the office's own numbering, counted per kind across the years
  dukcapil.cctv.cctv_asset_tag:
    database: /srv/piak/aset.sqlite3
    serial: SG350-10-PSF1234567
    maker: Cisco
    model: SG350-10
    kind: NET
    site: SMG
    tag_format: '{site}.{kind}.{seq:04d}'
    room: Ruang Server
    position: Rak 1, U12
  delegate_to: localhost
'''

RETURN = r'''
tag:
  description: The asset tag of O(serial) (in check mode for a new serial, the predicted one).
  returned: success
  type: str
  sample: DUKCAPIL-SMG/CCTV/2026/001
assigned:
  description: Whether this call gave the tag (a new serial); false when the serial already had it.
  returned: success
  type: bool
  sample: true
asset:
  description:
    - The asset as recorded after the call. C(room), C(position), C(maker), C(model) and C(mac) are the newest
      recorded values; C(assigned_at) and C(run_id) are those of the tagging; C(updated_at) is the time of the
      newest change after tagging (null when there was none).
  returned: success
  type: dict
  contains:
    tag:
      description: The asset tag.
      type: str
      sample: DUKCAPIL-SMG/CCTV/2026/001
    serial:
      description: The serial number as first recorded.
      type: str
      sample: DS-2CD2143G2-I20240312AAWRF12345678
    maker:
      description: The maker.
      type: str
      sample: Hikvision
    model:
      description: The model.
      type: str
      sample: DS-2CD2143G2-I
    mac:
      description: The MAC address, lower case with colons.
      type: str
      sample: ac:cc:8e:f1:a2:b3
    kind:
      description: The kind of hardware.
      type: str
      sample: CCTV
    site:
      description: The office's code.
      type: str
      sample: SMG
    room:
      description: The room.
      type: str
      sample: Ruang Server
    position:
      description: The position in the room.
      type: str
      sample: Sudut timur laut
    year:
      description: The year of the tag.
      type: int
      sample: 2026
    seq:
      description: The number of the tag within its scope.
      type: int
      sample: 1
    assigned_at:
      description: When the tag was given (local time with UTC offset).
      type: str
      sample: "2026-03-10T09:12:00+07:00"
    run_id:
      description: The run that gave the tag.
      type: str
      sample: SMG-2026-03-10-01
    updated_at:
      description: When the details last changed after tagging, or null.
      type: str
      sample: null
database:
  description: The asset register used.
  returned: success
  type: str
  sample: /var/lib/dukcapil-cctv/aset.sqlite3
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.dukcapil.cctv.plugins.module_utils import _assets
from ansible_collections.dukcapil.cctv.plugins.module_utils import _tz

GIVEN = ('serial', 'site', 'kind', 'prefix', 'year', 'maker', 'model', 'mac', 'room', 'position', 'run_id')


def argument_spec():
    return dict(
        database=dict(type='path', default=_assets.DEFAULT_DATABASE),
        serial=dict(type='str', required=True),
        site=dict(type='str', required=True),
        kind=dict(type='str', default=_assets.DEFAULT_KIND),
        prefix=dict(type='str', default=_assets.DEFAULT_PREFIX),
        year=dict(type='int'),
        timezone=dict(type='str', default='Asia/Jakarta'),
        tag_format=dict(type='str', default=_assets.DEFAULT_FORMAT, aliases=['format']),
        maker=dict(type='str'),
        model=dict(type='str'),
        mac=dict(type='str'),
        room=dict(type='str'),
        position=dict(type='str'),
        run_id=dict(type='str'),
        timeout=dict(type='float', default=30),
    )


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    params = module.params
    try:
        now = _tz.now(params['timezone'])
    except _tz.TimezoneError as exc:
        module.fail_json(msg='cannot tag serial %r: %s' % (params['serial'], exc), database=params['database'])
    given = {key: params[key] for key in GIVEN}
    if given['year'] is None:
        given['year'] = now.year
    try:
        changed, asset, before = _assets.assign(params['database'], given, tag_format=params['tag_format'],
                                                check_mode=module.check_mode, timeout=params['timeout'], now=now.isoformat())
    except _assets.AssetError as exc:
        module.fail_json(msg='cannot tag serial %r: %s' % (params['serial'], exc), database=params['database'])
    result = dict(changed=changed, tag=asset['tag'], assigned=before is None, asset=asset, database=params['database'])
    if module._diff:
        result['diff'] = {'before': before or {}, 'after': asset}
    module.exit_json(**result)


if __name__ == '__main__':
    main()
