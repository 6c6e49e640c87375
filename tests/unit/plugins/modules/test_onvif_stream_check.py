# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""onvif_stream_check in-process: the ONVIF reads and the network parts of _stream replaced by fakes.

The frame analysis is the real one, on pictures drawn here with Pillow. The RTSP and snapshot
clients have their own tests (module_utils/test_stream.py); the whole chain runs against the
simulator in tests/integration/test_onvif_stream_check.py.
"""

from __future__ import annotations

import io
import os

import pytest

from ansible.module_utils import basic

from ansible_collections.dukcapil.cctv.plugins.module_utils import _picture, _stream
from ansible_collections.dukcapil.cctv.plugins.module_utils._onvif import OnvifAuthError, OnvifFaultError
from ansible_collections.dukcapil.cctv.plugins.modules import onvif_stream_check

Image = pytest.importorskip('PIL.Image')
ImageDraw = pytest.importorskip('PIL.ImageDraw')

HOST = '127.0.0.1'
PASSWORD = 'Very-Secret-1'
STREAM = 'rtsp://127.0.0.1:554/Streaming/Channels/101?transportmode=unicast&profile=Profile_1'
SNAPSHOT = 'http://127.0.0.1/onvif-http/snapshot?Profile_1'
PROFILES = [
    {'token': 'Profile_1', 'name': 'mainStream', 'fixed': True, 'encoding': 'H264',
     'resolution': {'width': 1920, 'height': 1080}, 'stream_uri': None, 'snapshot_uri': None},
    {'token': 'Profile_2', 'name': 'subStream', 'fixed': True, 'encoding': 'H264',
     'resolution': {'width': 640, 'height': 360}, 'stream_uri': None, 'snapshot_uri': None},
]


def frame(shift=0, colour=None, comment=None):
    image = Image.new('RGB', (320, 180), colour or (30, 50, 70))
    if colour is None:
        draw = ImageDraw.Draw(image)
        draw.rectangle((0, 120, 320, 180), fill=(70, 90, 60))
        draw.rectangle((10 + shift, 130, 70 + shift, 170), fill=(230, 180, 40))
        draw.text((8, 8), 'CAM-SRV-01 #%d' % shift, fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, 'JPEG', quality=85, **({'comment': comment} if comment else {}))
    return buffer.getvalue()


class FakeCamera:
    """Stands in for the ONVIF client, the readers and the two network calls of _stream."""

    def __init__(self, frames=None, profiles=None, onvif_error=None, stream_error=None, snapshot_uri=SNAPSHOT,
                 stream_uri=STREAM):
        self.frames = list(frames if frames is not None else [frame(0), frame(40)])
        self.profiles = PROFILES if profiles is None else profiles
        self.onvif_error = onvif_error
        self.stream_error = stream_error
        self.snapshot_uri = snapshot_uri
        self.stream_uri = stream_uri
        self.calls = []
        self.warnings = []

    # the OnvifClient class
    def from_params(self, params):
        self.calls.append(('connect', params['hostname'], params['port']))
        return self

    def close(self):
        self.calls.append(('close',))

    # readers
    def get_profiles(self, client, uris=True):
        self.calls.append(('GetProfiles', uris))
        if self.onvif_error:
            raise self.onvif_error
        return [dict(p) for p in self.profiles]

    def get_stream_uri(self, client, token):
        self.calls.append(('GetStreamUri', token))
        return self.stream_uri

    def get_snapshot_uri(self, client, token):
        self.calls.append(('GetSnapshotUri', token))
        if isinstance(self.snapshot_uri, Exception):
            raise self.snapshot_uri
        return self.snapshot_uri

    # network
    def describe_stream(self, uri, hostname, username, password, timeout=10.0):
        self.calls.append(('DESCRIBE', uri, hostname, timeout))
        _stream.check_uri_host(uri, hostname, ('rtsp',), what='stream URI')
        if self.stream_error:
            raise self.stream_error
        return {'codec': 'H264', 'clock_rate': 90000, 'media': ['video'], 'public': ['OPTIONS', 'DESCRIBE'], 'server': 'x'}

    def fetch_snapshot(self, uri, hostname, username, password, timeout=10.0, validate_certs=True):
        self.calls.append(('GET', uri))
        _stream.check_uri_host(uri, hostname, ('http', 'https'), what='snapshot URI')
        return self.frames.pop(0), 'image/jpeg'


@pytest.fixture
def fake(monkeypatch):
    def install(**kwargs):
        cam = FakeCamera(**kwargs)
        monkeypatch.setattr(onvif_stream_check, 'OnvifClient', cam)
        for name in ('get_profiles', 'get_stream_uri', 'get_snapshot_uri'):
            monkeypatch.setattr(onvif_stream_check, name, getattr(cam, name))
        monkeypatch.setattr(_stream, 'describe_stream', cam.describe_stream)
        monkeypatch.setattr(_stream, 'fetch_snapshot', cam.fetch_snapshot)
        return cam
    return install


@pytest.fixture
def warnings(monkeypatch):
    seen = []
    monkeypatch.setattr(basic.AnsibleModule, 'warn', lambda self, text: seen.append(text))
    return seen


def args(tmp_path=None, **extra):
    result = {'hostname': HOST, 'password': PASSWORD, 'frame_interval': 0.01}
    if tmp_path is not None:
        result.update(dest=str(tmp_path / 'snapshots'), name='CAM-SRV-01')
    result.update(extra)
    return result


def test_a_healthy_camera_passes_and_leaves_its_first_frame(run_module, fake, tmp_path, warnings):
    cam = fake()
    first = cam.frames[0]
    result, failed = run_module(onvif_stream_check.main, args(tmp_path))
    assert not failed, result
    assert result['changed'] is True and result['watched'] is True and result['problems'] == []
    assert all(check['ok'] for check in result['checks'].values()) and set(result['checks']) == set(onvif_stream_check.CHECKS)
    assert result['camera'] == 'CAM-SRV-01' and result['profile'] == {'token': 'Profile_1', 'name': 'mainStream'}
    assert result['stream_uri'] == STREAM and result['snapshot_uri'] == SNAPSHOT
    assert result['codec'] == 'H264' and result['resolution'] == {'width': 1920, 'height': 1080}
    evidence = tmp_path / 'snapshots' / 'CAM-SRV-01.jpg'
    assert result['evidence'] == str(evidence) and evidence.read_bytes() == first
    measured = result['measurements']
    assert (measured['width'], measured['height'], measured['size']) == (320, 180, len(first))
    assert measured['contrast'] > 5.0 and measured['difference'] > 0.5
    assert result['checks']['stream']['detail'] == 'OPTIONS and DESCRIBE answered 200; video H264/90000'
    assert ('GetProfiles', False) in cam.calls and [c[0] for c in cam.calls].count('GET') == 2
    assert PASSWORD not in repr(result) and warnings == []


def test_evidence_changes_every_run_unless_kept(run_module, fake, tmp_path):
    fake()
    run_module(onvif_stream_check.main, args(tmp_path))
    evidence = tmp_path / 'snapshots' / 'CAM-SRV-01.jpg'
    fake(frames=[frame(80), frame(120)])
    result, failed = run_module(onvif_stream_check.main, args(tmp_path))
    assert not failed and result['changed'] is True and evidence.read_bytes() == frame(80)
    # replace_evidence=false: the frame of an earlier run is kept, the task is idempotent
    fake(frames=[frame(160), frame(200)])
    result, failed = run_module(onvif_stream_check.main, args(tmp_path, replace_evidence=False))
    assert not failed and result['changed'] is False and result['evidence'] == str(evidence)
    assert evidence.read_bytes() == frame(80)


def test_check_mode_checks_but_writes_nothing(run_module, fake, tmp_path):
    cam = fake()
    result, failed = run_module(onvif_stream_check.main, args(tmp_path), check_mode=True)
    assert not failed and result['watched'] is True
    assert result['changed'] is True  # a real run would write the frame
    assert result['evidence'] == str(tmp_path / 'snapshots' / 'CAM-SRV-01.jpg')
    assert not os.path.exists(str(tmp_path / 'snapshots'))
    assert [c[0] for c in cam.calls].count('GET') == 2 and any(c[0] == 'DESCRIBE' for c in cam.calls)


def test_without_dest_nothing_is_kept(run_module, fake):
    fake()
    result, failed = run_module(onvif_stream_check.main, args())
    assert not failed and result['changed'] is False and result['evidence'] is None and result['camera'] == HOST


def test_a_covered_camera_fails_naming_the_camera_and_uniform(run_module, fake, tmp_path):
    black = frame(colour=(0, 0, 0))
    fake(frames=[black, black])
    result, failed = run_module(onvif_stream_check.main, args(tmp_path))
    assert failed and result['watched'] is False
    assert result['msg'].startswith('Camera CAM-SRV-01 (127.0.0.1) does not watch the room: not_uniform: the picture is uniform')
    assert 'a black frame or a covered lens' in result['msg'] and 'frozen' not in result['msg']
    assert result['checks']['not_frozen'] == {'ok': False, 'detail': 'not checked: the picture is uniform'}
    assert result['problems'] == [result['msg'].split('room: ', 1)[1]]
    # the black frame is still kept: it is the evidence of the problem
    assert (tmp_path / 'snapshots' / 'CAM-SRV-01.jpg').read_bytes() == black and result['changed'] is True


def test_a_frozen_camera_fails_on_identical_bytes(run_module, fake, tmp_path):
    still = frame(0)
    fake(frames=[still, still])
    result, failed = run_module(onvif_stream_check.main, args(tmp_path))
    assert failed
    assert result['problems'] == ['not_frozen: the picture is frozen: the two frames taken 0.01 s apart are byte-identical']
    assert 'Camera CAM-SRV-01 (127.0.0.1)' in result['msg'] and result['measurements']['difference'] == 0.0


def test_a_frozen_camera_fails_on_the_same_picture_with_new_metadata(run_module, fake):
    fake(frames=[frame(0, comment=b'11:06:01'), frame(0, comment=b'11:06:02')])
    result, failed = run_module(onvif_stream_check.main, args(frame_interval=0.01))
    assert failed and result['checks']['not_frozen']['ok'] is False
    assert 'show the same picture (mean grey-level difference 0.000 below 0.5)' in result['checks']['not_frozen']['detail']


def test_frames_of_two_sizes_are_each_described(run_module, fake):
    """Case 23: the second frame is not described by the first one's size."""
    small = io.BytesIO()
    Image.open(io.BytesIO(frame(40))).resize((160, 90)).save(small, 'JPEG')
    fake(frames=[frame(0), small.getvalue()])
    result, dummy = run_module(onvif_stream_check.main, args(fail_on_problem=False))
    detail = result['checks']['snapshot_valid']['detail']
    assert detail.startswith('two JPEG frames, 320x180 (') and ') and 160x90 (' in detail


def test_fail_on_problem_false_reports_instead_of_failing(run_module, fake):
    still = frame(0)
    fake(frames=[still, still])
    result, failed = run_module(onvif_stream_check.main, args(fail_on_problem=False))
    assert not failed and result['watched'] is False and len(result['problems']) == 1


def test_wrong_onvif_password_fails_every_check_without_the_password(run_module, fake):
    error = OnvifAuthError('credentials refused: HTTP 401', device='127.0.0.1:80', operation='GetProfiles')
    cam = fake(onvif_error=error)
    result, failed = run_module(onvif_stream_check.main, args())
    assert failed
    # case 23: nothing shows the camera does not watch; it could not be checked
    assert result['msg'] == ('Camera 127.0.0.1 is not shown to watch the room: profiles: ONVIF GetProfiles on 127.0.0.1:80 '
                             'failed: credentials refused: HTTP 401 (not checked: stream, snapshot_valid, not_uniform, '
                             'not_frozen)')
    assert all(result['checks'][c]['detail'] == 'not checked: the ONVIF profile could not be read'
               for c in onvif_stream_check.CHECKS[1:])
    assert not any(c[0] in ('DESCRIBE', 'GET') for c in cam.calls) and ('close',) in cam.calls
    assert PASSWORD not in repr(result)


def test_stream_failure_is_named_and_the_picture_still_checked(run_module, fake, tmp_path):
    error = _stream.StreamAuthError("the camera refused the credentials of user 'admin' (401 after Digest authentication)",
                                    'RTSP DESCRIBE', '127.0.0.1:554')
    fake(stream_error=error)
    result, failed = run_module(onvif_stream_check.main, args(tmp_path, rtsp_timeout=2.5))
    assert failed and result['msg'] == ("Camera CAM-SRV-01 (127.0.0.1) is not shown to watch the room: stream: RTSP DESCRIBE on "
                                        "127.0.0.1:554 failed: the camera refused the credentials of user 'admin' "
                                        "(401 after Digest authentication)")
    assert result['checks']['snapshot_valid']['ok'] and result['checks']['not_frozen']['ok'] and result['evidence']


def test_rtsp_timeout_defaults_to_timeout(run_module, fake):
    cam = fake()
    run_module(onvif_stream_check.main, args(timeout=4))
    assert [c[3] for c in cam.calls if c[0] == 'DESCRIBE'] == [4]
    cam = fake()
    run_module(onvif_stream_check.main, args(timeout=4, rtsp_timeout=1.5))
    assert [c[3] for c in cam.calls if c[0] == 'DESCRIBE'] == [1.5]


def test_uris_on_another_host_are_refused(run_module, fake):
    cam = fake(stream_uri='rtsp://192.168.1.64:554/Streaming/Channels/101', snapshot_uri='http://192.168.1.64/snap.jpg')
    result, failed = run_module(onvif_stream_check.main, args())
    assert failed
    assert 'stream: the camera gives a stream URI on 192.168.1.64, not on 127.0.0.1' in result['msg']
    assert 'snapshot_valid: first frame: the camera gives a snapshot URI on 192.168.1.64' in result['msg']
    assert cam.frames  # nothing was downloaded


def test_a_chosen_profile_and_an_unknown_one(run_module, fake):
    cam = fake()
    result, failed = run_module(onvif_stream_check.main, args(profile='Profile_2'))
    assert not failed and result['profile']['token'] == 'Profile_2' and ('GetStreamUri', 'Profile_2') in cam.calls
    fake()
    result, failed = run_module(onvif_stream_check.main, args(profile='Profile_9'))
    assert failed and "profiles: the camera has no profile 'Profile_9' (it has: Profile_1, Profile_2)" in result['msg']


def test_no_snapshot_uri_and_a_truncated_frame(run_module, fake, tmp_path):
    refused = OnvifFaultError({'code': 's:Receiver', 'subcodes': ['ter:ActionNotSupported'], 'reason': 'Not Implemented',
                               'detail': ''}, device='127.0.0.1:80', operation='GetSnapshotUri')
    fake(snapshot_uri=refused)
    result, failed = run_module(onvif_stream_check.main, args(tmp_path))
    assert failed and 'snapshot_valid: no snapshot URI: ONVIF GetSnapshotUri on 127.0.0.1:80 failed' in result['msg']
    assert result['checks']['profiles']['ok'] and result['checks']['stream']['ok'] and result['evidence'] is None
    good = frame(0)
    fake(frames=[good[:len(good) // 2], good])
    result, failed = run_module(onvif_stream_check.main, args(tmp_path))
    assert failed and 'snapshot_valid: first frame: truncated JPEG' in result['msg']
    assert result['evidence'] is None and result['changed'] is False and not (tmp_path / 'snapshots').exists()


@pytest.mark.parametrize('extra, message', [
    ({'name': '../etc/cam'}, "name must be a file name, not a path: '../etc/cam'"),
    ({'name': ''}, "name must be a file name, not empty: ''"),
    ({'name': 'cam\x00'}, "name must be a file name, not a path: 'cam\\x00'"),
    ({'profile': ''}, "profile must be a profile token, not empty: ''"),
    ({'dest': ''}, "dest must be a folder, not empty: ''"),
    ({'frame_interval': -1.0}, 'frame_interval must be more than 0 and at most 60 seconds, got -1.0'),
    ({'frame_interval': 0}, 'frame_interval must be more than 0 and at most 60 seconds, got 0.0'),
    ({'frame_interval': 61}, 'frame_interval must be more than 0 and at most 60 seconds, got 61.0'),
    ({'uniform_threshold': 0}, 'uniform_threshold must be more than 0 and at most 127.5 (a grey-level standard '
                               'deviation), got 0.0'),
    ({'uniform_threshold': 128}, 'uniform_threshold must be more than 0 and at most 127.5 (a grey-level standard '
                                 'deviation), got 128.0'),
    ({'frozen_threshold': 0}, 'frozen_threshold must be more than 0 and at most 255 (a mean grey-level difference), '
                              'got 0.0'),
    ({'frozen_threshold': 256}, 'frozen_threshold must be more than 0 and at most 255 (a mean grey-level difference), '
                                'got 256.0'),
    ({'rtsp_timeout': 0.0}, 'rtsp_timeout must be more than 0 seconds, got 0.0'),
    ({'rtsp_timeout': -2}, 'rtsp_timeout must be more than 0 seconds, got -2.0'),
])
def test_bad_input(run_module, fake, extra, message):
    """Case 23: every option is checked before any camera call, the error names the option and the value."""
    cam = fake()
    result, failed = run_module(onvif_stream_check.main, args(**extra))
    # ansible-core 2.21 refuses a NUL in any argument itself (logging the invocation), before the module's check
    refused_by_core = '\x00' in str(extra.get('name')) and 'embedded null character' in result['msg']
    assert failed and (result['msg'] == message or refused_by_core) and cam.calls == []


def test_missing_pillow(run_module, fake, monkeypatch):
    fake()
    monkeypatch.setattr(_picture, 'HAS_PIL', False)
    monkeypatch.setattr(_picture, 'PIL_IMPORT_ERROR', 'ImportError: No module named PIL')
    result, failed = run_module(onvif_stream_check.main, args())
    assert failed and 'Pillow' in result['msg']
