#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: onvif_camera_info
short_description: Read what an ONVIF camera tells about itself
version_added: 1.0.0
description:
  - Reads a camera's identity, network settings, clock, user accounts and media profiles over
    ONVIF, without changing anything.
  - Used in step 3 of SOP-PIAK-02 (configure the cameras' IP) to check each camera before and
    after it is configured, and to fill the installation report.
  - The camera's clock is read first, without credentials; requests are then signed with the
    camera's own time, so a camera whose clock is hours off still answers.
author:
  - dukcapil.cctv contributors (!UNKNOWN)
options:
  gather:
    description:
      - What to read. Each subset costs requests to the camera; V(all) reads every subset.
      - V(identity) is one request, V(clock) one, V(users) one, V(network) six, V(profiles) one
        plus two per profile. The service list (RV(services)) is always read.
    type: list
    elements: str
    choices: [identity, network, clock, users, profiles, all]
    default: [all]
extends_documentation_fragment:
  - dukcapil.cctv.onvif
  - dukcapil.cctv.attributes
  - dukcapil.cctv.attributes.INFO_MODULE
  - dukcapil.cctv.attributes.ONVIF
notes:
  - Passwords of camera users are never read. Stream and snapshot URIs are returned without
    credentials, even when the camera embeds them.
  - When the camera advertises its services at another host or port than O(hostname) and
    O(port) (NAT, a misconfigured camera), the module still only contacts O(hostname):O(port)
    and warns.
  - A subset (or a part of RV(network)) that the camera does not implement, refuses, or answers
    with an empty reply is V(null) with a warning naming the operation and why; the other
    subsets are still read. An empty reply is unknown, never an empty setting. The task fails
    only when none of the subsets in O(gather) could be read.
seealso:
  - name: ONVIF Core Specification
    description: Device management operations (GetDeviceInformation, GetNetworkInterfaces, ...).
    link: https://www.onvif.org/profiles/specifications/
'''

EXAMPLES = r'''
- name: Inventory the server-room cameras
  hosts: cameras
  gather_facts: false
  module_defaults:
    group/dukcapil.cctv.onvif:
      username: admin
      password: "{{ camera_password }}"
      port: 80
  tasks:
    - name: Read identity, network, clock, users and profiles
      dukcapil.cctv.onvif_camera_info:
        hostname: "{{ ansible_host }}"
      delegate_to: localhost
      register: camera

    - name: Show what was found
      ansible.builtin.debug:
        msg: >-
          {{ camera.identity.manufacturer }} {{ camera.identity.model }}
          (serial {{ camera.identity.serial_number }}, MAC {{ camera.mac }})
          at {{ camera.network.addresses | join(', ') }},
          clock {{ camera.clock.offset_seconds }} s off

    - name: Read only identity and clock (two requests)
      dukcapil.cctv.onvif_camera_info:
        hostname: "{{ ansible_host }}"
        gather: [identity, clock]
      delegate_to: localhost
      register: camera_clock

    - name: Fail when a camera clock is more than five minutes off
      ansible.builtin.assert:
        that:
          - camera_clock.clock.offset_seconds | abs < 300
        fail_msg: "{{ inventory_hostname }} clock is {{ camera_clock.clock.offset_seconds }} s off"
'''

RETURN = r'''
services:
  description:
    - ONVIF services of the camera, by namespace, with the path the module uses on O(hostname):O(port).
    - Read with GetServices, or GetCapabilities when the camera refuses GetServices.
  returned: success
  type: dict
  sample:
    http://www.onvif.org/ver10/device/wsdl: /onvif/device_service
    http://www.onvif.org/ver10/media/wsdl: /onvif/Media
identity:
  description:
    - The camera's identity (GetDeviceInformation). Values as the camera reports them.
    - V(null) when it could not be read (with a warning).
  returned: when O(gather) includes V(identity) or V(all)
  type: dict
  contains:
    manufacturer:
      description: Manufacturer. Some OEM firmwares report placeholders such as C(ONVIF) or an empty string.
      type: str
      sample: HIKVISION
    model:
      description: Model.
      type: str
      sample: DS-2CD2012-I
    firmware_version:
      description: Firmware version.
      type: str
      sample: V5.2.0 build 140721
    serial_number:
      description: Serial number.
      type: str
      sample: DS-2CD2012-I20140721CCWR123456789
    hardware_id:
      description: Hardware identifier.
      type: str
      sample: '88'
mac:
  description:
    - MAC address of the interface the controller talks to (lower case, colon separated).
    - V(null) when the interfaces could not be read.
  returned: when O(gather) includes V(network) or V(all)
  type: str
  sample: 44:19:b6:01:02:03
network:
  description: Network settings. V(null) when not one of them could be read (with a warning).
  returned: when O(gather) includes V(network) or V(all)
  type: dict
  contains:
    interfaces:
      description: Network interfaces (GetNetworkInterfaces). V(null) when they could not be read.
      type: list
      elements: dict
      sample:
        - token: eth0
          name: eth0
          enabled: true
          mac: 44:19:b6:01:02:03
          mtu: 1500
          ipv4:
            enabled: true
            dhcp: false
            manual: [{address: 192.0.2.64, prefix_length: 24}]
            from_dhcp: null
            link_local: null
          ipv6: null
    dhcp:
      description: Whether the interface the controller talks to takes its IPv4 address from DHCP. V(null) without interfaces.
      type: bool
      sample: false
    addresses:
      description: IPv4 addresses in use (from DHCP when DHCP is on, else manual), as address/prefix. V(null) without interfaces.
      type: list
      elements: str
      sample: [192.0.2.64/24]
    gateway:
      description: Default gateways. V(null) when unknown (not implemented, refused, or an empty reply).
      type: dict
      sample: {ipv4: [192.0.2.1], ipv6: []}
    dns:
      description:
        - DNS settings. C(servers) are the servers in use (from DHCP when C(from_dhcp), else the
          manual ones). V(null) when unknown (not implemented, refused, or an empty reply).
      type: dict
      sample: {from_dhcp: false, servers: [192.0.2.53], manual: [192.0.2.53], from_dhcp_servers: [], search_domains: [example.org]}
    ntp:
      description: NTP settings, like RV(network.dns). V(null) when unknown.
      type: dict
      sample: {from_dhcp: false, servers: [192.0.2.123], manual: [192.0.2.123], from_dhcp_servers: []}
    hostname:
      description: Host name. V(null) when unknown.
      type: dict
      sample: {name: cam-server-room-1, from_dhcp: false}
    protocols:
      description: Network protocols (HTTP, HTTPS, RTSP) with their ports. V(null) when unknown.
      type: list
      elements: dict
      sample: [{name: HTTP, enabled: true, ports: [80]}, {name: RTSP, enabled: true, ports: [554]}]
clock:
  description: The camera clock (GetSystemDateAndTime). V(null) when it could not be read (with a warning).
  returned: when O(gather) includes V(clock) or V(all)
  type: dict
  contains:
    utc_time:
      description: The camera's UTC time when it was read (ISO 8601). V(null) if the camera gave no usable date.
      type: str
      sample: '2026-01-31T08:00:00Z'
    local_time:
      description: The camera's local time, if it reports one.
      type: str
      sample: '2026-01-31T15:00:00'
    offset_seconds:
      description: Camera clock minus controller clock, in seconds (positive when the camera is ahead).
      type: int
      sample: 7200
    date_time_type:
      description: How the camera sets its clock, V(Manual) or V(NTP).
      type: str
      sample: NTP
    daylight_savings:
      description: Whether daylight saving time is on.
      type: bool
      sample: false
    timezone:
      description: Time zone string as the camera reports it (POSIX TZ, often vendor-flavoured).
      type: str
      sample: WIB-7
    utc_source:
      description: Which element the UTC time came from, V(UTCDateTime) or V(LocalDateTime) (converted with the time zone).
      type: str
      sample: UTCDateTime
users:
  description: Camera user accounts (GetUsers). Passwords are never returned. V(null) when refused (an account below Administrator) or not implemented.
  returned: when O(gather) includes V(users) or V(all)
  type: list
  elements: dict
  contains:
    name:
      description: User name.
      type: str
      sample: admin
    level:
      description: Access level (V(Administrator), V(Operator), V(User), ...).
      type: str
      sample: Administrator
profiles:
  description: Media profiles with their stream and snapshot URIs (Media, or Media2 when the camera only has that). V(null) when they could not be read.
  returned: when O(gather) includes V(profiles) or V(all)
  type: list
  elements: dict
  contains:
    token:
      description: Profile token.
      type: str
      sample: Profile_1
    name:
      description: Profile name.
      type: str
      sample: mainStream
    fixed:
      description: Whether the profile cannot be deleted. V(null) when not reported.
      type: bool
      sample: true
    encoding:
      description: Video encoding (V(H264), V(H265), V(JPEG), ...). V(null) without a video encoder.
      type: str
      sample: H264
    resolution:
      description: Video resolution. V(null) without a video encoder.
      type: dict
      sample: {width: 1920, height: 1080}
    stream_uri:
      description:
        - RTSP URI (RTP unicast over RTSP), without credentials. V(null) when the camera refuses it.
      type: str
      sample: rtsp://192.0.2.64:554/Streaming/Channels/101?transportmode=unicast
    snapshot_uri:
      description: Snapshot (JPEG over HTTP) URI, without credentials. V(null) when the camera refuses it.
      type: str
      sample: http://192.0.2.64/onvif-http/snapshot?Profile_1
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.dukcapil.cctv.plugins.module_utils._onvif import (
    INFO_SUBSETS, OnvifClient, OnvifError, check_onvif_libs, get_info, onvif_argument_spec,
)
from ansible_collections.dukcapil.cctv.plugins.module_utils._onvif.readers import connection_problem


def main():
    argument_spec = onvif_argument_spec()
    argument_spec.update(
        gather=dict(type='list', elements='str', default=['all'], choices=list(INFO_SUBSETS) + ['all']),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    check_onvif_libs(module)
    problem = connection_problem(module.params)
    if problem:
        module.fail_json(msg=problem, changed=False)

    gather = set(module.params['gather'])
    subsets = INFO_SUBSETS if 'all' in gather else [s for s in INFO_SUBSETS if s in gather]
    client = None
    try:
        client = OnvifClient.from_params(module.params)
        result = get_info(client, subsets)
    except OnvifError as exc:
        for warning in client.warnings if client else []:
            module.warn(warning)
        module.fail_json(msg=str(exc), changed=False)
    finally:
        if client is not None:
            client.close()
    for warning in client.warnings:
        module.warn(warning)
    module.exit_json(changed=False, **result)


if __name__ == '__main__':
    main()
