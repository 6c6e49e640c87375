#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: onvif_camera_user
short_description: Manage an ONVIF camera account, and leave no factory password on the network
version_added: 1.0.0
description:
  - Ensures that an ONVIF account of a camera exists with the given password and access
    level, or that it does not exist.
  - Rotates a factory password (for example C(root)/C(pass) of an Axis camera) to the one from
    the vault, and activates a camera that leaves the factory without any user (Hikvision-like;
    the first Administrator is created without credentials, as the ONVIF core allows for a
    device without users).
  - Reports whether the camera still accepts its factory login (RV(factory_credentials_accepted)),
    so that the stage can fail while one does. This is the hardening half of step 3 of
    SOP-PIAK-02 (configure the cameras), which puts the cameras beside the population database.
  - Passwords are never read from the camera and never returned. Whether the desired password is
    already set is found by logging in with it.
  - "Logins are tried in this order, each user/password pair at most once: V(desired) (O(name) with
    O(user_password), only with O(state=present)), V(given) (O(username) with O(password)),
    V(factory) (O(factory_username) with O(factory_password), or the factory login of O(vendor)),
    then V(activation) (only for a camera without any user, with O(activate=true)). The first login
    allowed to manage accounts is used, and reported in RV(login_used)."
author:
  - dukcapil.cctv contributors (!UNKNOWN)
options:
  name:
    description:
      - Name of the managed account.
    type: str
    required: true
  user_password:
    description:
      - Password the account must have. Required with O(state=present).
      - When logging in with it fails, the password is set (and the account created if missing).
      - Refused when it is the factory password of that same account.
    type: str
  level:
    description:
      - Access level of the account.
      - When omitted, an existing account keeps its level; it is then required to create an
        account, except for an activation, which always creates an V(Administrator).
    type: str
    choices: [Administrator, Operator, User]
  state:
    description:
      - V(present) creates or updates the account, V(absent) removes it.
      - The account the module logged in with cannot be removed by the same task.
    type: str
    choices: [present, absent]
    default: present
  activate:
    description:
      - When no login works and the camera has no user at all (never activated), create O(name)
        with O(user_password) as its first V(Administrator), without credentials.
      - With V(false) such a camera makes the task fail.
    type: bool
    default: true
  vendor:
    description:
      - Whose factory login to use when O(factory_username) is not given, from the collection's
        table of vendor factory logins.
      - V(auto) picks it from the manufacturer the camera reports once a login worked, for the
        factory check only; the first login to a camera of unknown make needs O(vendor) or
        O(factory_username), because guessing logins would lock accounts.
    type: str
    choices: [auto, axis, dahua, generic, hikvision, uniview]
    default: auto
  factory_username:
    description:
      - User name of the camera's factory login. Overrides O(vendor).
    type: str
  factory_password:
    description:
      - Password of O(factory_username).
    type: str
  password_policy:
    description:
      - The rules O(user_password) must meet, checked before the camera is contacted at all. The
        error names the rule that failed, never the password.
      - The vendor's own limits (for O(vendor=hikvision), 8 to 16 characters and 2 character
        classes) apply on top, the stricter rule winning; with O(vendor=auto) they are checked
        once the camera reported its manufacturer, still before any change.
    type: dict
    default: {}
    suboptions:
      min_length:
        description: Fewest characters.
        type: int
        default: 8
      min_classes:
        description:
          - Fewest character classes used, of lower-case letters, upper-case letters, digits and
            other characters (1 to 4).
        type: int
        default: 3
      max_length:
        description: Most characters; no limit when omitted (but the vendor's).
        type: int
      forbid_factory:
        description:
          - Refuse a password that cameras ship with (the collection's list of known factory
            passwords, compared without regard to case).
        type: bool
        default: true
extends_documentation_fragment:
  - dukcapil.cctv.onvif
  - dukcapil.cctv.attributes
  - dukcapil.cctv.attributes.ONVIF
attributes:
  check_mode:
    support: full
    details:
      - Logs in and reads only; predicts C(changed), RV(users) and RV(factory_credentials_accepted)
        exactly as a real run would.
  diff_mode:
    support: full
    details:
      - "Shows the accounts (names and levels) before and after; a password appears only as
        C(password: changed) or C(password: set)."
  idempotent:
    support: full
notes:
  - Every refused login counts on the camera, and some lock the account or the controller's
    address after a few. A run that finds nothing to do logs in once with the desired password,
    and at most once more to check the factory login (not at all when the account list already
    answers it). Until one login worked, O(auth_mode=auto) costs a refused pair two requests
    (WS-Security, then HTTP Digest); a fixed O(auth_mode) halves that.
  - Ansible hides the value of every C(no_log) option wherever it appears in a result. Giving a
    factory password that is also a user name (such as C(admin)) as O(password) or
    O(factory_password) therefore hides that user name in RV(users) too; prefer O(vendor), whose
    factory passwords are not options.
  - Check mode cannot know a camera's password policy; a password the camera finds too weak or
    too long makes the real run fail with the camera's fault (for example C(ter:PasswordTooLong)).
  - The factory check logs in with the factory login unless the answer is known without it (the
    factory account is not listed, or it is the managed account and its password is the desired one).
  - Changing the password of the account the task logged in with works; the module logs in again
    with the new password to read the result.
  - A camera counts as never activated only on positive evidence, it says so, or it lists no account
    without credentials while refusing every login, or while accepting a random password. A camera
    whose login worked, or that refuses anonymous access, is never activated anonymously.
  - RV(factory_credentials_accepted) is found by logging in with the factory login once (unless the
    run already knows the answer); when that try fails for another reason than a refusal, it is
    V(null) with a warning, never V(false).
  - When a change was written and a later request fails, the task fails with C(changed=true) and
    says what was already done.
seealso:
  - module: dukcapil.cctv.onvif_camera_info
  - module: dukcapil.cctv.onvif_discovery
  - name: ONVIF Core Specification
    description: User handling (GetUsers, CreateUsers, SetUser, DeleteUsers) and the rule for a device without users.
    link: https://www.onvif.org/profiles/specifications/
'''

EXAMPLES = r'''
- name: Harden the server-room cameras (SOP-PIAK-02 step 3)
  hosts: cameras
  gather_facts: false
  module_defaults:
    group/dukcapil.cctv.onvif:
      username: admin
      password: "{{ vault_camera_admin_password }}"
  tasks:
    - name: Give the admin account the vault password (rotates a factory password, activates a new camera)
      dukcapil.cctv.onvif_camera_user:
        hostname: "{{ ansible_host }}"
        name: admin
        user_password: "{{ vault_camera_admin_password }}"
        level: Administrator
        vendor: "{{ camera_vendor | default('auto') }}"
      delegate_to: localhost
      register: camera_admin
      # The stage fails while a camera still accepts its factory login.
      failed_when: camera_admin.failed or camera_admin.factory_credentials_accepted | default(false)

    - name: Rotate the factory password of an Axis camera's root account
      dukcapil.cctv.onvif_camera_user:
        hostname: "{{ ansible_host }}"
        username: root
        name: root
        user_password: "{{ vault_camera_root_password }}"
        vendor: axis
      delegate_to: localhost
      when: camera_vendor | default('') == 'axis'

    - name: Read-only account for the viewer application (SOP step 4)
      dukcapil.cctv.onvif_camera_user:
        hostname: "{{ ansible_host }}"
        name: viewer
        user_password: "{{ vault_camera_viewer_password }}"
        level: User
      delegate_to: localhost

- name: Audit which cameras still accept their factory login (changes nothing)
  hosts: cameras
  gather_facts: false
  check_mode: true
  tasks:
    - name: Log in and check, in check mode
      dukcapil.cctv.onvif_camera_user:
        hostname: "{{ ansible_host }}"
        username: admin
        password: "{{ vault_camera_admin_password }}"
        name: admin
        user_password: "{{ vault_camera_admin_password }}"
        vendor: "{{ camera_vendor | default('auto') }}"
      delegate_to: localhost
      register: camera_audit

    - name: List the cameras that are still open
      ansible.builtin.debug:
        msg: "{{ inventory_hostname }} accepts its factory login ({{ camera_audit.factory_credentials_source }})"
      when: camera_audit.factory_credentials_accepted_before

- name: Remove an account that is not needed any more
  hosts: cameras
  gather_facts: false
  tasks:
    - name: Remove the installer's account
      dukcapil.cctv.onvif_camera_user:
        hostname: "{{ ansible_host }}"
        username: admin
        password: "{{ vault_camera_admin_password }}"
        name: installer
        state: absent
      delegate_to: localhost
'''

RETURN = r'''
login_used:
  description:
    - Which login the module used to manage the accounts, V(desired), V(given), V(factory) or
      V(activation) (see the description). Never a user name or password.
    - V(null) with O(state=absent) on a camera without any user (nothing to log in to, nothing to remove).
  returned: success
  type: str
  sample: factory
user:
  description: The managed account after the run (predicted in check mode); V(null) when it does not exist.
  returned: success
  type: dict
  contains:
    name:
      description: Account name.
      type: str
      sample: admin
    level:
      description: Access level.
      type: str
      sample: Administrator
  sample: {name: admin, level: Administrator}
users:
  description:
    - Every account of the camera after the run (predicted in check mode), as GetUsers lists them.
      Passwords are never returned.
  returned: success
  type: list
  elements: dict
  sample: [{name: admin, level: Administrator}, {name: viewer, level: User}]
activated:
  description:
    - Whether the camera has at least one account after the run (predicted in check mode). A
      camera without accounts lets anyone create its first Administrator.
  returned: success
  type: bool
  sample: true
factory_credentials_accepted:
  description:
    - Whether the camera accepts its factory login after the run (predicted in check mode, like
      C(changed)). Use it in C(failed_when) to stop the stage while a camera is still open.
    - V(null) when the factory login is not known (O(vendor=auto) and a manufacturer that is not
      in the table, with a warning), or when the factory login could not be tried (with a warning).
  returned: success
  type: bool
  sample: false
factory_credentials_accepted_before:
  description:
    - Whether the camera accepted its factory login when the task started. In check mode, the
      camera as it is (an audit).
    - V(null) when the factory login is not known.
  returned: success
  type: bool
  sample: true
factory_credentials_source:
  description:
    - Where the factory login came from, the O(vendor) table key (for O(vendor=auto), the vendor
      matching the reported manufacturer) or V(options) (O(factory_username)); V(null) when not known.
  returned: success
  type: str
  sample: axis
identity:
  description:
    - The camera's identity (GetDeviceInformation), read with the first login that worked.
      V(null) when no login worked yet (a camera activated, or to be activated in check mode).
  returned: success
  type: dict
  sample:
    manufacturer: AXIS
    model: AXIS Q6045-E
    firmware_version: 5.55.1.2
    serial_number: 00408C123456
    hardware_id: 1C9.2
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.dukcapil.cctv.plugins.module_utils._onvif import (
    OnvifError, check_onvif_libs, onvif_argument_spec, users as accounts,
)


def main():
    argument_spec = onvif_argument_spec()
    argument_spec.update(
        name=dict(type='str', required=True),
        user_password=dict(type='str', no_log=True),
        level=dict(type='str', choices=list(accounts.LEVELS)),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        activate=dict(type='bool', default=True),
        vendor=dict(type='str', default='auto', choices=['auto'] + list(accounts.VENDORS)),
        factory_username=dict(type='str'),
        factory_password=dict(type='str', no_log=True),
        password_policy=dict(type='dict', default={}, apply_defaults=True, no_log=False, options=dict(
            min_length=dict(type='int', default=8),
            min_classes=dict(type='int', default=3),
            max_length=dict(type='int'),
            forbid_factory=dict(type='bool', default=True),
        )),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True,
                           required_if=[('state', 'present', ('user_password',))],
                           required_together=[('factory_username', 'factory_password')])
    check_onvif_libs(module)

    logins = accounts.Logins(module.params)
    try:
        accounts.validate(module.params)
        result = accounts.manage(module.params, module.check_mode, logins)
    except OnvifError as exc:
        for warning in logins.warnings:
            module.warn(warning)
        msg = str(exc)
        if logins.done:
            msg += '; already done on the camera before that: %s' % '; '.join(logins.done)
        module.fail_json(msg=msg, changed=bool(logins.done))
    finally:
        logins.close()
    for warning in logins.warnings:
        module.warn(warning)
    if not module._diff:
        result.pop('diff')
    module.exit_json(**result)


if __name__ == '__main__':
    main()
