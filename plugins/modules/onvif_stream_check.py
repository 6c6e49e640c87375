#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: onvif_stream_check
short_description: Prove that a switched-on camera streams and sees, and keep a frame as evidence
version_added: 1.0.0
description:
  - SOP-PIAK-02 step 5 (I(Menghidupkan kamera pengawas), switch the cameras on), whose output is
    I(the hardware room is watched by the cameras). The module proves it for one camera with five checks,
    returned in RV(checks).
  - C(profiles) - the media profiles answer (ONVIF GetProfiles) and the camera gives a stream URI for the
    chosen profile (GetStreamUri).
  - C(stream) - the stream answers RTSP OPTIONS and DESCRIBE with C(200) (a 401 challenge is answered with
    HTTP Digest), and the C(application/sdp) description has a video media line (C(m=video)). Its codec is
    returned in RV(codec).
  - C(snapshot_valid) - two snapshots (GetSnapshotUri, HTTP GET with Digest), taken O(frame_interval) seconds
    apart, are JPEG pictures that decode completely.
  - C(not_uniform) - the first frame is not uniform (a black frame, a covered or blinded lens) - the standard
    deviation of its grey levels, outside on-screen text, is at least O(uniform_threshold).
  - C(not_frozen) - the picture moves - the two frames are not byte-identical and the mean difference of
    their grey levels, outside a ticking on-screen clock, is at least O(frozen_threshold). Not checked when
    the frame is uniform (a uniform picture never changes; the cause is reported once, by C(not_uniform)).
  - 'On-screen text: cameras burn a clock (and often their name) into every frame. The frame is judged in a
    grid of 16 x 16 tiles: for C(not_uniform) up to 32 tiles with detail of their own (text) are set aside,
    for C(not_frozen) up to 4 tiles that changed most (the clock digits). A black frame with a bright clock
    is therefore uniform, and a picture in which only the clock changes is frozen.'
  - The first frame is kept as the report's evidence, C(<dest>/<name>.jpg), exactly as the camera sent it.
  - A camera failing any check fails the task, naming the camera and each failed check, unless
    O(fail_on_problem=false). The message says the camera I(does not watch the room) only when a picture
    check shows it (C(not_uniform) or C(not_frozen) failed); otherwise it I(is not shown to watch the room)
    and lists the checks that could not be made.
author:
  - dukcapil.cctv contributors (!UNKNOWN)
extends_documentation_fragment:
  - dukcapil.cctv.onvif
  - dukcapil.cctv.attributes
  - dukcapil.cctv.attributes.ONVIF
attributes:
  check_mode:
    support: full
    details:
      - In check mode the camera is still read and checked (ONVIF reads, RTSP OPTIONS and DESCRIBE, two
        snapshot downloads - all read-only), but no evidence file is written. C(changed) tells whether it
        would be.
  diff_mode:
    support: none
  idempotent:
    support: partial
    details:
      - Two frames of a live camera are never the same, so with O(replace_evidence=true) (the default) every
        run that gets a valid frame replaces the evidence file and reports C(changed). C(changed) reflects the
        evidence file only; the camera is never changed.
      - With O(replace_evidence=false) an existing evidence file is kept and a second run reports no change.
options:
  profile:
    description:
      - Token of the media profile to check (see RV(dukcapil.cctv.onvif_camera_info#module:profiles[].token)).
      - Defaults to the camera's first profile, usually its main stream.
    type: str
  dest:
    description:
      - Folder for the evidence frame, created when missing. The frame is written as C(<name>.jpg) through an
        atomic replace.
      - Without O(dest) no evidence is kept (RV(evidence) is V(null)).
      - For the installation report keep the frames beside the run record, for example in its C(snapshots/)
        folder.
    type: path
  name:
    description:
      - The camera's name in messages, in RV(camera) and in the evidence file name C(<name>.jpg); a file name,
        not a path.
      - Defaults to O(hostname).
    type: str
  replace_evidence:
    description:
      - Whether to replace an existing evidence file with the new frame.
      - V(true) keeps the evidence current (the frame of this run), at the price of a change on every run.
      - V(false) keeps a frame written by an earlier run, so that the task is idempotent. The kept frame may
        then show an older state of the camera.
    type: bool
    default: true
  frame_interval:
    description:
      - Seconds between the two snapshots compared by the C(not_frozen) check; more than 0, at most 60.
      - Longer intervals tell a slow scene from a frozen one more surely; the on-screen clock of most cameras
        moves every second.
    type: float
    default: 1.0
  uniform_threshold:
    description:
      - Lowest standard deviation of the grey levels (0 to 255) of a frame that still counts as a picture,
        measured without the tiles that hold on-screen text; more than 0, at most 127.5.
      - A black frame or a lens cap gives about 0, a hand or cloth over the lens a few units, a lit room 20 and
        more.
    type: float
    default: 5.0
  frozen_threshold:
    description:
      - Lowest mean absolute difference of the grey levels (0 to 255) between the two frames that counts as
        a moving picture, measured without the few tiles where an on-screen clock ticks; more than 0, at most
        255.
      - Catches a camera that re-sends the same picture with new metadata, or with only a few changed
        pixels. Lower it for a very still, noise-free scene without an on-screen clock.
    type: float
    default: 0.5
  rtsp_timeout:
    description:
      - Seconds one RTSP request (connection included) may take; more than 0.
      - Defaults to O(timeout).
    type: float
  fail_on_problem:
    description:
      - Fail the task when a check fails.
      - With V(false) the task succeeds and reports the failed checks in RV(checks), RV(problems) and
        RV(watched), for example to survey every camera before acting.
    type: bool
    default: true
requirements:
  - Pillow (the Python imaging library), on the host that runs the module.
notes:
  - Stream and snapshot URIs come from the camera. The module only contacts them when their host is
    O(hostname) (or an address O(hostname) resolves to), and it connects to O(hostname) on the URI's port.
    A URI on another host (a camera behind NAT reports its own address) is refused with an error, never
    contacted.
  - RTSP and snapshots use O(username) and O(password). HTTP Digest is answered; Basic (the password in
    clear text) only when the camera offers nothing else. Redirects of the snapshot URI are followed only
    to the same host.
  - RTSP is checked up to DESCRIBE; no media is received (SETUP and PLAY are not sent).
seealso:
  - module: dukcapil.cctv.onvif_camera_info
  - name: RTSP 1.0 (RFC 2326)
    description: OPTIONS and DESCRIBE requests.
    link: https://www.rfc-editor.org/rfc/rfc2326
'''

EXAMPLES = r'''
- name: Step 5 - prove the server-room cameras watch the room
  hosts: cameras
  gather_facts: false
  module_defaults:
    group/dukcapil.cctv.onvif:
      username: admin
      password: "{{ camera_password }}"
  tasks:
    - name: Check stream and picture, keep a frame for the report
      dukcapil.cctv.onvif_stream_check:
        hostname: "{{ ansible_host }}"
        name: "{{ inventory_hostname }}"
        dest: /var/lib/dukcapil-cctv/runs/SMG-2026-03-10-01/snapshots
      delegate_to: localhost
      register: watch

    - name: Show the codec of each stream
      ansible.builtin.debug:
        msg: "{{ watch.camera }} streams {{ watch.codec }}, evidence in {{ watch.evidence }}"

- name: Survey every camera without failing, then list the ones not watching
  hosts: cameras
  gather_facts: false
  tasks:
    - name: Check each camera, even a broken one
      dukcapil.cctv.onvif_stream_check:
        hostname: "{{ ansible_host }}"
        username: admin
        password: "{{ camera_password }}"
        profile: Profile_2
        frame_interval: 2.0
        fail_on_problem: false
      delegate_to: localhost
      register: survey

    - name: Report a camera that does not watch the room
      ansible.builtin.debug:
        msg: "{{ inventory_hostname }}: {{ survey.problems | join('; ') }}"
      when: not survey.watched
'''

RETURN = r'''
camera:
  description: The camera's name (O(name), or O(hostname)).
  returned: always
  type: str
  sample: cam-srv-01
watched:
  description: Whether every check passed, that is whether the camera watches the room.
  returned: always
  type: bool
  sample: true
checks:
  description:
    - The five checks, each with C(ok) and C(detail). A check that could not run because an earlier one
      failed has C(ok=false) and a C(detail) starting with C(not checked), and is not listed in RV(problems).
  returned: always
  type: dict
  contains:
    profiles:
      description: GetProfiles answered, the profile exists and GetStreamUri gave a URI.
      type: dict
      sample: {ok: true, detail: "profile Profile_1 (mainStream), first of 2; H264 2688x1520"}
    stream:
      description: RTSP OPTIONS and DESCRIBE answered 200 with a video session description.
      type: dict
      sample: {ok: true, detail: "OPTIONS and DESCRIBE answered 200; video H264/90000"}
    snapshot_valid:
      description: Both snapshots are complete JPEG pictures.
      type: dict
      sample: {ok: true, detail: "two 640x360 JPEG frames (40213 and 40388 bytes) decode completely"}
    not_uniform:
      description: The first frame is not uniform.
      type: dict
      sample: {ok: false, detail: "the picture is uniform (grey-level standard deviation 0.00 below 5.0, mean 0.0: a black frame or a covered lens)"}
    not_frozen:
      description: The two frames differ.
      type: dict
      sample: {ok: true, detail: "the frames taken 1.0 s apart differ (mean grey-level difference 6.42, threshold 0.5)"}
problems:
  description: 'One line per failed check, C(<check>: <cause>). Empty when the camera watches the room.'
  returned: always
  type: list
  elements: str
  sample: ["not_frozen: the picture is frozen: the two frames taken 1.0 s apart are byte-identical"]
profile:
  description: The checked profile. V(null) when the profiles could not be read.
  returned: always
  type: dict
  sample: {token: Profile_1, name: mainStream}
stream_uri:
  description: The profile's RTSP URI, without credentials. V(null) when the camera gave none.
  returned: always
  type: str
  sample: rtsp://192.0.2.64:554/Streaming/Channels/101?transportmode=unicast&profile=Profile_1
snapshot_uri:
  description: The profile's snapshot URI, without credentials. V(null) when the camera gave none.
  returned: always
  type: str
  sample: http://192.0.2.64/onvif-http/snapshot?Profile_1
codec:
  description: Video encoding of the stream, from the session description (C(a=rtpmap)). V(null) when unknown.
  returned: always
  type: str
  sample: H264
resolution:
  description: The profile's video resolution (its video encoder configuration). V(null) when not reported.
  returned: always
  type: dict
  sample: {width: 2688, height: 1520}
measurements:
  description: What the frame analysis measured; values are V(null) when not measured.
  returned: always
  type: dict
  contains:
    width:
      description: Width of the first frame, in pixels.
      type: int
      sample: 640
    height:
      description: Height of the first frame, in pixels.
      type: int
      sample: 360
    size:
      description: Size of the first frame, in bytes.
      type: int
      sample: 40213
    brightness:
      description: Mean grey level of the first frame (0 to 255), outside on-screen text.
      type: float
      sample: 61.3
    contrast:
      description:
        - Standard deviation of the grey levels of the first frame outside on-screen text, compared with
          O(uniform_threshold).
      type: float
      sample: 42.8
    difference:
      description:
        - Mean absolute grey-level difference of the two frames outside a ticking on-screen clock, compared with
          O(frozen_threshold).
      type: float
      sample: 6.42
evidence:
  description:
    - Path of the evidence frame (in check mode, the path it would have). V(null) without O(dest), or when no
      valid frame was taken.
  returned: always
  type: str
  sample: /var/lib/dukcapil-cctv/runs/SMG-2026-03-10-01/snapshots/cam-srv-01.jpg
'''

import os
import time

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.dukcapil.cctv.plugins.module_utils import _picture, _stream
from ansible_collections.dukcapil.cctv.plugins.module_utils._files import write_file
from ansible_collections.dukcapil.cctv.plugins.module_utils._onvif import (
    OnvifClient, OnvifError, check_onvif_libs, get_profiles, get_snapshot_uri, get_stream_uri, onvif_argument_spec,
)

CHECKS = ('profiles', 'stream', 'snapshot_valid', 'not_uniform', 'not_frozen')
PICTURE_CHECKS = ('not_uniform', 'not_frozen')  # the checks whose failure shows the room is not watched
MAX_FRAME_INTERVAL = 60


class Outcome:
    """The checks of one camera, as they are decided."""

    def __init__(self):
        self.checks = dict((name, {'ok': False, 'detail': 'not checked'}) for name in CHECKS)
        self.problems = []
        self.failed = []

    def ok(self, check, detail):
        self.checks[check] = {'ok': True, 'detail': detail}

    def fail(self, check, detail):
        self.checks[check] = {'ok': False, 'detail': detail}
        self.problems.append('%s: %s' % (check, detail))
        self.failed.append(check)

    def skip(self, check, reason):
        self.checks[check] = {'ok': False, 'detail': 'not checked: %s' % reason}

    def message(self, camera):
        """The task's failure: 'does not watch' only when the picture shows it, else 'is not shown to watch'."""
        if any(not self.checks[check]['ok'] and check in self.failed for check in PICTURE_CHECKS):
            return 'Camera %s does not watch the room: %s' % (camera, '; '.join(self.problems))
        skipped = [check for check in CHECKS if check not in self.failed and not self.checks[check]['ok']]
        return 'Camera %s is not shown to watch the room: %s%s' % (
            camera, '; '.join(self.problems), ' (not checked: %s)' % ', '.join(skipped) if skipped else '')


def read_profile(module, client, outcome, result):
    """GetProfiles, the chosen profile, its stream and snapshot URIs (into result)."""
    profiles = get_profiles(client, uris=False)
    wanted = module.params['profile']
    if not profiles:
        outcome.fail('profiles', 'the camera has no media profile')
        return
    chosen = profiles[0] if wanted is None else next((p for p in profiles if p['token'] == wanted), None)
    if chosen is None:
        outcome.fail('profiles', 'the camera has no profile %r (it has: %s)' % (wanted, ', '.join(p['token'] for p in profiles)))
        return
    result['profile'] = {'token': chosen['token'], 'name': chosen['name']}
    result['resolution'] = chosen['resolution']
    try:
        result['snapshot_uri'] = get_snapshot_uri(client, chosen['token'])
    except OnvifError as exc:
        result['snapshot_error'] = str(exc)
    try:
        result['stream_uri'] = get_stream_uri(client, chosen['token'])
    except OnvifError as exc:
        outcome.fail('profiles', 'profile %s has no stream URI: %s' % (chosen['token'], exc))
        return
    if not result['stream_uri']:
        outcome.fail('profiles', 'the camera gives an empty stream URI for profile %s' % chosen['token'])
        return
    video = ' '.join(v for v in (chosen['encoding'], '%(width)dx%(height)d' % chosen['resolution']
                                 if chosen['resolution'] else None) if v)
    outcome.ok('profiles', 'profile %s (%s)%s of %d%s' % (
        chosen['token'], chosen['name'], ', first' if wanted is None else '', len(profiles), '; ' + video if video else ''))


def check_stream(params, result, outcome):
    if not result['stream_uri']:
        outcome.skip('stream', 'no stream URI')
        return
    try:
        found = _stream.describe_stream(result['stream_uri'], params['hostname'], params['username'], params['password'],
                                        params['rtsp_timeout'] or params['timeout'])
    except _stream.StreamError as exc:
        outcome.fail('stream', str(exc))
        return
    result['codec'] = found['codec']
    codec = '%s/%s' % (found['codec'], found['clock_rate']) if found['clock_rate'] else (found['codec'] or 'of unknown codec')
    outcome.ok('stream', 'OPTIONS and DESCRIBE answered 200; video %s' % codec)


def take_frame(params, uri, which):
    """(bytes, image) of one snapshot, or a failure detail string."""
    try:
        data, dummy = _stream.fetch_snapshot(uri, params['hostname'], params['username'], params['password'],
                                             params['timeout'], params['validate_certs'])
    except _stream.StreamError as exc:
        return '%s: %s' % (which, exc)
    try:
        return data, _picture.decode_jpeg(data)
    except _picture.FrameError as exc:
        return '%s: %s' % (which, exc)


def check_frames(params, result, outcome):
    """snapshot_valid, not_uniform and not_frozen; the first frame's bytes (or None)."""
    later = ('not_uniform', 'not_frozen')
    uri = result['snapshot_uri']
    if not uri:
        outcome.fail('snapshot_valid', 'no snapshot URI: %s' % result['snapshot_error'] if result.get('snapshot_error')
                     else 'the camera gives no snapshot URI for the profile')
        for check in later:
            outcome.skip(check, 'no snapshot')
        return None
    first = take_frame(params, uri, 'first frame')
    if isinstance(first, str):
        outcome.fail('snapshot_valid', first)
        for check in later:
            outcome.skip(check, 'no valid snapshot')
        return None
    time.sleep(params['frame_interval'])
    second = take_frame(params, uri, 'second frame')

    data, image = first
    if isinstance(second, str):
        outcome.fail('snapshot_valid', second)
        second = None
    else:
        sizes = ['%dx%d' % frame[1].size for frame in (first, second)]
        if sizes[0] == sizes[1]:
            outcome.ok('snapshot_valid', 'two %s JPEG frames (%d and %d bytes) decode completely'
                       % (sizes[0], len(data), len(second[0])))
        else:  # never describe the second frame by the first one's size
            outcome.ok('snapshot_valid', 'two JPEG frames, %s (%d bytes) and %s (%d bytes), decode completely'
                       % (sizes[0], len(data), sizes[1], len(second[0])))
    verdicts, measured = _picture.judge_frames(first, second, params['frame_interval'], params['uniform_threshold'],
                                               params['frozen_threshold'])
    result['measurements'].update(measured)
    for check in later:
        ok, detail = verdicts[check]
        if ok is None:
            outcome.skip(check, detail)
        elif ok:
            outcome.ok(check, detail)
        else:
            outcome.fail(check, detail)
    return data


def keep_evidence(module, frame):
    """(changed, path) of the evidence file; nothing is written in check mode."""
    dest = module.params['dest']
    if not dest or frame is None:
        return False, None
    path = os.path.join(dest, module.params['name'] + '.jpg')
    if not module.params['replace_evidence'] and os.path.exists(path):
        return False, path
    try:
        return write_file(module, path, frame), path
    except OSError as exc:
        module.fail_json(msg='Cannot write the evidence frame of camera %s to %s: %s'
                         % (module.params['name'], path, exc.strerror or exc))


def bad_option(params):
    """The error for the first option of this module out of its range (naming it and its value), or None."""
    for option, what in (('name', 'a file name'), ('profile', 'a profile token'), ('dest', 'a folder')):
        if params[option] is not None and not params[option].strip():
            return '%s must be %s, not empty: %r' % (option, what, params[option])
    name = params['name']
    if name is not None and (name in ('.', '..') or '/' in name or os.sep in name or '\0' in name):
        return 'name must be a file name, not a path: %r' % name
    for option, high, unit in (('frame_interval', MAX_FRAME_INTERVAL, ' seconds'),
                               ('uniform_threshold', 127.5, ' (a grey-level standard deviation)'),
                               ('frozen_threshold', 255, ' (a mean grey-level difference)')):
        if not 0 < params[option] <= high:
            return '%s must be more than 0 and at most %s%s, got %s' % (option, high, unit, params[option])
    if params['rtsp_timeout'] is not None and not params['rtsp_timeout'] > 0:
        return 'rtsp_timeout must be more than 0 seconds, got %s' % params['rtsp_timeout']
    return None


def main():
    argument_spec = onvif_argument_spec()
    argument_spec.update(
        profile=dict(type='str'),
        dest=dict(type='path'),
        name=dict(type='str'),
        replace_evidence=dict(type='bool', default=True),
        frame_interval=dict(type='float', default=1.0),
        uniform_threshold=dict(type='float', default=5.0),
        frozen_threshold=dict(type='float', default=0.5),
        rtsp_timeout=dict(type='float'),
        fail_on_problem=dict(type='bool', default=True),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    check_onvif_libs(module)
    if not _picture.HAS_PIL:
        module.fail_json(msg=missing_required_lib('Pillow'), exception=_picture.PIL_IMPORT_ERROR)
    params = module.params
    error = bad_option(params)
    if error:
        module.fail_json(msg=error)
    params['name'] = params['name'] or params['hostname']

    camera = params['name'] if params['name'] == params['hostname'] else '%s (%s)' % (params['name'], params['hostname'])
    outcome = Outcome()
    result = {'camera': params['name'], 'profile': None, 'stream_uri': None, 'snapshot_uri': None, 'codec': None,
              'resolution': None, 'evidence': None,
              'measurements': dict.fromkeys(('width', 'height', 'size', 'brightness', 'contrast', 'difference'))}
    client = None
    try:
        client = OnvifClient.from_params(params)
        read_profile(module, client, outcome, result)
    except OnvifError as exc:
        outcome.fail('profiles', str(exc))
    finally:
        if client is not None:
            client.close()
            for warning in client.warnings:
                module.warn(warning)
    if outcome.checks['profiles']['ok'] or result['snapshot_uri']:
        check_stream(params, result, outcome)
        frame = check_frames(params, result, outcome)
    else:
        for check in CHECKS[1:]:
            outcome.skip(check, 'the ONVIF profile could not be read')
        frame = None
    result.pop('snapshot_error', None)
    changed, result['evidence'] = keep_evidence(module, frame)
    result.update(checks=outcome.checks, problems=outcome.problems,
                  watched=all(check['ok'] for check in outcome.checks.values()))
    if not result['watched'] and params['fail_on_problem']:
        module.fail_json(msg=outcome.message(camera), changed=changed, **result)
    module.exit_json(changed=changed, **result)


if __name__ == '__main__':
    main()
