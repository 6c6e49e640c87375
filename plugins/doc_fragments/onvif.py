# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:

    # Mirrors plugins/module_utils/_onvif.py onvif_argument_spec(), option for option.
    DOCUMENTATION = r'''
options:
  hostname:
    description:
      - Address or name of the camera, as the controller reaches it.
      - The module only ever contacts this host, on O(port). Service paths come from the
        camera's own answers (GetServices, or GetCapabilities when the camera refuses it); the
        addresses written in the ONVIF WSDL files are never used.
      - When the camera advertises its services at another host or port (NAT, a misconfigured
        camera), the module keeps the paths, still contacts O(hostname):O(port), and warns.
        Redirects to another host are refused, and proxy settings from the environment are not used.
    type: str
    required: true
  port:
    description:
      - TCP port of the camera's ONVIF (HTTP or HTTPS) service. With O(hostname), the only
        address the module contacts.
    type: int
    default: 80
  username:
    description:
      - ONVIF user name.
    type: str
    default: admin
  password:
    description:
      - Password of O(username).
    type: str
    required: true
  use_tls:
    description:
      - Talk HTTPS instead of HTTP to the camera.
    type: bool
    default: false
  validate_certs:
    description:
      - Verify the camera's TLS certificate when O(use_tls=true).
      - Set to V(false) only for cameras with self-signed certificates on a trusted network.
    type: bool
    default: true
  timeout:
    description:
      - Seconds to wait for the camera to accept a connection, and then to answer one request.
        No request waits longer.
    type: int
    default: 10
  auth_mode:
    description:
      - How to authenticate ONVIF requests.
      - V(wsse) signs each request with a WS-Security UsernameToken (PasswordDigest),
        using the camera's own clock, so a camera whose clock is off still accepts it.
      - V(digest) uses HTTP Digest authentication.
      - V(auto) tries WS-Security first and falls back to HTTP Digest when the camera refuses it.
    type: str
    choices: [auto, wsse, digest]
    default: auto
requirements:
  - "lxml, on the host that runs the module (usually the controller, with C(delegate_to: localhost))."
notes:
  - "Camera modules run on the host that can reach the cameras, normally the controller.
    Use C(delegate_to: localhost) or C(connection: local) on the camera group."
  - Use C(module_defaults) with the action group C(group/dukcapil.cctv.onvif) to give the
    connection options once.
'''
