# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The report's PDF, drawn with fpdf2 from the view that ``_report.build`` makes.

fpdf2 is pure Python; its core fonts (Helvetica, Times) encode Latin-1, which covers the
Indonesian and English text; any other character is replaced by a close Latin-1 one
(:func:`pdf_text`). The creation date is the record's own report time, so the same facts
give the same bytes. The facts hash is in every page's footer and in the document keywords.
"""

from __future__ import annotations

import io
import unicodedata

try:
    from fpdf import FPDF
    from fpdf.fonts import FontFace
    HAS_FPDF = True
    FPDF_IMPORT_ERROR = None
except ImportError as _exc:  # reported through missing_required_lib by the module
    FPDF = object
    FontFace = None
    HAS_FPDF = False
    FPDF_IMPORT_ERROR = _exc

from ansible_collections.dukcapil.cctv.plugins.module_utils import _report

MARGIN_LEFT, MARGIN_TOP, MARGIN_RIGHT, MARGIN_BOTTOM = 16, 12, 14, 16
FONT = 'Helvetica'
SERIF = 'Times'
GREY = (228, 228, 228)

#: Characters outside Latin-1 that reports meet, and what prints instead.
REPLACEMENTS = {
    '\u2013': '-', '\u2014': '-', '\u2212': '-', '\u2010': '-', '\u2011': '-',
    '\u2018': "'", '\u2019': "'", '\u201a': "'", '\u201c': '"', '\u201d': '"', '\u201e': '"',
    '\u2026': '...', '\u2022': '-', '\u2192': '->', '\u2190': '<-', '\u00a0': ' ', '\u2009': ' ', '\u202f': ' ',
    '\u2264': '<=', '\u2265': '>=', '\u2713': 'v', '\u2717': 'x', '\u20ac': 'EUR',
}


def pdf_text(text):
    """``text`` in Latin-1: known look-alikes replaced, accents kept, the rest as ``?``."""
    text = ''.join(REPLACEMENTS.get(ch, ch) for ch in str(text or ''))
    out = []
    for ch in text:
        if ord(ch) < 256:
            out.append(ch)
            continue
        base = unicodedata.normalize('NFKD', ch)
        base = ''.join(c for c in base if ord(c) < 256 and not unicodedata.combining(c))
        out.append(base or '?')
    return ''.join(out)


class _ReportPDF(FPDF):  # pylint: disable=abstract-method
    """A4 portrait with the facts hash and the page number in every footer."""

    footer_text = ''
    page_text = ''

    def footer(self):
        self.set_y(-MARGIN_BOTTOM + 4)
        self.set_draw_color(0, 0, 0)
        self.set_line_width(0.2)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.set_font(FONT, '', 7)
        width = self.w - self.l_margin - self.r_margin
        self.cell(width * 0.8, 5, pdf_text(self.footer_text), align='L')
        self.cell(width * 0.2, 5, pdf_text(self.page_text.format(page=self.page_no(), pages='{nb}')), align='R')


def _heading(pdf, text):
    if pdf.will_page_break(18):
        pdf.add_page()
    pdf.ln(2.5)
    pdf.set_font(FONT, 'B', 10)
    pdf.cell(0, 6, pdf_text(text), new_x='LMARGIN', new_y='NEXT')


def _paragraph(pdf, text, size=9, style='', align='J'):
    pdf.set_font(FONT, style, size)
    pdf.multi_cell(0, size * 0.5, pdf_text(text), align=align, new_x='LMARGIN', new_y='NEXT')


def _kv(pdf, rows):
    pdf.set_font(FONT, '', 9)
    with pdf.table(col_widths=(46, 4, 130), width=180, first_row_as_headings=False, borders_layout='NONE',
                   text_align='LEFT', v_align='TOP', line_height=4.4, padding=(0.3, 0)) as table:
        for label, value in rows:
            row = table.row()
            row.cell(pdf_text(label))
            row.cell(':')
            row.cell(pdf_text(value))


def _grid(pdf, name, headers, rows, total=None, images=None, size=7, faded=()):
    pdf.set_font(FONT, '', size)
    widths = [w * 1.8 for w in _report.WIDTHS[name]]
    headings = FontFace(emphasis='BOLD', fill_color=GREY, size_pt=size)
    with pdf.table(col_widths=widths, width=180, text_align='LEFT', v_align='TOP', line_height=size * 0.45,
                   padding=(0.8, 1.0), headings_style=headings, repeat_headings=1) as table:
        head = table.row()
        for text in headers:
            head.cell(pdf_text(text), align='C', v_align='M')
        for index, cells in enumerate(rows):
            style = FontFace(color=(110, 110, 110)) if index in faded else None
            row = table.row(style=style)
            for col, text in enumerate(cells):
                row.cell(pdf_text(text), align='C' if col == 0 else None)
            if images is not None:
                image, text = images[index]
                if image:
                    row.cell(img=io.BytesIO(image), img_fill_width=True)
                else:
                    row.cell(pdf_text(text), style=FontFace(emphasis='ITALICS', color=(160, 0, 0)))
        if total:
            row = table.row(style=FontFace(emphasis='BOLD'))
            for text in total:
                row.cell(pdf_text(text))


def _letterhead(pdf, head):
    top = pdf.get_y()
    if head['logo']:
        pdf.image(io.BytesIO(head['logo']['data']), x=MARGIN_LEFT, y=top, h=24)
    pdf.set_font(SERIF, 'B', 13)
    pdf.cell(0, 6, pdf_text(head['government']), align='C', new_x='LMARGIN', new_y='NEXT')
    pdf.set_font(SERIF, 'B', 15)
    pdf.cell(0, 7, pdf_text(head['office']), align='C', new_x='LMARGIN', new_y='NEXT')
    pdf.set_font(SERIF, '', 9.5)
    pdf.cell(0, 5, pdf_text(head['contact']), align='C', new_x='LMARGIN', new_y='NEXT')
    pdf.set_font(SERIF, 'B', 10.5)
    pdf.cell(0, 5, pdf_text(head['city_line']), align='C', new_x='LMARGIN', new_y='NEXT')
    y = max(pdf.get_y(), top + 25 if head['logo'] else 0) + 1.5
    pdf.set_line_width(0.9)
    pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
    pdf.set_line_width(0.25)
    pdf.line(pdf.l_margin, y + 1.1, pdf.w - pdf.r_margin, y + 1.1)
    pdf.set_y(y + 5)


def _signatures(pdf, view):
    if pdf.will_page_break(52):
        pdf.add_page()
    pdf.ln(6)
    width = (pdf.w - pdf.l_margin - pdf.r_margin) / 3.0
    pdf.set_font(FONT, '', 9)
    pdf.set_x(pdf.l_margin + 2 * width)
    pdf.cell(width, 5, pdf_text(view['place_date']), align='C', new_x='LMARGIN', new_y='NEXT')
    top = pdf.get_y() + 1
    for index, block in enumerate(view['signatures']):
        x = pdf.l_margin + index * width
        pdf.set_xy(x, top)
        pdf.set_font(FONT, '', 9)
        pdf.cell(width, 4.5, pdf_text(block['caption']), align='C', new_x='LEFT', new_y='NEXT')
        pdf.cell(width, 4.5, pdf_text(block['title']), align='C', new_x='LEFT', new_y='NEXT')
        if block['stamp']:
            pdf.set_font(FONT, 'I', 7)
            pdf.set_xy(x + 3, top + 14)
            pdf.multi_cell(width - 6, 3.5, pdf_text(block['stamp']), align='C')
        pdf.set_xy(x, top + 30)
        pdf.set_font(FONT, 'BU' if block['signed'] else '', 9)
        pdf.cell(width, 4.5, pdf_text(block['name']), align='C', new_x='LEFT', new_y='NEXT')
        pdf.set_font(FONT, '', 9)
        pdf.cell(width, 4.5, pdf_text(block['nip']), align='C', new_x='LEFT', new_y='NEXT')


def render_pdf(view):
    """The report of ``view`` as PDF bytes (reproducible: no time of rendering inside)."""
    if not HAS_FPDF:
        raise _report.ReportError('fpdf2 is needed for the PDF report: %s' % FPDF_IMPORT_ERROR)
    labels = view['labels']
    pdf = _ReportPDF(orientation='P', unit='mm', format='A4')
    pdf.footer_text = view['footer']
    pdf.page_text = labels['page']
    pdf.set_creation_date(view['created'])
    pdf.set_title(pdf_text(view['title']))
    pdf.set_subject(pdf_text(view['run_id']))
    pdf.set_author(pdf_text(view['letterhead']['office']))
    pdf.set_keywords('facts-sha256:%s' % view['facts_hash'])
    pdf.set_lang(labels['html_lang'])
    pdf.set_margins(MARGIN_LEFT, MARGIN_TOP, MARGIN_RIGHT)
    pdf.set_auto_page_break(True, margin=MARGIN_BOTTOM + 2)
    pdf.add_page()
    _letterhead(pdf, view['letterhead'])
    pdf.set_font(FONT, 'BU', 11)
    pdf.multi_cell(0, 5.5, pdf_text(view['title'].upper()), align='C', new_x='LMARGIN', new_y='NEXT')
    pdf.set_font(FONT, '', 9)
    pdf.cell(0, 5, pdf_text(view['number']), align='C', new_x='LMARGIN', new_y='NEXT')
    pdf.ln(3)
    _paragraph(pdf, view['intro'])

    _heading(pdf, labels['sec_sop'])
    _kv(pdf, view['sop_rows'])
    _heading(pdf, labels['sec_run'])
    _kv(pdf, view['run_rows'])

    _heading(pdf, labels['sec_steps'])
    steps = view['steps']
    _grid(pdf, 'steps', steps['headers'], steps['rows'], total=steps['total'])
    _paragraph(pdf, steps['legend'], size=7, align='L')

    _heading(pdf, labels['sec_cameras'])
    cameras = view['cameras']
    _grid(pdf, 'cameras', cameras['headers'], [r['cells'] for r in cameras['rows']],
          images=[(r['thumbnail'], r['snapshot_text']) for r in cameras['rows']])

    for key, section in (('workstations', 'sec_workstations'), ('problems', 'sec_problems')):
        _heading(pdf, labels[section])
        table = view[key]
        if table['rows']:
            _grid(pdf, key, table['headers'], table['rows'])
        else:
            _paragraph(pdf, table['empty'], size=8)

    _heading(pdf, labels['sec_reviews'])
    reviews = view['reviews']
    _paragraph(pdf, reviews['status'], size=9, style='B', align='L')
    _paragraph(pdf, reviews['hash'], size=7.5, align='L')
    pdf.ln(1)
    if reviews['rows']:
        _grid(pdf, 'reviews', reviews['headers'], reviews['rows'], faded=set(reviews['row_classes']))
    else:
        _paragraph(pdf, reviews['empty'], size=8)

    _signatures(pdf, view)
    return bytes(pdf.output())
