#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: cctv_site_plan_info
short_description: Check a whole camera site plan before any device is touched (SOP-PIAK-02 step 1)
version_added: 1.0.0
description:
  - Checks the plan of one installation as a whole and returns it completed with what the rooms
    imply (each camera's prefix length and gateway).
  - Every camera belongs to an existing room; its planned address is a valid host address inside
    its room's subnet (neither the network, the broadcast nor the gateway address); planned
    addresses are unique across the site and never one of a protected host (the room's main and
    backup servers, whose addresses are reserved), a room's gateway or a workstation; host names
    are valid and unique; every camera has ONVIF credentials; every workstation watches existing
    rooms.
  - Every room has a name of its own and a subnet with room for cameras (prefix length 1 to 30); its
    gateway, when given, is a host address inside that subnet and never a protected host's address.
  - Every error starts with the path of the wrong field (for example C(cameras[1].address)) and its
    value, names the camera, room, workstation or protected host, and for a clash the field it
    clashes with. Nothing is contacted.
  - The step playbooks that touch devices run this check first (C(dukcapil.cctv.site_plan_check)),
    so a step run on its own, as an AWX job template runs it, never acts on a plan that fails here.
author:
  - dukcapil.cctv contributors (!UNKNOWN)
extends_documentation_fragment:
  - dukcapil.cctv.attributes
  - dukcapil.cctv.attributes.INFO_MODULE
options:
  rooms:
    description:
      - The rooms, each with C(name), C(subnet) (the cameras' IPv4 subnet, e.g. C(10.33.22.0/24))
        and optionally C(gateway).
    type: list
    elements: dict
    required: true
  cameras:
    description:
      - The cameras, each with C(name), C(room), C(address) (the planned address), optionally
        C(hostname), C(current_address) (where the camera answers now, its C(ansible_host), never a
        protected host's address; a host name is not compared) and C(has_credentials) (default
        true; pass whether the vault gives the camera a password, never the password itself).
    type: list
    elements: dict
    required: true
  protected:
    description:
      - Hosts no task may ever target (the main and backup servers of the population database),
        each with C(name) and C(address). Their addresses are reserved in the plan.
    type: list
    elements: dict
    default: []
  workstations:
    description:
      - The workstations, each with C(name), C(rooms) (the rooms they watch) and optionally C(address).
    type: list
    elements: dict
    default: []
  fail_on_error:
    description:
      - Fail the task when the plan has any error. With V(false) the errors are only returned.
    type: bool
    default: true
'''

EXAMPLES = r'''
- name: Check the site plan before touching any camera
  dukcapil.cctv.cctv_site_plan_info:
    rooms:
      - {name: Ruang Server, subnet: 10.33.22.0/24, gateway: 10.33.22.1}
    cameras:
      - {name: cam-srv-01, room: Ruang Server, address: 10.33.22.11, hostname: cam-srv-01}
      - {name: cam-srv-02, room: Ruang Server, address: 10.33.22.12, hostname: cam-srv-02}
    protected:
      - {name: db-utama, address: 10.33.22.5}
      - {name: db-cadangan, address: 10.33.22.6}
    workstations:
      - {name: ws-apk-01, rooms: [Ruang Server]}
  delegate_to: localhost
  run_once: true
  register: cctv_site_plan
'''

RETURN = r'''
valid:
  description: Whether the plan has no error.
  returned: always
  type: bool
  sample: true
errors:
  description: Every error of the plan, each naming the field and the value.
  returned: always
  type: list
  elements: str
  sample: ["cameras[1].address: 10.33.22.5 (camera cam-srv-02) is the reserved address of protected host db-utama (protected[0].address)"]
plan:
  description: The plan as given, each camera completed with C(prefix_length) and C(gateway) from its room.
  returned: always
  type: dict
  sample:
    cameras:
      - {name: cam-srv-01, room: Ruang Server, address: 10.33.22.11, prefix_length: 24, gateway: 10.33.22.1}
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.dukcapil.cctv.plugins.module_utils._siteplan import check_plan


def main():
    module = AnsibleModule(
        argument_spec=dict(
            rooms=dict(type='list', elements='dict', required=True),
            cameras=dict(type='list', elements='dict', required=True),
            protected=dict(type='list', elements='dict', default=[]),
            workstations=dict(type='list', elements='dict', default=[]),
            fail_on_error=dict(type='bool', default=True),
        ),
        supports_check_mode=True,
    )
    p = module.params
    errors, plan = check_plan(p['rooms'], p['cameras'], p['protected'], p['workstations'])
    result = dict(changed=False, valid=not errors, errors=errors, plan=plan)
    if errors and p['fail_on_error']:
        module.fail_json(msg='the site plan has %d error(s): %s' % (len(errors), '; '.join(errors)), **result)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
