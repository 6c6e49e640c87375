#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: cctv_camera_locate
short_description: Find one camera by the identity bound to it in the run record
version_added: 1.0.0
description:
  - The identity gate of every device stage of SOP-PIAK-02 (the C(dukcapil.cctv.locate) role calls it). A camera's
    identity, its serial number AND its MAC address, is bound once in step 2 and kept in the run record
    (O(run_record)); from then on a device is this camera only when it shows that identity, wherever it answers.
  - Asks every one of O(addresses) (and O(factory_address)) directly and at once over ONVIF, reading identity
    (GetDeviceInformation) and MAC address (GetNetworkInterfaces) with O(username) and O(password), and returns as
    soon as the bound identity answered (see O(dukcapil.cctv.onvif_discovery#module:direct)). A WS-Discovery
    probe, which waits its timeout, is sent only when nothing answered directly.
  - A camera with no identity bound yet (no run record, or no serial number in its entry) is only the device at
    O(factory_address); its identity is returned so that step 2 can bind it.
  - Fails, naming both identities, when an unknown device answers at O(planned_address) (it is never taken for the
    camera, and the address counts as occupied); when a camera with no identity bound yet has a device at its
    planned address and nothing at its factory address; and when the camera answers nowhere, naming every address
    asked and what answered there.
  - Changes nothing.
author:
  - dukcapil.cctv contributors (!UNKNOWN)
options:
  name:
    description: The camera's name in the run record (its inventory host name).
    type: str
    required: true
  run_record:
    description:
      - The run record file (M(dukcapil.cctv.sop_run_record)) that holds the identity bound to the camera.
      - Not given, or a file that does not exist yet, means no identity is bound.
    type: path
  addresses:
    description: Where the camera can be (its planned and its current address), all asked at once.
    type: list
    elements: str
    default: []
  factory_address:
    description: Where the camera answers out of the box. Asked too; the only address taken for a camera with no identity bound.
    type: str
  planned_address:
    description: The camera's planned address, asked too; an unknown device answering there is refused.
    type: str
  port:
    description: The cameras' ONVIF HTTP port.
    type: int
    default: 80
  username:
    description: ONVIF user for reading the identity.
    type: str
    required: true
  password:
    description: Its password.
    type: str
    required: true
  timeout:
    description: Seconds the whole search may take at most (it returns as soon as the camera answered).
    type: int
    default: 3
  auth_mode:
    description: How to authenticate, as for the other ONVIF modules.
    type: str
    choices: [auto, wsse, digest]
    default: auto
  validate_certs:
    description: Verify the TLS certificate of a device whose only XAddr is HTTPS.
    type: bool
    default: true
extends_documentation_fragment:
  - dukcapil.cctv.attributes
  - dukcapil.cctv.attributes.INFO_MODULE
attributes:
  action_group:
    description: Not in the C(dukcapil.cctv.onvif) action group.
    support: none
    membership: []
requirements:
  - "lxml, on the host that runs the module (usually the controller, with C(delegate_to: localhost))."
seealso:
  - module: dukcapil.cctv.onvif_discovery
  - module: dukcapil.cctv.sop_run_record
'''

EXAMPLES = r'''
- name: Find each camera by the identity bound in step 2, and point ansible_host at it
  hosts: cameras
  gather_facts: false
  connection: local
  tasks:
    - name: Ask the camera's planned and current addresses at once
      dukcapil.cctv.cctv_camera_locate:
        name: "{{ inventory_hostname }}"
        run_record: /srv/sop-piak-02/run-2026-001/record.json
        addresses: ["{{ camera_address }}", "{{ ansible_host }}"]
        factory_address: "{{ ansible_host }}"
        planned_address: "{{ camera_address }}"
        username: admin
        password: "{{ vault_camera_admin_password }}"
      register: located

    - name: Talk to the camera where it answers
      ansible.builtin.set_fact:
        ansible_host: "{{ located.address }}"
'''

RETURN = r'''
address:
  description: The address where the camera answers.
  returned: success
  type: str
  sample: 192.0.2.21
port:
  description: Its ONVIF port.
  returned: success
  type: int
  sample: 80
bound:
  description: Whether the run record binds an identity to the camera (V(false) for a new camera, found at its factory address).
  returned: success
  type: bool
  sample: true
identity:
  description: The camera's identity as it answered (GetDeviceInformation).
  returned: success
  type: dict
  sample:
    manufacturer: HIKVISION
    model: DS-2CD2043G2-I
    firmware_version: V5.7.3 build 220112
    serial_number: DS-2CD2043G2-I20260101CCWR123456789
    hardware_id: '88'
mac:
  description: The camera's MAC address (lower case, colon separated); V(null) when it could not be read.
  returned: success
  type: str
  sample: 44:19:b6:01:02:03
devices:
  description: Every device that answered, as M(dukcapil.cctv.onvif_discovery) returns them.
  returned: success
  type: list
  elements: dict
  sample: []
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.dukcapil.cctv.plugins.module_utils import _run_record
from ansible_collections.dukcapil.cctv.plugins.module_utils._onvif import OnvifError, check_onvif_libs, locate


def main():
    module = AnsibleModule(
        argument_spec=dict(
            name=dict(type='str', required=True),
            run_record=dict(type='path'),
            addresses=dict(type='list', elements='str', default=[]),
            factory_address=dict(type='str'),
            planned_address=dict(type='str'),
            port=dict(type='int', default=80),
            username=dict(type='str', required=True),
            password=dict(type='str', required=True, no_log=True),
            timeout=dict(type='int', default=3),
            auth_mode=dict(type='str', default='auto', choices=['auto', 'wsse', 'digest']),
            validate_certs=dict(type='bool', default=True),
        ),
        supports_check_mode=True,
    )
    check_onvif_libs(module)
    record = {}
    if module.params['run_record']:
        try:
            record = _run_record.load(module.params['run_record'])
        except _run_record.RecordNotFound:
            record = {}
        except _run_record.RecordError as exc:
            module.fail_json(msg='run_record: %s' % exc)
    try:
        device, devices, bound, warnings = locate.locate(module.params, record)
    except OnvifError as exc:
        module.fail_json(msg='cctv_camera_locate: %s' % exc, changed=False)
    for warning in warnings:
        module.warn(warning)
    module.exit_json(changed=False, address=device['address'], port=device['port'], bound=bound,
                     identity=device['identity'], mac=device['mac'], devices=devices)


if __name__ == '__main__':
    main()
