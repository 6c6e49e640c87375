#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: cctv_scene_check
short_description: Tell whether each camera still shows the scene of its installation evidence frame
version_added: 1.0.0
description:
  - Compares, for each camera, a frame taken now (for example by M(dukcapil.cctv.onvif_stream_check) with
    O(dukcapil.cctv.onvif_stream_check#module:dest)) with the reference frame kept as evidence at installation
    (step 5, the run record's C(cameras[].snapshot)), so a camera turned away from the server racks is caught.
  - The measure is the correlation of the mean grey levels of a 16 x 16 grid of tiles of the two frames, after
    setting aside the eighth of the tiles that disagree most (a person passing, a moved chair, the on-screen
    clock). A correlation ignores the exposure (a darker night frame of the same room still matches). V(1) is the
    same arrangement of light and dark, V(0) an unrelated one; O(threshold) is the lowest that counts as the same
    scene.
  - A uniform frame (covered, black) cannot be compared. Its result is V(null) with the reason (the coverage check
    of M(dukcapil.cctv.onvif_stream_check) names the cause).
  - Reads files on the host that runs it; it changes nothing and never contacts a camera. One task checks every
    camera (run it once, on the controller).
author:
  - dukcapil.cctv contributors (!UNKNOWN)
requirements:
  - Pillow (Python library, on the host that runs the module)
seealso:
  - module: dukcapil.cctv.onvif_stream_check
  - module: dukcapil.cctv.cctv_verify_history
extends_documentation_fragment:
  - dukcapil.cctv.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
  idempotent:
    support: full
options:
  cameras:
    description:
      - The frames to compare, each with C(name), C(reference) (path of the evidence frame of the installation) and
        C(current) (path of the frame taken now).
    type: list
    elements: dict
    required: true
  threshold:
    description:
      - Lowest correlation (above 0, at most 1) that counts as the same scene. The default V(0.5) keeps the same
        room with people, another exposure and another clock (0.9 and more) apart from a camera turned away (0.3
        and less).
    type: float
    default: 0.5
'''

EXAMPLES = r'''
- name: Compare today's frames with the evidence of the installation
  dukcapil.cctv.cctv_scene_check:
    cameras:
      - name: CAM-SRV-01
        reference: /var/lib/dukcapil-cctv/runs/SMG-2026-03-10-01/snapshots/CAM-SRV-01.jpg
        current: /var/lib/dukcapil-cctv/verifikasi/frames/CAM-SRV-01.jpg
  register: scenes

- name: Show the cameras that were turned away
  ansible.builtin.debug:
    msg: "{{ scenes.cameras | rejectattr('same_scene') | map(attribute='detail') | list }}"
'''

RETURN = r'''
cameras:
  description: One entry per camera of O(cameras), in order.
  returned: success
  type: list
  elements: dict
  contains:
    name:
      description: The camera's name.
      type: str
      sample: CAM-SRV-01
    same_scene:
      description: Whether the frame shows the scene of the reference; V(null) when it cannot be told (a uniform or
        unreadable frame, see C(detail)).
      type: bool
      sample: false
    similarity:
      description: The correlation measured (-1 to 1); V(null) when not measured.
      type: float
      sample: 0.12
    detail:
      description: One sentence for a person, with the similarity and the threshold.
      type: str
      sample: 'another scene than the reference frame: the camera was turned, moved or its view blocked
        (similarity 0.12 below 0.5)'
'''

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.dukcapil.cctv.plugins.module_utils import _picture


def _read(path, what):
    try:
        with open(path, 'rb') as f:
            return _picture.decode_jpeg(f.read())
    except OSError as exc:
        raise _picture.FrameError('cannot read %s %s: %s' % (what, path, exc.strerror or exc))
    except _picture.FrameError as exc:
        raise _picture.FrameError('%s %s: %s' % (what, path, exc))


def compare(camera, threshold):
    try:
        found = _picture.compare_scene(_read(camera['reference'], 'the reference frame'),
                                       _read(camera['current'], 'the frame taken now'), threshold)
    except _picture.FrameError as exc:
        return {'name': camera['name'], 'same_scene': None, 'similarity': None, 'detail': str(exc)}
    return {'name': camera['name'], 'same_scene': found['same_scene'], 'similarity': found['similarity'],
            'detail': found['detail']}


def check_input(cameras, threshold):
    if not 0 < threshold <= 1:
        raise ValueError('threshold must be above 0 and at most 1, got %s' % threshold)
    for index, camera in enumerate(cameras):
        for key in ('name', 'reference', 'current'):
            if not isinstance(camera.get(key), str) or not camera.get(key):
                raise ValueError('cameras[%d].%s: a non-empty string is expected, got %r' % (index, key, camera.get(key)))


def main():
    module = AnsibleModule(argument_spec=dict(cameras=dict(type='list', elements='dict', required=True),
                                              threshold=dict(type='float', default=_picture.SCENE_THRESHOLD)),
                           supports_check_mode=True)
    if not _picture.HAS_PIL:
        module.fail_json(msg=missing_required_lib('Pillow'), exception=_picture.PIL_IMPORT_ERROR)
    try:
        check_input(module.params['cameras'], module.params['threshold'])
    except ValueError as exc:
        module.fail_json(msg=str(exc))
    module.exit_json(changed=False, cameras=[compare(c, module.params['threshold']) for c in module.params['cameras']])


if __name__ == '__main__':
    main()
