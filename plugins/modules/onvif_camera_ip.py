#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: onvif_camera_ip
short_description: Configure an ONVIF camera's IP address, gateway, DNS, NTP, host name and time zone
version_added: 1.0.0
description:
  - Declares a camera's network settings over ONVIF (step 3 of SOP-PIAK-02, configure the
    cameras' IP). Only the options given are managed; the module reads the camera, changes only
    what differs, and reads the result back.
  - "Time first: when the camera clock is more than O(clock_max_offset) seconds off, the clock is
    set before anything else (to the controller's UTC time, then to NTP when O(ntp_servers) are
    given), and the module re-reads it, so every signed request keeps working, also after a reboot."
  - "A new address is changed safely, as one step: the plan is validated before the camera is
    contacted; the module refuses when any device answers at the new address; it sends the new
    configuration, reboots the camera when it asks for it (RebootNeeded), waits for it at the new
    address for at most O(reboot_timeout) seconds, and accepts it only when its serial number and
    MAC address match and it shows the new configuration. Otherwise the task fails, saying what was
    sent, where the camera was last seen, and how to find it."
  - "The device is the judge: every change is read back. When the read-back contradicts what was
    sent (a camera that answers a Set with an empty reply and changes nothing, a clock step that
    does not take), the task fails, naming what was sent and what the camera now reports; C(changed)
    then tells whether the camera now holds any of the changes. A setting the camera answers with
    an empty Get reply is unknown, so it is not managed (the task fails before any write)."
  - A SetNetworkInterfaces reply that does not say whether a reboot is needed is not taken as
    RebootNeeded, the interface is read back first, the camera is rebooted only when it shows the
    change pending, and the task fails without a reboot when it shows no change.
  - The result gives the old and the new address (RV(old_address), RV(address)), so the play can
    move the inventory host to its new address for the tasks that follow.
author:
  - dukcapil.cctv contributors (!UNKNOWN)
options:
  address:
    description:
      - Static IPv4 address of the camera. Requires O(prefix_length); implies a static
        configuration (DHCP off).
      - The address must not be the network or broadcast address of its subnet, nor O(gateway).
        When it differs from the camera's address, nothing may answer there (see
        O(conflict_check_ports)).
    type: str
  prefix_length:
    description:
      - Prefix length of O(address) (V(24) for 255.255.255.0), from 1 to 30.
    type: int
  dhcp:
    description:
      - V(true) makes the camera take its IPv4 address from DHCP. The new address is not known in
        advance, so switching to DHCP needs O(dhcp_expected_address) (the address the DHCP server
        reserves for the camera's MAC); without it the module refuses and changes nothing.
      - V(false) only asserts a static configuration; a camera on DHCP needs O(address) and
        O(prefix_length) for that (which imply V(false)).
    type: bool
  dhcp_expected_address:
    description:
      - With O(dhcp=true), the address the camera will get from DHCP. The module waits for the
        camera there after the switch and refuses when another device answers there first.
    type: str
  gateway:
    description:
      - IPv4 default gateway. Must be inside the subnet of O(address) (or of the camera's current
        address). IPv6 gateways the camera has are kept.
    type: str
  dns_servers:
    description:
      - DNS servers (IP addresses), in order. Sets them as manual servers (DNS from DHCP off);
        V([]) leaves the camera without DNS servers. Search domains are kept.
    type: list
    elements: str
  ntp_servers:
    description:
      - NTP servers (IP addresses or DNS names), in order, as manual servers (NTP from DHCP off).
      - A non-empty list also makes the camera clock follow NTP (DateTimeType NTP). V([]) removes
        the servers.
    type: list
    elements: str
  camera_hostname:
    description:
      - The camera's own host name (SetHostname). Compared without regard to case.
      - Called C(camera_hostname) because O(hostname) is the address the module connects to.
    type: str
  timezone:
    description:
      - Time zone as a POSIX TZ string, for example V(WIB-7) (UTC+7, Western Indonesia) or
        V(CST6CDT,M3.2.0,M11.1.0). Mind the POSIX sign, east of UTC is negative.
      - Two zones without daylight-saving rules at the same offset count as equal (some firmwares
        rewrite V(WIB-7) as V(CST-7:00:00)).
    type: str
  clock_max_offset:
    description:
      - Seconds the camera clock may differ from the controller's before the module sets it
        (first, before any other change). The clock is set to the controller's UTC time, then to
        NTP when O(ntp_servers) are given.
    type: int
    default: 60
  reboot_timeout:
    description:
      - Seconds to wait for the camera at its new address after an address change (from the
        reboot, or the change when no reboot is needed). The camera is polled with short
        requests; when the time is up the task fails, without reporting success (after one last
        look at the old address, a few seconds at most). From 1 to 3600.
    type: int
    default: 180
  conflict_check_ports:
    description:
      - TCP ports probed at a new address before the change; when any device answers on one, the
        module refuses and does not touch the camera.
      - Default is O(port), 80, 443 and 554. On a non-loopback address, a refused connection (a
        TCP reset) also counts as a device being there.
    type: list
    elements: int
  conflict_check_methods:
    description:
      - How the module looks for a device at a new address before the change. Only that address
        is ever contacted.
      - V(tcp) connects to O(conflict_check_ports). V(icmp) sends one ICMP echo (where the
        controller lets an unprivileged user send one, C(net.ipv4.ping_group_range); skipped
        otherwise). V(neighbour) then reads the controller's ARP table (read-only) for the
        address, which a device on the same segment fills by answering ARP even when it drops
        every TCP port and ICMP.
      - Default is all three.
      - On loopback addresses (the simulator, tests) only V(tcp) tells anything, the local kernel
        answers ICMP for all of 127.0.0.0/8 and keeps no ARP entries, so V(icmp) and V(neighbour)
        are skipped there. Beyond a router, V(neighbour) sees nothing (only the router's own
        entry), and a device that drops everything and is not on the segment cannot be seen at all.
    type: list
    elements: str
    choices: [tcp, icmp, neighbour]
extends_documentation_fragment:
  - dukcapil.cctv.onvif
  - dukcapil.cctv.attributes
  - dukcapil.cctv.attributes.ONVIF
attributes:
  check_mode:
    support: full
    details:
      - Check mode makes read requests only (and the occupancy check of a new address) and
        predicts C(changed) as a real run would.
  diff_mode:
    support: full
    details:
      - The diff shows the managed fields only, before and after.
  idempotent:
    support: full
notes:
  - Only IPv4 is configured; the IPv6 settings and other interfaces of the camera are left alone.
  - "The order is fixed: NTP and the clock, DNS, host name, gateway, then the IPv4 address. A
    gateway the camera refuses before an address change (outside its current subnet) is set again
    at the new address."
  - The controller must reach both the old and the new address (same network segment, or routes
    that do not depend on the camera's own gateway).
  - In check mode RV(address) is the current address (nothing moved); the diff shows the planned one.
seealso:
  - module: dukcapil.cctv.onvif_camera_info
  - module: dukcapil.cctv.onvif_discovery
'''

EXAMPLES = r'''
- name: Give the server-room cameras their planned addresses (SOP-PIAK-02 step 3)
  hosts: cameras
  gather_facts: false
  module_defaults:
    group/dukcapil.cctv.onvif:
      username: admin
      password: "{{ camera_password }}"
  tasks:
    - name: Configure address, gateway, DNS, NTP, host name and time zone
      dukcapil.cctv.onvif_camera_ip:
        hostname: "{{ ansible_host }}"
        address: "{{ camera_address }}"
        prefix_length: 24
        gateway: 10.20.30.1
        dns_servers: [10.20.30.53]
        ntp_servers: [10.20.30.123]
        camera_hostname: "{{ inventory_hostname }}"
        timezone: WIB-7
      delegate_to: localhost
      register: camera_ip

    - name: Talk to the camera at its new address from now on
      ansible.builtin.set_fact:
        ansible_host: "{{ camera_ip.address }}"

    - name: Read the camera again, at its new address
      dukcapil.cctv.onvif_camera_info:
        hostname: "{{ ansible_host }}"
        gather: [identity, network]
      delegate_to: localhost

- name: Move one camera from its factory address and add it to the inventory
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Change the address of a new Hikvision camera
      dukcapil.cctv.onvif_camera_ip:
        hostname: 192.168.1.64
        password: "{{ camera_password }}"
        address: 10.20.30.41
        prefix_length: 24
        gateway: 10.20.30.1
        reboot_timeout: 240
      register: moved

    - name: Add it under its new address
      ansible.builtin.add_host:
        name: cam-server-room-1
        groups: cameras
        ansible_host: "{{ moved.address }}"

- name: Put a camera on DHCP with a reserved lease
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Switch to DHCP and wait for it at its reserved address
      dukcapil.cctv.onvif_camera_ip:
        hostname: 10.20.30.41
        password: "{{ camera_password }}"
        dhcp: true
        dhcp_expected_address: 10.20.30.141
'''

RETURN = r'''
old_address:
  description: The address the module reached the camera at (O(hostname)).
  returned: always
  type: str
  sample: 192.168.1.64
address:
  description:
    - The address the camera answers at after the task; the new one when it moved, else
      O(hostname). In check mode the current address (nothing moved).
    - Use it as the host's C(ansible_host) for the tasks that follow.
  returned: success
  type: str
  sample: 10.20.30.41
changes:
  description:
    - What differed and was changed (or, in check mode, would be), one entry per field, with the
      ONVIF operation that writes it. Empty when nothing changed.
    - Fields are V(dhcp), V(address), V(gateway), V(dns_from_dhcp), V(dns_servers),
      V(ntp_from_dhcp), V(ntp_servers), V(date_time_type), V(clock_offset_seconds),
      V(hostname) and V(timezone).
  returned: always
  type: list
  elements: dict
  sample:
    - {field: address, before: 192.168.1.64/24, after: 10.20.30.41/24, operation: SetNetworkInterfaces}
    - {field: clock_offset_seconds, before: 7200, after: 0, operation: SetSystemDateAndTime}
applied:
  description: On failure, the changes that were already written before the error (empty when nothing was).
  returned: failure, once the options were valid
  type: list
  elements: dict
  sample:
    - {field: hostname, before: localhost, after: cam-server-room-1, operation: SetHostname}
progress:
  description:
    - Timestamped events of the run (reads, each write, the reboot, the wait at the new
      address), also sent to the controller's system log.
  returned: always
  type: list
  elements: dict
  sample:
    - {time: '2026-03-10T02:15:04.120Z', elapsed: 0.31, event: 'SystemReboot sent to 192.168.1.64:80'}
    - {time: '2026-03-10T02:15:52.870Z', elapsed: 49.06, event: 'the camera answers at 10.20.30.41 after 48 s: serial and MAC match'}
network:
  description:
    - The camera's network settings after the task, read back at RV(address), in the shape of
      M(dukcapil.cctv.onvif_camera_info)'s C(network) (interfaces, dhcp, addresses, gateway, dns,
      ntp, hostname, protocols). In check mode, the settings read (unchanged).
  returned: success
  type: dict
  sample:
    interfaces: [{token: eth0, name: eth0, enabled: true, mac: 44:19:b6:01:02:03, mtu: 1500,
                  ipv4: {enabled: true, dhcp: false, manual: [{address: 10.20.30.41, prefix_length: 24}],
                         from_dhcp: null, link_local: null}, ipv6: null}]
    dhcp: false
    addresses: [10.20.30.41/24]
    gateway: {ipv4: [10.20.30.1], ipv6: []}
    dns: {from_dhcp: false, servers: [10.20.30.53], manual: [10.20.30.53], from_dhcp_servers: [], search_domains: []}
    ntp: {from_dhcp: false, servers: [10.20.30.123], manual: [10.20.30.123], from_dhcp_servers: []}
    hostname: {name: cam-server-room-1, from_dhcp: false}
    protocols: [{name: HTTP, enabled: true, ports: [80]}]
clock:
  description:
    - The camera clock after the task, in the shape of M(dukcapil.cctv.onvif_camera_info)'s C(clock)
      (utc_time, local_time, offset_seconds, date_time_type, daylight_savings, timezone, utc_source).
  returned: success
  type: dict
  sample: {utc_time: '2026-03-10T02:15:53Z', local_time: '2026-03-10T09:15:53', offset_seconds: 0,
           date_time_type: NTP, daylight_savings: false, timezone: WIB-7, utc_source: UTCDateTime}
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.dukcapil.cctv.plugins.module_utils._netplan import PlanError
from ansible_collections.dukcapil.cctv.plugins.module_utils._onvif import (
    CameraIpJob, NetworkChangeError, OnvifClient, OnvifError, Plan, check_onvif_libs, onvif_argument_spec,
)


def ip_argument_spec():
    return dict(
        address=dict(type='str'),
        prefix_length=dict(type='int'),
        dhcp=dict(type='bool'),
        dhcp_expected_address=dict(type='str'),
        gateway=dict(type='str'),
        dns_servers=dict(type='list', elements='str'),
        ntp_servers=dict(type='list', elements='str'),
        camera_hostname=dict(type='str'),
        timezone=dict(type='str'),
        clock_max_offset=dict(type='int', default=60),
        reboot_timeout=dict(type='int', default=180),
        conflict_check_ports=dict(type='list', elements='int'),
        conflict_check_methods=dict(type='list', elements='str', choices=['tcp', 'icmp', 'neighbour']),
    )


def main():
    argument_spec = onvif_argument_spec()
    argument_spec.update(ip_argument_spec())
    module = AnsibleModule(
        argument_spec=argument_spec,
        mutually_exclusive=[('dhcp', 'address'), ('dhcp', 'prefix_length'), ('dhcp', 'gateway')],
        required_together=[('address', 'prefix_length')],
        required_by={'dhcp_expected_address': 'dhcp'},
        supports_check_mode=True,
    )
    check_onvif_libs(module)

    def connect(host, timeout=None):
        params = dict(module.params, hostname=host)
        if timeout is not None:
            params['timeout'] = timeout
        return OnvifClient.from_params(params)

    job = None
    try:
        plan = Plan(module.params)
        job = CameraIpJob(plan, connect, check_mode=module.check_mode, log=module.log)
        result = job.run()
    except (PlanError, OnvifError, NetworkChangeError) as exc:
        details = {'changed': False, 'old_address': module.params['hostname'], 'changes': [], 'progress': []}
        if job is not None:
            for warning in job.warnings:
                module.warn(warning)
            details.update(changed=job.changed, applied=job.applied, changes=job.changes, progress=job.progress)
        module.fail_json(msg=str(exc), **details)
    finally:
        if job is not None:
            job.close()
    for warning in job.warnings:
        module.warn(warning)
    diff = result.pop('diff')
    if module._diff:
        result['diff'] = diff
    module.exit_json(**result)


if __name__ == '__main__':
    main()
