# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The facts of SOP-PIAK-02 as data: identity, legal basis, approver, letterhead and the nine steps.

Source: the office's own SOP document (``SOP-PIAK-02``, Disdukcapil Kabupaten Semarang,
effective 1 August 2022). Texts keep the SOP's Indonesian wording (``id``) beside an
English reading (``en``). The executor of each step is the reading of the step's wording
(the tick marks of the original table were lost): 1-6 APK, 7 Sub Koord, 8-9 Kabid. A run
record may override it per step (``steps.<n>.executor``).

Nothing here is rendered directly: the report takes these facts and its labels from
``_report_i18n``.
"""

from __future__ import annotations

import copy

#: Executors (*Pelaksana*) in the order of the SOP's table.
ROLE_APK = 'apk'
ROLE_SUB_KOORDINATOR = 'sub_koordinator'
ROLE_KEPALA_BIDANG = 'kepala_bidang'
ROLES = (ROLE_APK, ROLE_SUB_KOORDINATOR, ROLE_KEPALA_BIDANG)

#: The two reviewing roles, in the order the chain requires (step 7, then step 8).
REVIEW_ROLES = (ROLE_SUB_KOORDINATOR, ROLE_KEPALA_BIDANG)

#: Step that each reviewing role performs.
REVIEW_STEP = {ROLE_SUB_KOORDINATOR: 7, ROLE_KEPALA_BIDANG: 8}

#: The step that writes the agenda book.
AGENDA_STEP = 9

#: Steps whose record is made after the report is written (by the review and the agenda):
#: they are not part of the report's facts, so recording them does not change the facts hash.
POST_REPORT_STEPS = (7, 8, 9)

SOP = {
    'number': 'SOP-PIAK-02',
    'name': {
        'id': 'Memasang kamera pengawas pada ruangan perangkat keras',
        'en': 'Installing surveillance cameras in the hardware room',
    },
    'created': '2022-08-01',
    'revised': '2022-08-01',
    'effective': '2022-08-01',
    'legal_basis': {
        'id': ['Permendagri Nomor 25 Tahun 2011 tentang Pedoman Pengkajian, Pengembangan dan Pengelolaan SIAK'],
        'en': ['Regulation of the Minister of Home Affairs No. 25 of 2011 on the assessment, development '
               'and management of SIAK'],
    },
    'approver': {
        'title': {
            'id': 'Kepala Dinas Kependudukan dan Pencatatan Sipil Kabupaten Semarang',
            'en': 'Head of the Population and Civil Registration Office, Semarang Regency',
        },
        'name': 'Drs. RUDI SUSANTO, MM',
        'nip': '196707191993111001',
    },
    'qualifications': {
        'id': ['Memiliki kemampuan dan keterampilan di bidang teknologi informasi',
               'Telah mengikuti pelatihan/kursus/bimbingan teknis tentang perangkat keras',
               'Memiliki sertifikat/surat keterangan sebagai administrator perangkat keras'],
        'en': ['Skills in information technology',
               'Attended hardware training, a course or technical guidance',
               'Holds a certificate or letter appointing them hardware administrator'],
    },
    'related': {
        'id': ['Pengamanan Database Kependudukan'],
        'en': ['Securing the population database'],
    },
    'equipment': {
        'id': ['Server utama', 'Server cadangan', 'Komputer kerja (work station)', 'Perangkat lunak',
               'Jaringan komunikasi data'],
        'en': ['Main server', 'Backup server', 'Workstation', 'Software', 'Data-communication network'],
    },
    'warning': {
        'id': ['Hati-hati ketika bekerja dengan database'],
        'en': ['Be careful when working with the database'],
    },
    'records': {
        'id': ['Buku Agenda'],
        'en': ['Agenda book'],
    },
    'marking': {
        'id': 'Menandai perangkat keras dengan pena ultra violet atau stiker dan memberikan nomor seri pada perangkat keras.',
        'en': 'Mark hardware with an ultraviolet pen or a sticker, and give every piece of hardware a serial number.',
    },
}

#: The office letterhead (*kop surat*) printed on the report unless the caller gives another.
LETTERHEAD = {
    'government': 'PEMERINTAH KABUPATEN SEMARANG',
    'office': 'DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL',
    'address': 'Jl. Pemuda No 7',
    'phone': '(024) 6921105 - 6922349',
    'fax': '(024) 6921105',
    'city': 'Ungaran',
    'postal_code': '50511',
    'division': 'Bidang Pengelolaan Informasi Administrasi Kependudukan (PIAK)',
    'logo': None,
}

#: What else is the office's own, with the Semarang office's values (the SOP's) as defaults; an
#: office elsewhere gives its own through the modules' ``office`` option (``cctv_office`` in the
#: inventory). ``division`` and ``sub_unit`` complete the Kabid's and the Sub Koord's titles under
#: their signatures; ``approver`` (name, NIP and, when given, the title in every language) replaces
#: the SOP's approver; ``owner_line`` and ``asset_code`` (the regional asset classification code,
#: *kode barang*, as the office's asset register writes it) go on the asset labels.
OFFICE = {
    'approver': None,
    'division': LETTERHEAD['division'],
    'sub_unit': 'Sistem Informasi Administrasi Kependudukan',
    'owner_line': 'Milik Pemerintah Kabupaten Semarang',
    'asset_code': None,
}

#: Executors with the SOP's abbreviation and full titles.
EXECUTORS = {
    ROLE_APK: {'abbr': 'APK', 'id': 'Administrator Perangkat Keras', 'en': 'Hardware administrator'},
    ROLE_SUB_KOORDINATOR: {'abbr': 'Sub Koord', 'id': 'Sub Koordinator', 'en': 'Sub-coordinator'},
    ROLE_KEPALA_BIDANG: {'abbr': 'Kabid', 'id': 'Kepala Bidang', 'en': 'Head of division'},
}

#: The nine steps (*Kegiatan*) with their quality standard (*Mutu Baku*).
#: ``minutes`` is the standard time (*Waktu*); None where the SOP gives none.
STEPS = (
    {'number': 1, 'executor': ROLE_APK, 'minutes': None,
     'name': {'id': 'Persiapan memasang kamera pengawas', 'en': 'Prepare the installation'},
     'requirement': {'id': 'Menentukan waktu pemasangan kamera pengawas', 'en': 'Decide when the cameras will be installed'},
     'output': {'id': 'Waktu pemasangan ditetapkan', 'en': 'Installation time fixed'}},
    {'number': 2, 'executor': ROLE_APK, 'minutes': 120,
     'name': {'id': 'Memasang kamera pengawas', 'en': 'Mount the surveillance cameras'},
     'requirement': {'id': 'Kamera pengawas', 'en': 'Surveillance camera'},
     'output': {'id': 'Ruangan perangkat keras sudah terpasang kamera pengawas',
                'en': 'The hardware room has cameras installed'}},
    {'number': 3, 'executor': ROLE_APK, 'minutes': 30,
     'name': {'id': 'Mengkonfigurasi IP kamera pengawas', 'en': "Configure the cameras' IP"},
     'requirement': {'id': 'Komputer', 'en': 'Computer'},
     'output': {'id': 'Kamera pengawas sudah terkonfigurasi IP-nya', 'en': "The cameras' IP is configured"}},
    {'number': 4, 'executor': ROLE_APK, 'minutes': 30,
     'name': {'id': 'Instal aplikasi kamera pengawas', 'en': 'Install the camera application'},
     'requirement': {'id': 'Komputer', 'en': 'Computer'},
     'output': {'id': 'Aplikasi kamera pengawas sudah terpasang di komputer',
                'en': 'The camera application is installed on the computer'}},
    {'number': 5, 'executor': ROLE_APK, 'minutes': 5,
     'name': {'id': 'Menghidupkan kamera pengawas', 'en': 'Switch the cameras on'},
     'requirement': {'id': 'Kamera pengawas dan komputer', 'en': 'Camera and computer'},
     'output': {'id': 'Ruangan perangkat keras sudah terawasi oleh kamera pengawas',
                'en': 'The hardware room is watched by the cameras'}},
    {'number': 6, 'executor': ROLE_APK, 'minutes': 30,
     'name': {'id': 'Membuat Laporan Pemasangan Kamera Pengawas pada ruangan perangkat keras',
              'en': 'Write the installation report'},
     'requirement': {'id': 'Buku Laporan', 'en': 'Report book'},
     'output': {'id': 'Daftar Laporan', 'en': 'Report list'}},
    {'number': 7, 'executor': ROLE_SUB_KOORDINATOR, 'minutes': 5,
     'name': {'id': 'Menerima Laporan Pemasangan Kamera Pengawas pada ruangan perangkat keras dari administrator',
              'en': 'Receive the report from the administrator'},
     'requirement': {'id': 'Buku Laporan', 'en': 'Report book'},
     'output': {'id': 'Daftar Laporan', 'en': 'Report list'}},
    {'number': 8, 'executor': ROLE_KEPALA_BIDANG, 'minutes': 5,
     'name': {'id': 'Menerima Laporan Pemasangan Kamera Pengawas pada ruangan perangkat keras dari Sub Koord',
              'en': 'Receive the report from the sub-coordinator'},
     'requirement': {'id': 'Buku Laporan', 'en': 'Report book'},
     'output': {'id': 'Daftar Laporan', 'en': 'Report list'}},
    {'number': 9, 'executor': ROLE_KEPALA_BIDANG, 'minutes': 5,
     'name': {'id': 'Mencatat dalam Agenda, selesai', 'en': 'Record it in the agenda book; done'},
     'requirement': {'id': 'Buku agenda', 'en': 'Agenda book'},
     'output': {'id': 'Catatan di buku agenda', 'en': 'Entry in the agenda book'}},
)

STEP_NUMBERS = tuple(s['number'] for s in STEPS)


def step(number):
    """Return a copy of step ``number`` (1-9)."""
    for s in STEPS:
        if s['number'] == int(number):
            return copy.deepcopy(s)
    raise KeyError(number)


def standard_minutes_total():
    """Sum of the SOP's standard times (steps without one count nothing): 230 minutes."""
    return sum(s['minutes'] or 0 for s in STEPS)


def letterhead(overrides=None):
    """The SOP's letterhead with the non-empty values of ``overrides`` on top."""
    result = dict(LETTERHEAD)
    for key, value in (overrides or {}).items():
        if value not in (None, ''):
            result[key] = value
    return result


def office(overrides=None):
    """The office's values (:data:`OFFICE`) with the non-empty ones of ``overrides`` on top, and the SOP's
    approver as ``approver`` (``name``, ``nip``, ``title`` by language) with the given one over it."""
    result = copy.deepcopy(OFFICE)
    given = dict(overrides or {})
    for key, value in given.items():
        if key in result and key != 'approver' and value not in (None, ''):
            result[key] = value
    approver = copy.deepcopy(SOP['approver'])
    for key, value in (given.get('approver') or {}).items():
        if value in (None, ''):
            continue
        if key == 'title':
            approver['title'] = dict((language, value) for language in approver['title'])
        elif key in ('name', 'nip'):
            approver[key] = value
    result['approver'] = approver
    return result
