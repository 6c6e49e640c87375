#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: cctv_sadp_info
short_description: Find Hikvision cameras, activated or not, with a SADP inquiry
version_added: 1.0.0
description:
  - Sends a Hikvision SADP inquiry (an XML C(Probe) of type C(inquiry), UDP port 37020) and returns
    every device that answered, with its model, serial number, MAC address, IPv4 address and
    whether it is activated.
  - SADP finds cameras that WS-Discovery cannot, a Hikvision camera that is not yet activated, or
    whose ONVIF is still switched off. WS-Discovery (M(dukcapil.cctv.onvif_discovery)) stays the
    way to find ONVIF devices.
  - The inquiry is sent only where asked, unicast to each of O(addresses), and, with
    O(multicast_interface), to the group 239.255.255.250 out of that interface only, with a TTL of
    1 (it never leaves the link). Devices answer by multicast, also from another subnet, so
    answers are heard on O(multicast_interface) as well.
author:
  - dukcapil.cctv contributors (!UNKNOWN)
options:
  addresses:
    description:
      - IPv4 addresses to send the inquiry to (unicast), for example a camera's factory address.
    type: list
    elements: str
    default: []
  multicast_interface:
    description:
      - IPv4 address of the controller on the camera network. The inquiry is multicast out of
        this interface only, and answers are listened for there.
    type: str
  port:
    description:
      - UDP port of SADP. Change it only for a test bench.
    type: int
    default: 37020
  timeout:
    description:
      - Seconds to listen for answers (the inquiry is repeated once after a third of it).
    type: int
    default: 3
extends_documentation_fragment:
  - dukcapil.cctv.attributes
  - dukcapil.cctv.attributes.INFO_MODULE
notes:
  - "The answer fields are the ones seen in real SADP captures (vendor captures INDEX.md H8,
    documented and third party); C(Activated) is missing on firmware from before 2015
    (RV(devices[].activated) is then V(null))."
  - Give at least one of O(addresses) or O(multicast_interface).
seealso:
  - module: dukcapil.cctv.cctv_camera_activation
  - module: dukcapil.cctv.onvif_discovery
'''

EXAMPLES = r'''
- name: Find the Hikvision cameras of the new site
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Ask on the camera network and at the factory address
      dukcapil.cctv.cctv_sadp_info:
        multicast_interface: 192.0.2.10
        addresses: [192.168.1.64]
      register: cctv_sadp

    - name: List the cameras that still need activation
      ansible.builtin.debug:
        msg: "{{ cctv_sadp.devices | rejectattr('activated') | map(attribute='serial') | list }}"
'''

RETURN = r'''
devices:
  description: Devices that answered, one per serial number, sorted by address.
  returned: always
  type: list
  elements: dict
  contains:
    vendor:
      description: Always V(hikvision) (SADP is Hikvision's protocol; OEM brands answer it too).
      type: str
      sample: hikvision
    protocol:
      description: Always V(sadp); lets M(dukcapil.cctv.cctv_camera_activation) use the entry as evidence.
      type: str
      sample: sadp
    model:
      description: Model (C(DeviceDescription)).
      type: str
      sample: DS-2CD2043G2-I
    serial:
      description: Serial number (C(DeviceSN)).
      type: str
      sample: DS-2CD2043G2-I20200101AAWRE12345678
    mac:
      description: MAC address, lower case and colon separated; V(null) when missing.
      type: str
      sample: 44:19:b6:01:02:03
    address:
      description: The IPv4 address the device reports (C(IPv4Address)).
      type: str
      sample: 192.168.1.64
    answered_from:
      description: The source address of the answer.
      type: str
      sample: 192.168.1.64
    subnet_mask:
      description: The device's IPv4 subnet mask.
      type: str
      sample: 255.255.255.0
    gateway:
      description: The device's IPv4 gateway.
      type: str
      sample: 192.168.1.1
    dhcp:
      description: Whether the device uses DHCP; V(null) when not reported.
      type: bool
      sample: false
    http_port:
      description: HTTP port; V(null) when not reported.
      type: int
      sample: 80
    command_port:
      description: SDK command port; V(null) when not reported.
      type: int
      sample: 8000
    software_version:
      description: Firmware version as reported.
      type: str
      sample: V5.6.2build 190701
    activated:
      description: Whether the device is activated; V(null) on firmware that does not say.
      type: bool
      sample: false
    found_by:
      description: How answers arrived, V(unicast) and/or V(multicast).
      type: list
      elements: str
      sample: [multicast]
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.dukcapil.cctv.plugins.module_utils._vendor import sadp
from ansible_collections.dukcapil.cctv.plugins.module_utils._vendor.base import HAS_LXML, VendorError


def main():
    module = AnsibleModule(argument_spec=dict(
        addresses=dict(type='list', elements='str', default=[]),
        multicast_interface=dict(type='str'),
        port=dict(type='int', default=sadp.SADP_PORT),
        timeout=dict(type='int', default=3),
    ), supports_check_mode=True)
    if not HAS_LXML:
        from ansible.module_utils.basic import missing_required_lib
        module.fail_json(msg=missing_required_lib('lxml'))
    try:
        devices, warnings = sadp.inquire(module.params)
    except VendorError as exc:
        module.fail_json(msg=str(exc))
    for warning in warnings:
        module.warn(warning)
    module.exit_json(changed=False, devices=devices)


if __name__ == '__main__':
    main()
