# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The printable label sheet of step 2: one sticker per asset, as the office's asset officer needs it.

The stock is :data:`STOCK` by default: an A4 sheet of 3 x 8 labels of 63.5 x 33.9 mm, centred on
the page. Each label carries, from the top: the owner line (default ``Milik Pemerintah Kabupaten
Semarang``, the office's), the asset tag as large as the width allows; then a QR code (segno,
error correction M, a quiet zone of 4 modules as ISO/IEC 18004 asks, inside the label) that
encodes ``<tag>|SN:<serial>``, and beside it the regional asset code (*kode barang*, when given),
the year of acquisition, the room, the position and the maker and model (the maker once); across
the bottom the serial number, whole. No text is set under 6 pt: a long value wraps at its spaces
or is shortened with '...'; a tag or a serial is never broken. The title and the page number go
in the top margin, outside the stickers.

The PDF embeds Liberation Sans (see ``_report_pdf``; the module's action plugin gives the font
folder) and is PDF/A-2b with fpdf2 2.8 or later. It carries no time of rendering: its creation date
is the newest ``assigned_at``/``updated_at`` of its assets, so the same assets give the same bytes.
"""

from __future__ import annotations

import datetime
import io

try:
    from fpdf import FPDF
    HAS_FPDF = True
    FPDF_IMPORT_ERROR = None
except ImportError as _exc:  # reported through missing_required_lib by the module
    FPDF = None
    HAS_FPDF = False
    FPDF_IMPORT_ERROR = _exc

try:
    import segno
    HAS_SEGNO = True
    SEGNO_IMPORT_ERROR = None
except ImportError as _exc:  # reported through missing_required_lib by the module
    segno = None
    HAS_SEGNO = False
    SEGNO_IMPORT_ERROR = _exc

from ansible_collections.dukcapil.cctv.plugins.module_utils import _report_pdf
from ansible_collections.dukcapil.cctv.plugins.module_utils import _sop
from ansible_collections.dukcapil.cctv.plugins.module_utils._report_pdf import pdf_text

PAGE_WIDTH, PAGE_HEIGHT = 210.0, 297.0
FONT = _report_pdf.FONT
PT = 25.4 / 72  # one point in mm
#: Smallest text on a label, in points.
MIN_PT = 6.0
#: White modules around the QR code (ISO/IEC 18004: four).
QR_QUIET_ZONE = 4
#: The label stock the default layout fits.
STOCK = 'A4, 3 x 8 labels of 63.5 x 33.9 mm (24 per sheet, e.g. Avery L7159 and compatibles)'
LEADING = 1.3  # line height / font size
MIN_LABEL_WIDTH, MIN_LABEL_HEIGHT = 40.0, 20.0
#: Creation date of a sheet whose assets carry no time (labels typed in by hand).
FALLBACK_DATE = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)
OUTLINE_GREY = (170, 170, 170)

DEFAULT_LAYOUT = {'columns': 3, 'rows': 8, 'label_width': 63.5, 'label_height': 33.9, 'gap_x': 2.5, 'gap_y': 0.0,
                  'margin_left': None, 'margin_top': None}

TEXT = {
    'id': {'title_cctv': 'Label Aset Kamera Pengawas', 'title_other': 'Label Aset Perangkat Keras',
           'serial': 'S/N', 'position': 'Posisi', 'page': 'Halaman {page} dari {pages}',
           'count': '{labels} label', 'asset_code': 'Kode Barang', 'year': 'Tahun Perolehan'},
    'en': {'title_cctv': 'Surveillance Camera Asset Labels', 'title_other': 'Hardware Asset Labels',
           'serial': 'S/N', 'position': 'Position', 'page': 'Page {page} of {pages}',
           'count': '{labels} labels', 'asset_code': 'Asset code', 'year': 'Year of acquisition'},
}
ASSET_TEXT_FIELDS = ('tag', 'serial', 'maker', 'model', 'room', 'position', 'kind', 'assigned_at', 'updated_at', 'year')


class LabelError(Exception):
    """The label sheet cannot be made (bad assets, a layout that does not fit the page)."""


def qr_payload(asset):
    """What the QR code of ``asset`` encodes: ``<tag>|SN:<serial>``."""
    return '%s|SN:%s' % (asset['tag'], asset['serial'])


def check_assets(assets):
    """The assets as a list of dicts with text fields; names the first bad one (``assets[2].serial``)."""
    if not isinstance(assets, list):
        raise LabelError('assets must be a list of assets (dicts), not %s' % type(assets).__name__)
    out = []
    for index, asset in enumerate(assets):
        if not isinstance(asset, dict):
            raise LabelError('assets[%d] is not an asset (a dict): %r' % (index, asset))
        clean = {}
        for field in ASSET_TEXT_FIELDS:
            value = asset.get(field)
            clean[field] = None if value is None or str(value).strip() == '' else str(value).strip()
        for field in ('tag', 'serial'):
            if clean[field] is None:
                raise LabelError('assets[%d].%s is missing or empty: %r' % (index, field, asset.get(field)))
            if '|' in clean[field]:
                raise LabelError('assets[%d].%s %r contains "|", which separates the fields of the QR code'
                                 % (index, field, clean[field]))
        out.append(clean)
    return out


def _number(layout, key, low, high):
    value = layout[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise LabelError('%s %r is not between %s and %s' % (key, value, low, high))
    return value


def check_layout(layout):
    """The grid with its margins resolved (centred when not given); refuses one that does not fit A4."""
    merged = dict(DEFAULT_LAYOUT)
    merged.update((k, v) for k, v in (layout or {}).items() if v is not None)
    out = dict(merged)
    for key, low, high in (('columns', 1, 10), ('rows', 1, 40), ('label_width', MIN_LABEL_WIDTH, PAGE_WIDTH),
                           ('label_height', MIN_LABEL_HEIGHT, PAGE_HEIGHT), ('gap_x', 0, 50), ('gap_y', 0, 50)):
        out[key] = _number(merged, key, low, high)
    for key in ('columns', 'rows'):
        if int(out[key]) != out[key]:
            raise LabelError('%s %r is not a whole number' % (key, out[key]))
        out[key] = int(out[key])
    grid_width = out['columns'] * out['label_width'] + (out['columns'] - 1) * out['gap_x']
    grid_height = out['rows'] * out['label_height'] + (out['rows'] - 1) * out['gap_y']
    for key, grid, page, size, gap, count in (('margin_left', grid_width, PAGE_WIDTH, 'label_width', 'gap_x', 'columns'),
                                              ('margin_top', grid_height, PAGE_HEIGHT, 'label_height', 'gap_y', 'rows')):
        if merged[key] is None:
            out[key] = round((page - grid) / 2.0, 3)
        else:
            out[key] = _number(merged, key, 0, page)
        if out[key] < 0 or out[key] + grid > page + 1e-6:
            raise LabelError('%d %s of %s mm with %s %s mm and %s %s mm take %.1f mm: they do not fit on the %.0f mm of an '
                             'A4 page' % (out[count], count, out[size], gap, out[gap], key, out[key], out[key] + grid, page))
    return out


def creation_date(assets):
    """The newest ``assigned_at``/``updated_at`` of the assets (reproducible bytes), else FALLBACK_DATE."""
    newest = None
    for asset in assets:
        for key in ('assigned_at', 'updated_at'):
            if not asset.get(key):
                continue
            try:
                when = datetime.datetime.fromisoformat(asset[key].replace('Z', '+00:00'))
            except ValueError:
                continue
            if when.tzinfo is None:
                when = when.replace(tzinfo=datetime.timezone.utc)
            if newest is None or when > newest:
                newest = when
    return newest or FALLBACK_DATE


def default_title(assets, language):
    """``Label Aset Kamera Pengawas`` (other kinds: ``... Perangkat Keras``), ``- <room>`` when they share one."""
    text = TEXT[language]
    kinds = set((a.get('kind') or 'CCTV').upper() for a in assets)
    title = text['title_cctv'] if kinds <= {'CCTV'} else text['title_other']
    rooms = set(a.get('room') for a in assets)
    if len(rooms) == 1 and None not in rooms:
        title += ' \u2014 ' + rooms.pop()
    return title


def _fit(pdf, text, width, size, minimum, style=''):
    """Set the font at the largest size <= ``size`` (down to ``minimum``) at which ``text`` fits ``width``;
    what still does not fit is shortened with '...'. Returns the text to print."""
    pdf.set_font(FONT, style, size)
    text_width = pdf.get_string_width(text)
    if text_width > width:
        size = max(minimum, size * width / text_width)
        pdf.set_font(FONT, style, size)
    return _shorten(pdf, text, width)


def _shorten(pdf, text, width):
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + '...') > width:
        text = text[:-1]
    return text.rstrip() + '...'


def _wrap(pdf, text, width, max_lines, words=True):
    """``text`` in lines that fit ``width`` at the current font: broken at spaces where it can (with
    ``words``), else inside a word; the last allowed line is shortened with '...'."""
    lines, rest = [], text
    while rest and len(lines) < max_lines:
        if pdf.get_string_width(rest) <= width or len(lines) == max_lines - 1:
            lines.append(_shorten(pdf, rest, width))
            break
        cut = len(rest)
        while cut > 1 and pdf.get_string_width(rest[:cut]) > width:
            cut -= 1
        space = rest.rfind(' ', 0, cut + 1) if words else -1
        if space > 0:
            cut = space
        lines.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return lines


def _layout_lines(pdf, fields, width, height, size, minimum):
    """The details as ``(style, size, line)`` at the largest size that fits ``height``; each field is
    ``(style, text, max_lines, words)``. A field a little too wide for one line is set up to a fifth
    smaller rather than wrapped (no serial broken two characters before its end). Returns
    ``(size, lines)``."""
    while True:
        lines = []
        for style, value, max_lines, words in fields:
            pdf.set_font(FONT, style, size)
            needed = pdf.get_string_width(value)
            if needed <= width or (needed * 0.8 <= width and size * width / needed >= minimum):
                lines.append((style, min(size, size * width / needed), value))
                continue
            lines += [(style, size, line) for line in _wrap(pdf, value, width, max_lines, words)]
        if len(lines) * size * PT * LEADING <= height or size <= minimum:
            return size, lines
        size = max(minimum, size - 0.25)


def _qr(asset):
    return segno.make(qr_payload(asset), error='m', micro=False, boost_error=False)


def qr_modules(asset):
    """Modules across the QR code of ``asset``, without its quiet zone."""
    return _qr(asset).symbol_size(border=0)[0]


def qr_png(asset):
    """The QR code of ``asset`` as PNG, with its quiet zone of :data:`QR_QUIET_ZONE` modules."""
    buf = io.BytesIO()
    _qr(asset).save(buf, kind='png', scale=8, border=QR_QUIET_ZONE)
    return buf.getvalue()


def _line(pdf, x, y, width, height, text, size, style='', align='L'):
    pdf.set_font(FONT, style, size)
    pdf.set_xy(x, y)
    pdf.cell(width, height, text, align=align)


def _draw_label(pdf, asset, x, y, w, h, text, outline, extra):
    """One label; ``extra``: owner line, asset code and acquisition year (each may be None)."""
    if outline:
        pdf.set_draw_color(*OUTLINE_GREY)
        pdf.set_line_width(0.15)
        pdf.rect(x, y, w, h, round_corners=True, corner_radius=1.5)
    pad = max(1.5, min(w, h) * 0.045)
    inner = w - 2 * pad
    pdf.set_text_color(0, 0, 0)
    cursor = y + pad
    # The owner line across the top (wrapped onto a second line rather than set under 6 pt).
    if extra.get('owner'):
        owner_size = 6.5
        for line in _layout_lines(pdf, [('', pdf_text(extra['owner']), 2, True)], inner, 2 * owner_size * PT * LEADING,
                                  owner_size, MIN_PT)[1]:
            _line(pdf, x + pad, cursor, inner, line[1] * PT * LEADING, line[2], line[1], line[0], align='C')
            cursor += line[1] * PT * LEADING
    # The tag, as large as the width allows (6 to 11 pt), never broken.
    size, tag = _report_pdf.fit_token(pdf, pdf_text(asset['tag']), inner, 11.0, 'B')
    tag_height = size * PT * 1.25
    _line(pdf, x + pad, cursor, inner, tag_height, tag, size, 'B', align='C')
    cursor += tag_height + 0.4
    # The serial across the bottom, whole.
    serial_size, serial = _report_pdf.fit_token(pdf, pdf_text('%s: %s' % (text['serial'], asset['serial'])), inner, 7.0, 'B')
    serial_height = serial_size * PT * LEADING
    bottom = y + h - pad * 0.8 - serial_height
    _line(pdf, x + pad, bottom, inner, serial_height, serial, serial_size, 'B', align='C')
    # The QR code (its quiet zone is inside the image) and the details beside it.
    side = max(8.0, bottom - 0.3 - cursor)
    pdf.image(io.BytesIO(qr_png(asset)), x=x + pad * 0.6, y=cursor, w=side, h=side)
    left = x + pad * 0.6 + side + 0.4
    width = x + w - pad - left
    fields = []
    if extra.get('asset_code'):
        fields.append(('B', '%s: %s' % (text['asset_code'], extra['asset_code']), 2, False))
    year = extra.get('year') or asset.get('year')
    if year:
        fields.append(('', '%s: %s' % (text['year'], year), 1, True))
    if asset.get('room'):
        fields.append(('', asset['room'], 2, True))
    if asset.get('position'):
        fields.append(('', '%s: %s' % (text['position'], asset['position']), 2, True))
    maker_model = _maker_model(asset.get('maker'), asset.get('model'))
    if maker_model:
        fields.append(('', maker_model, 2, True))
    fields = [(style, pdf_text(value), max_lines, words) for style, value, max_lines, words in fields]
    size, lines = _layout_lines(pdf, fields, width, side, 7.0, MIN_PT)
    line_height = size * PT * LEADING
    top = cursor + max(0.0, (side - line_height * len(lines)) / 2.0)
    for style, line_size, line in lines[:max(1, int(side // line_height))]:
        _line(pdf, left, top, width, line_height, line, line_size, style)
        top += line_height


def _maker_model(maker, model):
    maker, model = (maker or '').strip(), (model or '').strip()
    if maker and model.lower().startswith(maker.lower()):
        return model
    return ' '.join(v for v in (maker, model) if v)


def render_sheet(assets, title=None, language='id', layout=None, outline=True, owner=None, copies=1, skip=0,
                 asset_code=None, acquisition_year=None, fonts=None):
    """The label sheet as ``(pdf_bytes, info)``; ``info`` has labels, pages, created, title, layout.

    ``owner`` is the owner line (None: the office's default, Semarang's; '' for none), ``asset_code`` the kode
    barang and ``acquisition_year`` the year of acquisition (default: each asset's tag year).
    """
    if not HAS_FPDF:
        raise LabelError('fpdf2 is needed for the label sheet: %s' % FPDF_IMPORT_ERROR)
    if not HAS_SEGNO:
        raise LabelError('segno is needed for the QR codes of the label sheet: %s' % SEGNO_IMPORT_ERROR)
    if language not in TEXT:
        raise LabelError('language %r is not one of %s' % (language, ', '.join(sorted(TEXT))))
    assets = check_assets(assets)
    if not assets:
        raise LabelError('there are no assets to label')
    grid = check_layout(layout)
    if isinstance(copies, bool) or not isinstance(copies, int) or not 1 <= copies <= 100:
        raise LabelError('copies %r is not between 1 and 100' % (copies,))
    per_page = grid['columns'] * grid['rows']
    if isinstance(skip, bool) or not isinstance(skip, int) or not 0 <= skip < per_page:
        raise LabelError('skip %r is not between 0 and %d (the labels on a page)' % (skip, per_page - 1))
    if acquisition_year is not None and (isinstance(acquisition_year, bool) or not isinstance(acquisition_year, int)
                                         or not 1900 <= acquisition_year <= 9999):
        raise LabelError('acquisition_year %r is not a year' % (acquisition_year,))
    try:
        folder = _report_pdf.font_dir(fonts)
    except _report_pdf.FontMissing as exc:
        raise LabelError(str(exc)) from exc
    text = TEXT[language]
    title = title if title is not None else default_title(assets, language)
    created = creation_date(assets)
    slots = [None] * skip + [asset for asset in assets for _copy in range(copies)]
    pages = (len(slots) + per_page - 1) // per_page
    extra = {'owner': _sop.OFFICE['owner_line'] if owner is None else owner, 'asset_code': asset_code,
             'year': acquisition_year}

    pdf = _report_pdf.document_class(FPDF)
    _report_pdf.setup(pdf, folder, {'title': title, 'author': extra['owner'] or 'dukcapil.cctv',
                                    'subject': text['count'].format(labels=len(slots) - skip),
                                    'keywords': ' '.join(a['tag'] for a in assets)},
                      created, 'id-ID' if language == 'id' else 'en')
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.c_margin = 0  # cells print their text where the layout says, without fpdf2's inner padding
    for page in range(pages):
        pdf.add_page()
        if grid['margin_top'] >= 7:
            band = min(5.0, grid['margin_top'] - 2.5)
            pdf.set_font(FONT, '', 8)
            pdf.set_text_color(60, 60, 60)
            y = grid['margin_top'] - band - 1.5
            pdf.set_xy(grid['margin_left'], y)
            page_text = text['page'].format(page=page + 1, pages=pages)
            page_width = pdf.get_string_width(page_text) + 2
            grid_width = grid['columns'] * grid['label_width'] + (grid['columns'] - 1) * grid['gap_x']
            shown = _fit(pdf, pdf_text(title), grid_width - page_width - 4, 8, MIN_PT, 'B')
            pdf.cell(grid_width - page_width, band, shown, align='L')
            pdf.set_font(FONT, '', 8)
            pdf.cell(page_width, band, page_text, align='R')
        for index, asset in enumerate(slots[page * per_page:(page + 1) * per_page]):
            if asset is None:
                continue
            row, column = divmod(index, grid['columns'])
            x = grid['margin_left'] + column * (grid['label_width'] + grid['gap_x'])
            y = grid['margin_top'] + row * (grid['label_height'] + grid['gap_y'])
            _draw_label(pdf, asset, x, y, grid['label_width'], grid['label_height'], text, outline, extra)
    data = bytes(pdf.output())
    return data, {'labels': len(slots) - skip, 'pages': pages, 'created': created.isoformat(), 'title': title,
                  'layout': grid}
