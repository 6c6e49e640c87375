#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: cctv_label_sheet
short_description: Print the asset-tag stickers of the cameras as an A4 PDF label sheet (SOP-PIAK-02 step 2)
version_added: 1.0.0
description:
  - Writes a printable A4 PDF with one sticker per asset, for the SOP's rule that every piece of hardware is marked
    with a sticker and numbered. Each label shows the owner line (O(owner_line)), the asset tag (large), the regional
    asset code (I(kode barang), O(asset_code)), the year of acquisition, room, position, maker and model, the serial
    number across the bottom (whole, never broken), and a QR code that encodes C(<tag>|SN:<serial>), e.g.
    C(DUKCAPIL-SMG/CCTV/2026/001|SN:ACCC8EF1A2B3), with a quiet zone of 4 modules inside the label. No text is
    set smaller than 6 pt.
  - The assets come from O(assets) (the C(asset) that M(dukcapil.cctv.cctv_asset_tag) returns for each) or from the
    asset register O(database), optionally narrowed by O(run_id),
    O(site), O(kind) and O(year); from the register they are in tag order.
  - The grid defaults to the common 24-up A4 sticker sheet (3 x 8 labels of 63.5 x 33.9 mm, e.g. Avery L7159 and
    compatibles), centred on the page; the
    title and page number are printed in the top margin, outside the stickers, when it is at least 7 mm high.
  - The file is written atomically and only when its bytes differ. The PDF holds no time of rendering (its creation
    date is the newest C(assigned_at) or C(updated_at) of its assets), so the same assets and options give the same
    bytes and a second run changes nothing.
author:
  - dukcapil.cctv contributors (!UNKNOWN)
requirements:
  - fpdf2 (Python library, on the host that runs the module)
  - segno (Python library, on the host that runs the module)
notes:
  - The PDF embeds Liberation Sans (SIL Open Font License 1.1), shipped with the collection; the module's action
    plugin passes the font folder as O(font_dir), so run it on the controller. Text is printed in Latin-1; other
    characters are replaced by a close Latin-1 one (an em dash by C(-)). With fpdf2 2.8 or later the PDF is PDF/A-2b.
  - The year of acquisition is each asset's tag year (taken in the office's time zone by
    M(dukcapil.cctv.cctv_asset_tag)) unless O(acquisition_year) is given.
  - Print at 100% (no "fit to page"), or the labels will not meet the stickers.
seealso:
  - module: dukcapil.cctv.cctv_asset_tag
extends_documentation_fragment:
  - dukcapil.cctv.attributes
attributes:
  check_mode:
    support: full
    details:
      - The sheet is rendered in memory and compared with O(dest); nothing is written.
  diff_mode:
    support: partial
    details:
      - Shows the file that would change with the SHA-256 of its old and new content and the labels of the new
        one, not the PDF itself.
  idempotent:
    support: full
options:
  dest:
    description:
      - Path of the PDF file to write. Its folder is created when missing.
    type: path
    required: true
  assets:
    description:
      - The assets to label, in order; each a dict like the C(asset) that M(dukcapil.cctv.cctv_asset_tag) returns.
        C(tag) and C(serial) are required; C(room), C(position), C(maker),
        C(model), C(kind), C(assigned_at) and C(updated_at) are used when present.
      - Exactly one of O(assets) and O(database) is required.
    type: list
    elements: dict
  database:
    description:
      - Path of the asset register to read the assets from (see M(dukcapil.cctv.cctv_asset_tag)). Never written.
    type: path
  run_id:
    description:
      - With O(database), only the assets tagged in this run or whose details (e.g. room) changed in it.
    type: str
  site:
    description:
      - With O(database), only the assets of this office code.
    type: str
  kind:
    description:
      - With O(database), only the assets of this kind, e.g. C(CCTV).
    type: str
  year:
    description:
      - With O(database), only the assets tagged with this year.
    type: int
  title:
    description:
      - The title printed above the labels and stored in the PDF. Defaults, in O(language), to
        C(Label Aset Kamera Pengawas) (when not all assets are cameras, C(Label Aset Perangkat Keras)), followed by
        the room when all assets share one, e.g. C(Label Aset Kamera Pengawas - Ruang Server).
    type: str
  language:
    description:
      - Language of the default title and of the words on the labels.
    type: str
    choices: [id, en]
    default: id
  columns:
    description:
      - Labels across the page.
    type: int
    default: 3
  rows:
    description:
      - Labels down the page.
    type: int
    default: 8
  label_width:
    description:
      - Width of a label in millimetres (at least 40).
    type: float
    default: 63.5
  label_height:
    description:
      - Height of a label in millimetres (at least 20).
    type: float
    default: 33.9
  gap_x:
    description:
      - Space between two labels side by side, in millimetres.
    type: float
    default: 2.5
  gap_y:
    description:
      - Space between two labels one above the other, in millimetres.
    type: float
    default: 0
  margin_left:
    description:
      - Distance from the left edge of the page to the first column, in millimetres. By default the grid is
        centred across the page.
    type: float
  margin_top:
    description:
      - Distance from the top edge of the page to the first row, in millimetres. By default the grid is centred
        down the page.
    type: float
  outline:
    description:
      - Draw a thin grey outline around each label (a cutting guide on plain paper). Turn it off for pre-cut
        sticker sheets.
    type: bool
    default: true
  owner_line:
    description:
      - The owner line printed at the top of every label. An empty string prints none.
    type: str
    default: Milik Pemerintah Kabupaten Semarang
  asset_code:
    description:
      - The regional asset code (I(kode barang)) of the assets, as the office's asset register (KIB B) writes it;
        printed on every label when given.
    type: str
  acquisition_year:
    description:
      - The year of acquisition printed on every label, when it is not the year each asset was tagged.
    type: int
  font_dir:
    description:
      - Folder with the Liberation Sans font files embedded in the PDF. Filled by the module's action plugin with the
        fonts shipped in the installed collection.
    type: path
  copies:
    description:
      - Labels printed for each asset (e.g. 2 to label the camera and its box).
    type: int
    default: 1
  skip:
    description:
      - Label positions to leave empty at the start of the first page, to use up a sheet that was partly used.
    type: int
    default: 0
  timeout:
    description:
      - Seconds to wait for the register while another process writes it.
    type: float
    default: 30
'''

EXAMPLES = r'''
- name: Tag the cameras of the server room (step 2)
  dukcapil.cctv.cctv_asset_tag:
    database: /srv/piak/aset.sqlite3
    serial: "{{ item.serial }}"
    maker: "{{ item.maker }}"
    model: "{{ item.model }}"
    site: SMG
    room: Ruang Server
    position: "{{ item.position }}"
    run_id: SMG-2026-03-10-01
  loop:
    - {serial: DS-2CD2143G2-I20240312AAWRF12345678, maker: Hikvision, model: DS-2CD2143G2-I, position: Sudut timur laut}
    - {serial: ACCC8EF1A2B3, maker: Axis, model: M3106-L Mk II, position: Pintu masuk}
  delegate_to: localhost
  register: cctv_tags

- name: Print their stickers
  dukcapil.cctv.cctv_label_sheet:
    assets: "{{ cctv_tags.results | map(attribute='asset') | list }}"
    dest: /srv/piak/label/SMG-2026-03-10-01.pdf
    owner_line: Milik Pemerintah Kabupaten Semarang
    asset_code: 1.3.2.10.02.03.005
  delegate_to: localhost

- name: Reprint every camera label of the office from the register, in English, on a sheet with 5 labels used
  dukcapil.cctv.cctv_label_sheet:
    database: /srv/piak/aset.sqlite3
    site: SMG
    kind: CCTV
    dest: /srv/piak/label/SMG-all.pdf
    language: en
    skip: 5
  delegate_to: localhost

- name: Print on 2 x 7 sheets of 99.1 x 38.1 mm stickers without outlines
  dukcapil.cctv.cctv_label_sheet:
    database: /srv/piak/aset.sqlite3
    run_id: SMG-2026-03-10-01
    dest: /srv/piak/label/SMG-2026-03-10-01-large.pdf
    columns: 2
    rows: 7
    label_width: 99.1
    label_height: 38.1
    outline: false
  delegate_to: localhost
'''

RETURN = r'''
dest:
  description: The PDF file.
  returned: success
  type: str
  sample: /srv/piak/label/SMG-2026-03-10-01.pdf
tags:
  description: The asset tags on the sheet, in order (each once, whatever O(copies)).
  returned: success
  type: list
  elements: str
  sample: [DUKCAPIL-SMG/CCTV/2026/001, DUKCAPIL-SMG/CCTV/2026/002]
labels:
  description: The number of labels printed (assets times O(copies)).
  returned: success
  type: int
  sample: 2
pages:
  description: The number of pages.
  returned: success
  type: int
  sample: 1
title:
  description: The title printed on the sheet.
  returned: success
  type: str
  sample: Label Aset Kamera Pengawas — Ruang Server
created:
  description: The creation date stored in the PDF (the newest C(assigned_at) or C(updated_at) of the assets).
  returned: success
  type: str
  sample: "2026-03-10T09:13:00+07:00"
sha256:
  description: The SHA-256 of the PDF's content.
  returned: success
  type: str
  sample: 3c5e0a9f0d2b6f1e4a7c8b9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b
'''

import hashlib
import traceback

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.dukcapil.cctv.plugins.module_utils import _assets
from ansible_collections.dukcapil.cctv.plugins.module_utils import _files
from ansible_collections.dukcapil.cctv.plugins.module_utils import _labels

FILTERS = ('run_id', 'site', 'kind', 'year')
LAYOUT = ('columns', 'rows', 'label_width', 'label_height', 'gap_x', 'gap_y', 'margin_left', 'margin_top')


def argument_spec():
    return dict(
        dest=dict(type='path', required=True),
        assets=dict(type='list', elements='dict'),
        database=dict(type='path'),
        run_id=dict(type='str'),
        site=dict(type='str'),
        kind=dict(type='str'),
        year=dict(type='int'),
        title=dict(type='str'),
        language=dict(type='str', choices=['id', 'en'], default='id'),
        columns=dict(type='int', default=3),
        rows=dict(type='int', default=8),
        label_width=dict(type='float', default=63.5),
        label_height=dict(type='float', default=33.9),
        gap_x=dict(type='float', default=2.5),
        gap_y=dict(type='float', default=0),
        margin_left=dict(type='float'),
        margin_top=dict(type='float'),
        outline=dict(type='bool', default=True),
        owner_line=dict(type='str', default='Milik Pemerintah Kabupaten Semarang'),
        asset_code=dict(type='str'),
        acquisition_year=dict(type='int'),
        font_dir=dict(type='path'),
        copies=dict(type='int', default=1),
        skip=dict(type='int', default=0),
        timeout=dict(type='float', default=30),
    )


def _assets_of(params):
    if params['assets'] is not None:
        return params['assets']
    found = _assets.list_assets(params['database'], timeout=params['timeout'], **{key: params[key] for key in FILTERS})
    if not found:
        chosen = ', '.join('%s=%s' % (key, params[key]) for key in FILTERS if params[key] is not None)
        raise _labels.LabelError('the asset register %s holds no assets%s' % (params['database'], ' with ' + chosen if chosen else ''))
    return found


def _summary(data, info=None, assets=()):
    if data is None:
        return ''
    text = 'PDF, %d bytes, sha256 %s\n' % (len(data), hashlib.sha256(data).hexdigest())
    if info is not None:
        text += '%d labels on %d pages: %s\n' % (info['labels'], info['pages'], info['title'])
        text += ''.join('%s  S/N %s  %s  %s\n' % (a['tag'], a['serial'], a.get('room') or '-', a.get('position') or '-')
                        for a in assets)
    return text


def make_sheet(module):
    params = module.params
    assets = _labels.check_assets(_assets_of(params))
    data, info = _labels.render_sheet(assets, title=params['title'], language=params['language'],
                                      layout={key: params[key] for key in LAYOUT}, outline=params['outline'],
                                      owner=params['owner_line'], copies=params['copies'], skip=params['skip'],
                                      asset_code=params['asset_code'], acquisition_year=params['acquisition_year'],
                                      fonts=params['font_dir'])
    before = _files.read_bytes(params['dest'])
    changed = _files.write_file(module, params['dest'], data)
    result = dict(changed=changed, dest=params['dest'], tags=[a['tag'] for a in assets], labels=info['labels'],
                  pages=info['pages'], title=info['title'], created=info['created'], sha256=hashlib.sha256(data).hexdigest())
    if module._diff:
        result['diff'] = {'before_header': params['dest'], 'after_header': params['dest'],
                          'before': _summary(before), 'after': _summary(data, info, assets)}
    return result


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True,
                           mutually_exclusive=[('assets', 'database')] + [('assets', key) for key in FILTERS],
                           required_one_of=[('assets', 'database')])
    if not _labels.HAS_FPDF:
        module.fail_json(msg=missing_required_lib('fpdf2'), exception=str(_labels.FPDF_IMPORT_ERROR))
    if not _labels.HAS_SEGNO:
        module.fail_json(msg=missing_required_lib('segno'), exception=str(_labels.SEGNO_IMPORT_ERROR))
    try:
        result = make_sheet(module)
    except (_labels.LabelError, _assets.AssetError) as exc:
        module.fail_json(msg='cannot make the label sheet %s: %s' % (module.params['dest'], exc))
    except OSError as exc:
        module.fail_json(msg='cannot write the label sheet %s: %s' % (module.params['dest'], exc), exception=traceback.format_exc())
    module.exit_json(**result)


if __name__ == '__main__':
    main()
