#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: onvif_discovery
short_description: Find ONVIF cameras on the network
version_added: 1.0.0
description:
  - Finds ONVIF cameras and returns, for each, its address, its service addresses (XAddrs), its
    scopes and what they say (maker, model, name, location), its WS-Discovery endpoint reference
    and, with O(username) and O(password), its identity (serial number) and MAC address.
  - "With O(direct), each of O(addresses) and O(factory_addresses) is first asked directly, all at once:
    its identity (GetDeviceInformation) and MAC address (GetNetworkInterfaces) are read with O(username)
    and O(password) on O(port). The module returns as soon as the expected identity (O(expected_serial),
    and O(expected_mac) when given) answered -- the other addresses get 0.3 s more to answer -- or as
    soon as every address answered or refused. The WS-Discovery Probe below is sent only when nothing
    answered directly, so a camera at a known address is found in the time of its own answer, not
    after a probe timeout. The C(dukcapil.cctv.locate) role works this way."
  - "Otherwise three ways, each only when asked: a WS-Discovery Probe (SOAP-over-UDP, for
    C(dn:NetworkVideoTransmitter)) sent to UDP port 3702 of each of O(addresses); the same Probe
    sent by multicast to 239.255.255.250:3702 out of the interface O(multicast_interface); and, on
    each of O(factory_addresses), GetSystemDateAndTime without credentials on the ONVIF port O(port),
    plus the unicast Probe."
  - Used in step 2 of SOP-PIAK-02 to find a newly mounted camera (at its factory address, or by
    multicast on the installation network), and in step 3 to find one that moved.
  - Changes nothing, sends no credentials while probing, and never signs a probe, so it is never
    a failed login on a camera.
author:
  - dukcapil.cctv contributors (!UNKNOWN)
options:
  addresses:
    description:
      - IPv4 addresses or host names to send a unicast WS-Discovery Probe to (UDP port 3702).
      - The module stops waiting as soon as each of them answered (when multicast is off).
    type: list
    elements: str
    default: []
  factory_addresses:
    description:
      - Addresses where a camera may sit with its factory settings, for example V(192.168.1.64)
        (Hikvision), V(192.168.0.90) (Axis) or V(192.168.1.108) (Dahua), reached from a controller
        address in the same subnet.
      - Each gets GetSystemDateAndTime without credentials on O(port) (a camera that answers, even with an
        authentication fault, is found) and a unicast WS-Discovery Probe. A web server that is not
        ONVIF is not a camera.
    type: list
    elements: str
    default: []
  direct:
    description:
      - Ask every address directly over ONVIF first (identity and MAC, with the credentials,
        concurrently), and probe only when nothing answered. Needs O(username) and O(password).
      - A device that answers with a refusal (wrong credentials, a SOAP fault) is found, with
        RV(devices[].identity_error); a refused connection, silence or a web page that is not
        ONVIF is nothing found.
    type: bool
    default: false
    version_added: 1.0.0
  expected_serial:
    description:
      - With O(direct), the serial number of the camera looked for. The direct asks end as soon as
        it answered (plus 0.3 s for the other addresses); an address that has not answered by then
        is listed in RV(not_found).
    type: str
    version_added: 1.0.0
  expected_mac:
    description:
      - With O(expected_serial), the MAC address the camera must show too (any notation).
    type: str
    version_added: 1.0.0
  port:
    description:
      - ONVIF HTTP port for O(factory_addresses) and the direct asks, and for devices whose XAddrs name no usable port.
    type: int
    default: 80
  multicast_interface:
    description:
      - IPv4 address of the controller's interface on the camera network. When set, the Probe is
        also sent by multicast (239.255.255.250:3702) out of that interface only, with a TTL of 1
        so it never leaves that network, and every camera that answers is found.
      - Not set (the default), no multicast is sent.
      - With multicast on, the module always waits the whole O(timeout).
    type: str
  timeout:
    description:
      - Seconds the whole discovery may take, probes and identity reads together. The module
        returns within this time (earlier when every address answered and multicast is off).
      - With O(username) and O(password), the probes take at most half of it and the identity
        reads (every device in parallel) the rest.
    type: int
    default: 3
  username:
    description:
      - ONVIF user name for reading each device's identity and MAC address. Without O(username) and
        O(password), no identity is read.
    type: str
  password:
    description:
      - Password of O(username).
    type: str
  auth_mode:
    description:
      - How to authenticate the identity reads, as for the other ONVIF modules.
    type: str
    choices: [auto, wsse, digest]
    default: auto
  validate_certs:
    description:
      - Verify the TLS certificate of a device whose only XAddr is HTTPS.
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
    details:
      - It has no single O(ignore:hostname); give O(username) and O(password) in the task.
requirements:
  - "lxml, on the host that runs the module (usually the controller, with C(delegate_to: localhost))."
notes:
  - "Run it once, on the controller (C(delegate_to: localhost) and C(run_once: true), or a play on
    C(localhost)), not once per camera."
  - IPv4 only. Identity and MAC are read at the address that answered and the port of the device's
    own XAddr; an XAddr naming another host is not contacted (a warning says so).
  - Multicast reaches only cameras on the same link as O(multicast_interface); routers do not
    forward it.
seealso:
  - module: dukcapil.cctv.onvif_camera_info
  - module: dukcapil.cctv.onvif_camera_user
  - name: ONVIF Core Specification
    description: Device discovery with WS-Discovery, and the scopes a device announces.
    link: https://www.onvif.org/profiles/specifications/
'''

EXAMPLES = r'''
- name: Find the cameras of the server room (SOP-PIAK-02 steps 2 and 3)
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Ask each planned camera address, and the factory addresses of new cameras
      dukcapil.cctv.onvif_discovery:
        addresses: "{{ groups['cameras'] | map('extract', hostvars, 'ansible_host') | list }}"
        factory_addresses: [192.168.1.64, 192.168.0.90]
        username: admin
        password: "{{ vault_camera_admin_password }}"
        timeout: 5
      register: found

    - name: Show what answered
      ansible.builtin.debug:
        msg: "{{ item.address }}: {{ item.maker }} {{ item.model }} serial {{ item.identity.serial_number | default('?') }}"
      loop: "{{ found.devices }}"
      loop_control:
        label: "{{ item.address }}"

    - name: Fail when a planned camera did not answer
      ansible.builtin.assert:
        that: found.not_found | length == 0
        fail_msg: "No answer from {{ found.not_found | join(', ') }}"

- name: Find a camera that moved, by multicast on the camera network
  hosts: cameras
  gather_facts: false
  tasks:
    - name: Probe by multicast out of the controller's camera-network interface
      dukcapil.cctv.onvif_discovery:
        multicast_interface: 192.0.2.10
        username: admin
        password: "{{ vault_camera_admin_password }}"
      delegate_to: localhost
      run_once: true
      register: onvif_found

    - name: Where is this camera now (matched on its serial number)?
      ansible.builtin.debug:
        msg: "{{ inventory_hostname }} is at {{ (onvif_found.devices | selectattr('identity.serial_number', 'defined')
          | selectattr('identity.serial_number', '==', camera_serial) | map(attribute='address') | first) | default('nowhere') }}"
'''

RETURN = r'''
devices:
  description:
    - The ONVIF devices that answered, one per WS-Discovery endpoint reference (and its XAddrs),
      sorted by address and port. Two devices answering from one address (behind a NAT or a
      recorder) are two entries with the same RV(devices[].address).
  returned: success
  type: list
  elements: dict
  contains:
    address:
      description: IPv4 address the device answered from.
      type: str
      sample: 192.0.2.64
    port:
      description: ONVIF HTTP(S) port, from the device's XAddr on that address (else O(port)).
      type: int
      sample: 80
    xaddrs:
      description: Device service addresses as the device announced them (empty when only found by O(factory_addresses)).
      type: list
      elements: str
      sample: [http://192.0.2.64/onvif/device_service]
    endpoint:
      description: WS-Discovery endpoint reference address (stable per device). V(null) when found only by HTTP.
      type: str
      sample: urn:uuid:4419b600-0000-4000-8000-4419b6000001
    types:
      description: WS-Discovery types the device announced.
      type: list
      elements: str
      sample: [dn:NetworkVideoTransmitter, tds:Device]
    scopes:
      description: Scopes exactly as announced.
      type: list
      elements: str
      sample: [onvif://www.onvif.org/hardware/DS-2CD2043G2-I, onvif://www.onvif.org/name/HIKVISION]
    maker:
      description:
        - Maker, from a maker scope or else the C(name) scope (most firmwares keep the maker's name
          there until the camera is renamed). V(null) without scopes.
      type: str
      sample: HIKVISION
    model:
      description: Model, from the C(hardware) scope. V(null) without one.
      type: str
      sample: DS-2CD2043G2-I
    name:
      description: The C(name) scope. V(null) without one.
      type: str
      sample: HIKVISION
    location:
      description: The C(location) scope (for example V(city/jakarta)). V(null) without one.
      type: str
      sample: city/hangzhou
    mac:
      description: MAC address (lower case, colon separated), from the identity read, else a C(MAC) scope; V(null) if neither.
      type: str
      sample: 44:19:b6:01:02:03
    found_by:
      description: How the device was found, V(direct) (O(direct)), V(unicast), V(multicast), V(http) (O(factory_addresses)).
      type: list
      elements: str
      sample: [unicast, http]
    identity:
      description:
        - The device's identity (GetDeviceInformation), with O(username) and O(password); V(null)
          without them or when it could not be read (see RV(devices[].identity_error)).
      type: dict
      sample:
        manufacturer: HIKVISION
        model: DS-2CD2043G2-I
        firmware_version: V5.7.3 build 220112
        serial_number: DS-2CD2043G2-I20260101CCWR123456789
        hardware_id: '88'
    identity_error:
      description:
        - Why the identity could not be read (no password in it). V(null) when read or not asked.
        - An identity that was read is kept when the MAC address read fails afterwards (a warning says so).
      type: str
      sample: "ONVIF GetDeviceInformation on 192.0.2.64:80 failed: the camera refused the credentials of user 'admin' ..."
not_found:
  description: Entries of O(addresses) and O(factory_addresses) where nothing ONVIF answered, as given.
  returned: success
  type: list
  elements: str
  sample: [192.168.0.90]
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.dukcapil.cctv.plugins.module_utils._onvif import OnvifError, check_onvif_libs, discovery


def main():
    module = AnsibleModule(
        argument_spec=dict(
            addresses=dict(type='list', elements='str', default=[]),
            factory_addresses=dict(type='list', elements='str', default=[]),
            direct=dict(type='bool', default=False),
            expected_serial=dict(type='str'),
            expected_mac=dict(type='str'),
            port=dict(type='int', default=80),
            multicast_interface=dict(type='str'),
            timeout=dict(type='int', default=3),
            username=dict(type='str'),
            password=dict(type='str', no_log=True),
            auth_mode=dict(type='str', default='auto', choices=['auto', 'wsse', 'digest']),
            validate_certs=dict(type='bool', default=True),
        ),
        required_together=[('username', 'password')],
        supports_check_mode=True,
    )
    check_onvif_libs(module)
    try:
        devices, not_found, warnings = discovery.discover(module.params)
    except OnvifError as exc:
        module.fail_json(msg=str(exc), changed=False)
    for warning in warnings:
        module.warn(warning)
    module.exit_json(changed=False, devices=devices, not_found=not_found)


if __name__ == '__main__':
    main()
