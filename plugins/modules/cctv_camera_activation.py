#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: cctv_camera_activation
short_description: First boot of a camera the vendor's own way, ending with a working ONVIF administrator
version_added: 1.0.0
description:
  - Takes a factory-fresh camera to the state every later step needs, through the vendor's native
    API, and proves it by logging in over ONVIF with the account O(username)/O(password).
  - "V(hikvision): reads C(/SDK/activateStatus) without credentials; activates the camera with the
    ISAPI challenge exchange (RSA-1024 PKCS#1 v1.5, then AES-128-ECB of the password) so that
    C(admin) gets O(admin_password); switches ONVIF on (C(/ISAPI/System/Network/Integrate), off by
    default from firmware V5.5.0); creates or updates the ONVIF account O(username) as an
    C(administrator) in the separate ONVIF user list (C(/ISAPI/Security/ONVIF/users)). Firmware
    whose C(activateStatus) says C(supportVersion) 3 gets the V3 activation (C(GetChallengeV3)
    with an RSA-3072 key, C(StartActivateV3) with AES-CBC); B(V3 is not yet verified on a device),
    it rests on one third party's description only."
  - "V(axis): reads C(systemready.cgi) without credentials (AXIS OS 9.50 and later); while it says
    C(needsetup), creates the first administrator (O(admin_username), default C(root)) with the
    anonymous VAPIX C(pwdgrp.cgi?action=add), then waits until it logs in; creates the ONVIF
    account with ONVIF C(CreateUsers) as that administrator when it is another account."
  - "V(dahua): reads C(DevInit.getStatus) on C(/OutsideCmd) without credentials; initialises a
    factory-state camera (C(Security.getEncryptInfo), C(DevInit.setProtocolAgree), C(DevInit.account)
    in the RPAC envelope, C(DevInit.access)); on an initialised camera checks the administrator with
    the RPC2 login; creates the ONVIF account with ONVIF C(CreateUsers) as the administrator when it
    is another account. B(Not yet verified on a device): the initialisation rests on third-party
    reverse engineering only."
  - "V(onvif): ONVIF Profile Q (deprecated by ONVIF in 2022, kept for devices that implement it):
    a device that lists no user without credentials gets O(username) as its first Administrator
    with an anonymous C(CreateUsers)."
  - "V(auto) chooses from evidence and returns it in RV(vendor_evidence): the O(discovery) entry
    (a SADP answer, WS-Discovery scopes), then the vendor status URLs above (anonymous reads), then
    the HTTP C(Server) header; a device that answers none is taken as V(onvif)."
  - A camera that is already activated and refuses O(admin_password) (activated by someone else,
    or with another password) makes the task fail; it is never activated again.
  - "Every failure names the vendor, the step, the device, the HTTP status and the device's own
    status (ISAPI C(ResponseStatus) C(statusCode)/C(subStatusCode), a JSON-RPC error code)."
  - >-
    Passwords are checked before any request against the collection's policy (8 characters, 3
    character classes, no known factory password) and the vendor's rules (Hikvision 8 to 16
    printable ASCII and 2 classes, not the user name; Dahua 8 to 32, 2 classes, none of the
    characters C(' " ; : &); Axis 1 to 64 printable ASCII). With O(vendor=auto) the vendor's
    rules are checked after the anonymous reads that choose the vendor, still before any change.
author:
  - dukcapil.cctv contributors (!UNKNOWN)
options:
  username:
    description:
      - The ONVIF administrator account the later steps use (created or updated by this module).
  password:
    description:
      - Password of the ONVIF account O(username).
  vendor:
    description:
      - Whose first boot to run. V(auto) decides from evidence (see the description).
    type: str
    choices: [auto, hikvision, axis, dahua, onvif]
    default: auto
  admin_username:
    description:
      - The vendor's administrator. Defaults to the vendor's, C(admin) (Hikvision, Dahua) or
        C(root) (Axis). Hikvision always activates C(admin). Not used with O(vendor=onvif).
    type: str
  admin_password:
    description:
      - The office password for the vendor's administrator. Defaults to O(password).
    type: str
  ready_timeout:
    description:
      - Seconds to wait for an Axis camera to say it is ready, and for its new administrator to log in.
    type: int
    default: 120
  discovery:
    description:
      - One entry of RV(dukcapil.cctv.cctv_sadp_info#module:devices) or
        RV(dukcapil.cctv.onvif_discovery#module:devices) for this camera, used as evidence by
        O(vendor=auto) (no request is made for it).
    type: dict
extends_documentation_fragment:
  - dukcapil.cctv.onvif
  - dukcapil.cctv.attributes
  - dukcapil.cctv.attributes.ONVIF
attributes:
  check_mode:
    support: full
    details:
      - Makes anonymous reads, the administrator's reads and one ONVIF login only; predicts
        C(changed), RV(steps) and the state after exactly as a real run would.
  diff_mode:
    support: full
    details:
      - The state before and after (activated, ONVIF switched on, the ONVIF account's name and
        level, whether its login works); never a password.
  idempotent:
    support: full
notes:
  - The camera, its HTTP API and its ONVIF service are reached at O(hostname):O(port) only.
  - "What the code relies on, with the confidence of the vendor captures (seen in a real capture,
    documented, third party, inferred): Hikvision activation crypto and challenge answer (seen in
    a real capture), C(/SDK/activateStatus) (third party), ONVIF off from V5.5.0 (documented),
    C(Integrate) and C(ONVIF/users) (third party); Axis C(systemready) and anonymous C(pwdgrp.cgi)
    (seen in a real capture), anonymous only while no administrator exists (documented); Dahua
    initialisation (third party, not yet verified on a device), RPC2 login (seen in a real
    capture), ONVIF accounts on Axis and Dahua through ONVIF C(CreateUsers) (inferred); Hikvision
    V3 activation (third party, not yet verified on a device)."
  - Not supported yet, each with a message that says so; Hikvision activation versions above 3,
    Hikvision firmware without a separate ONVIF user list through ISAPI, Dahua login encryption
    other than C(Default), switching ONVIF on or keeping separate ONVIF accounts on Dahua.
  - When a change was written and a later request fails, the task fails with C(changed=true) and
    lists what was already done in RV(done).
seealso:
  - module: dukcapil.cctv.cctv_sadp_info
  - module: dukcapil.cctv.onvif_discovery
  - module: dukcapil.cctv.onvif_camera_user
'''

EXAMPLES = r'''
- name: First boot of the new cameras (SOP-PIAK-02 mount stage)
  hosts: cameras
  gather_facts: false
  module_defaults:
    group/dukcapil.cctv.onvif:
      username: onvifadmin
      password: "{{ vault_camera_onvif_password }}"
  tasks:
    - name: Activate the vendor's way and create the ONVIF administrator
      dukcapil.cctv.cctv_camera_activation:
        hostname: "{{ ansible_host }}"
        vendor: "{{ camera_vendor | default('auto') }}"
        admin_password: "{{ vault_camera_admin_password }}"
      delegate_to: localhost
      register: cctv_activation

    - name: Say which evidence chose the vendor
      ansible.builtin.debug:
        msg: "{{ inventory_hostname }}: {{ cctv_activation.vendor }} ({{ cctv_activation.vendor_evidence | join('; ') }})"

- name: Check which cameras still need their first boot (changes nothing)
  hosts: cameras
  gather_facts: false
  check_mode: true
  tasks:
    - name: Predict the first boot
      dukcapil.cctv.cctv_camera_activation:
        hostname: "{{ ansible_host }}"
        username: onvifadmin
        password: "{{ vault_camera_onvif_password }}"
        admin_password: "{{ vault_camera_admin_password }}"
        vendor: hikvision
      delegate_to: localhost
'''

RETURN = r'''
vendor:
  description: The vendor whose first boot ran (for O(vendor=auto), the one the evidence chose).
  returned: always
  type: str
  sample: hikvision
vendor_evidence:
  description: What chose RV(vendor), in the order it was looked at (V(the vendor option) when given).
  returned: always
  type: list
  elements: str
  sample: ["GET /SDK/activateStatus answered <ActivateStatus>"]
steps:
  description:
    - The steps the run took (predicted in check mode), of V(activate), V(enable_onvif),
      V(set_onvif_user) (Hikvision), V(create_admin) (Axis), V(initialise) (Dahua),
      V(create_first_admin) (ONVIF). Empty when nothing was to do.
  returned: always
  type: list
  elements: str
  sample: [activate, enable_onvif, set_onvif_user]
done:
  description: What was changed on the camera, in words (empty in check mode). Also returned on failure.
  returned: always
  type: list
  elements: str
  sample: [activated the device (administrator admin), switched ONVIF on, created the ONVIF administrator onvifadmin]
activated_before:
  description: Whether the camera was activated (initialised, set up) when the task started.
  returned: success
  type: bool
  sample: false
activated:
  description: Whether the camera is activated after the run (predicted in check mode).
  returned: success
  type: bool
  sample: true
onvif_enabled:
  description: Whether ONVIF is switched on after the run; V(null) when the vendor API does not say.
  returned: success
  type: bool
  sample: true
onvif_user:
  description: The ONVIF account O(username) after the run, V(null) when it does not exist (or is not known).
  returned: success
  type: dict
  contains:
    name:
      description: Account name.
      type: str
    level:
      description: Level as the vendor names it.
      type: str
  sample: {name: onvifadmin, level: administrator}
onvif_login:
  description: Whether O(username)/O(password) logged in over ONVIF after the run (predicted in check mode).
  returned: success
  type: bool
  sample: true
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.dukcapil.cctv.plugins.module_utils._onvif import check_onvif_libs, onvif_argument_spec
from ansible_collections.dukcapil.cctv.plugins.module_utils._vendor import firstboot
from ansible_collections.dukcapil.cctv.plugins.module_utils._vendor.base import VendorError


def main():
    argument_spec = onvif_argument_spec()
    argument_spec.update(
        vendor=dict(type='str', default='auto', choices=['auto'] + sorted(firstboot.VENDORS)),
        admin_username=dict(type='str'),
        admin_password=dict(type='str', no_log=True),
        ready_timeout=dict(type='int', default=120),
        discovery=dict(type='dict'),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    check_onvif_libs(module)
    holder = []
    try:
        result = firstboot.run(module.params, module.check_mode, holder=holder)
    except VendorError as exc:
        api = holder[0] if holder else None
        for warning in getattr(api, 'warnings', []):
            module.warn(warning)
        done = list(getattr(api, 'done', []))
        msg = str(exc)
        if done:
            msg += '; already done on the camera before that: %s' % '; '.join(done)
        module.fail_json(msg=msg, changed=bool(done), done=done, vendor=getattr(api, 'VENDOR', None),
                         step=exc.step, http_status=exc.http_status, device_status=exc.device_status)
    for warning in result.pop('warnings'):
        module.warn(warning)
    if not module._diff:
        result.pop('diff')
    module.exit_json(**result)


if __name__ == '__main__':
    main()
