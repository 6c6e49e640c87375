# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The report's PDF, drawn with fpdf2 from the view that ``_report.build`` makes.

**Fonts.** One family, Liberation Sans (SIL Open Font License 1.1; regular, bold, italic, bold
italic), shipped with the collection in ``plugins/module_utils/fonts/`` and embedded (subset) in
every PDF: an archived report carries its fonts. AnsiballZ sends a module only the ``.py`` files
of ``module_utils``, so the module cannot find the font files on its own there: the action
plugins of ``sop_report`` and ``cctv_label_sheet`` (which run on the controller, beside the
installed collection) give the module their folder as ``font_dir``. Run in-process (tests, tools)
the folder beside this file is found directly. Text is kept to Latin-1 (:func:`pdf_text`), which
covers Indonesian and English and keeps the PDF's text extractable the same way as before.

**PDF/A.** With fpdf2 2.8 or later the document is written as PDF/A-2b (fpdf2's
``enforce_compliance``: XMP metadata, the sRGB output intent, embedded fonts only); an older fpdf2
writes the same PDF without the PDF/A declaration. No PDF/A validator (veraPDF) runs in the tests.

The creation date is the record's own report time, so the same facts give the same bytes. The
facts hash is in every page's footer (beside ``Halaman n dari m``, the words the HTML prints too)
and in the document keywords.
"""

from __future__ import annotations

import datetime
import html
import inspect
import io
import os
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
FONT = 'LiberationSans'
GREY = (228, 228, 228)
#: The font files of the one family, by fpdf2 style.
FONT_FILES = {'': 'LiberationSans-Regular.ttf', 'B': 'LiberationSans-Bold.ttf', 'I': 'LiberationSans-Italic.ttf',
              'BI': 'LiberationSans-BoldItalic.ttf'}
#: The fonts beside this file (found when the module runs in-process; see the module docstring).
FONT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fonts')
#: Smallest size a token (asset number, serial, address, hash) is set at before it is shortened.
MIN_TOKEN_PT = 6.0


class FontMissing(Exception):
    """The font files are not where they were looked for."""


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


def font_dir(given=None):
    """The folder holding :data:`FONT_FILES`: ``given`` (the action plugin's), else the one beside this file."""
    tried = []
    for folder in (given, FONT_DIR):
        if not folder:
            continue
        if all(os.path.isfile(os.path.join(folder, name)) for name in FONT_FILES.values()):
            return folder
        tried.append(folder)
    raise FontMissing('the Liberation Sans font files (%s) are not in %s: run the module through its action plugin '
                      '(the collection installed on the controller) or give font_dir'
                      % (', '.join(sorted(FONT_FILES.values())), ' or '.join(tried) or 'the collection'))


def supports_pdfa():
    """Whether this fpdf2 writes PDF/A (``enforce_compliance``, fpdf2 2.8 and later)."""
    return HAS_FPDF and 'enforce_compliance' in inspect.signature(FPDF.__init__).parameters


def setup(pdf, fonts, metadata, created, language):
    """Register the one embedded family and write the metadata (title, author, subject, keywords)."""
    for style, name in FONT_FILES.items():
        pdf.add_font(FONT, style, os.path.join(fonts, name))
    pdf.set_creation_date(created)
    pdf.set_title(metadata['title'])
    pdf.set_author(metadata['author'])
    pdf.set_subject(metadata['subject'])
    if metadata.get('keywords'):
        pdf.set_keywords(metadata['keywords'])
    pdf.set_creator('dukcapil.cctv')
    pdf.set_producer('dukcapil.cctv (fpdf2)')
    pdf.set_lang(language)
    if supports_pdfa():
        pdf.set_xmp_metadata(xmp(metadata, created))


def _xml(text):
    return html.escape(str(text), quote=True)


def xmp(metadata, created):
    """The XMP packet body of a PDF/A-2b document: title, author, subject, keywords and dates, all fixed by the
    document's own time (fpdf2's own packet would carry the time of rendering, and the bytes would differ)."""
    stamp = created.astimezone(datetime.timezone.utc).replace(microsecond=0).isoformat()
    lines = [
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">',
        ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
        '  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/"',
        '    xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"',
        '    xmp:CreatorTool="dukcapil.cctv" xmp:CreateDate="%s" xmp:ModifyDate="%s" xmp:MetadataDate="%s"' % (stamp, stamp, stamp),
        '    pdf:Producer="dukcapil.cctv (fpdf2)" pdf:Keywords="%s">' % _xml(metadata.get('keywords') or ''),
        '   <pdfaid:part>2</pdfaid:part>',
        '   <pdfaid:conformance>B</pdfaid:conformance>',
        '   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">%s</rdf:li></rdf:Alt></dc:title>' % _xml(metadata['title']),
        '   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">%s</rdf:li></rdf:Alt></dc:description>'
        % _xml(metadata['subject']),
        '   <dc:creator><rdf:Seq><rdf:li>%s</rdf:li></rdf:Seq></dc:creator>' % _xml(metadata['author']),
        '  </rdf:Description>',
        ' </rdf:RDF>',
        '</x:xmpmeta>',
    ]
    return '\n'.join(lines)


def document_class(base):
    """``base`` (an FPDF subclass) as it is made: PDF/A-2b when fpdf2 can."""
    kwargs = {'enforce_compliance': 'PDFA_2B'} if supports_pdfa() else {}
    return base(orientation='P', unit='mm', format='A4', **kwargs)


def fit_token(pdf, text, width, size, style=''):
    """The size (down to MIN_TOKEN_PT) at which the unbreakable ``text`` fits ``width``, and the text,
    shortened in the middle with '...' only when even that size is too large."""
    pdf.set_font(FONT, style, size)
    needed = pdf.get_string_width(text)
    if needed <= width:
        return size, text
    smaller = max(MIN_TOKEN_PT, size * width / needed)
    pdf.set_font(FONT, style, smaller)
    if pdf.get_string_width(text) <= width:
        return smaller, text
    keep = len(text)
    while keep > 4:
        keep -= 1
        shown = text[:(keep + 1) // 2] + '...' + text[len(text) - keep // 2:]
        if pdf.get_string_width(shown) <= width:
            return smaller, shown
    return smaller, text[:4] + '...'


class _ReportPDF(FPDF):  # pylint: disable=abstract-method
    """A4 portrait with the facts hash and the page number in every footer."""

    footer_text = ''
    page_text = ''

    def footer(self):
        self.set_y(-MARGIN_BOTTOM + 3)
        self.set_draw_color(0, 0, 0)
        self.set_line_width(0.2)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.set_y(self.get_y() + 1)
        self.set_font(FONT, '', 7)
        width = self.w - self.l_margin - self.r_margin
        self.cell(width * 0.8, 4, pdf_text(self.footer_text), align='L')
        self.cell(width * 0.2, 4, pdf_text(self.page_text.format(page=self.page_no(), pages='{nb}')), align='R')


def _heading(pdf, text):
    if pdf.will_page_break(28):  # a heading stays with the start of its table
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


PADDING_X = 1.0


def _token_cell(pdf, row, text, width, size, style=None, align=None, rowspan=1):
    """A cell whose text is never broken inside: set smaller (to 6 pt) or shortened in the middle to fit.

    Every cell gets its own size (fpdf2 would carry a smaller one on to the next cells). Returns whether
    the value had to be shortened (the caller then prints it in full below the table).
    """
    full = pdf_text(text)
    shown_size, shown = fit_token(pdf, full, width - 2 * PADDING_X - 0.4, size)
    face = FontFace(emphasis=style.emphasis if style else None, color=style.color if style else None, size_pt=shown_size)
    row.cell(shown, style=face, align=align, rowspan=rowspan)
    pdf.set_font(FONT, '', size)
    return shown != full


def _grid(pdf, name, headers, rows, total=None, size=7, faded=()):
    pdf.set_font(FONT, '', size)
    widths = [w * 1.8 for w in _report.WIDTHS[name]]
    tokens = _report.TOKENS[name]
    headings = FontFace(emphasis='BOLD', fill_color=GREY, size_pt=size)
    with pdf.table(col_widths=widths, width=180, text_align='LEFT', v_align='TOP', line_height=size * 0.45,
                   padding=(0.8, PADDING_X), headings_style=headings, repeat_headings=1) as table:
        head = table.row()
        for text in headers:
            head.cell(pdf_text(text), align='C', v_align='M')
        for index, cells in enumerate(rows):
            style = FontFace(color=(110, 110, 110)) if index in faded else None
            row = table.row(style=style)
            for col, text in enumerate(cells):
                if col in tokens:
                    _token_cell(pdf, row, text, widths[col], size, style=style)
                else:
                    row.cell(pdf_text(text), align='C' if col == 0 else None,
                             style=FontFace(color=style.color if style else None, size_pt=size))
        if total:
            row = table.row(style=FontFace(emphasis='BOLD'))
            for text in total:
                row.cell(pdf_text(text))


def _cameras(pdf, table, labels, size=7):
    """One block per camera: the number and the snapshot (about 50 mm wide) span its facts, one a line. A value
    too long for its cell even at 6 pt is shortened there and printed in full under the camera's block."""
    widths = [w * 1.8 for w in _report.WIDTHS['cameras']]
    headings = FontFace(emphasis='BOLD', fill_color=GREY, size_pt=size)
    pdf.set_font(FONT, '', size)
    for block, camera in enumerate(table['rows']):
        height = len(camera['facts']) * (size * 0.45 + 1.0) + 8
        if pdf.will_page_break(height):
            pdf.add_page()
        with pdf.table(col_widths=widths, width=180, text_align='LEFT', v_align='TOP', line_height=size * 0.45,
                       padding=(0.5, PADDING_X), headings_style=headings,
                       first_row_as_headings=block == 0 or pdf.get_y() < MARGIN_TOP + 5) as grid:
            if block == 0 or pdf.get_y() < MARGIN_TOP + 5:
                head = grid.row()
                for text in table['headers']:
                    head.cell(pdf_text(text), align='C', v_align='M')
            span = len(camera['facts'])
            shortened = []
            for index, (label, value, token) in enumerate(camera['facts']):
                row = grid.row()
                if index == 0:
                    row.cell(pdf_text(camera['number']), align='C', rowspan=span, style=FontFace(size_pt=size))
                row.cell(pdf_text(label), style=FontFace(color=(60, 60, 60), size_pt=size))
                if token:
                    if _token_cell(pdf, row, value, widths[2], size):
                        shortened.append((label, value))
                else:
                    row.cell(pdf_text(value), style=FontFace(size_pt=size))
                if index == 0:
                    if camera['thumbnail']:
                        row.cell(img=io.BytesIO(camera['thumbnail']), img_fill_width=True, rowspan=span, v_align='T')
                    else:
                        row.cell(pdf_text(camera['snapshot_text']), rowspan=span,
                                 style=FontFace(emphasis='ITALICS', color=(160, 0, 0), size_pt=size))
        for label, value in shortened:
            _paragraph(pdf, labels['full_value'].format(camera=camera['name'], label=label, value=value), size=6.5, align='L')


def _letterhead(pdf, head):
    top = pdf.get_y()
    if head['logo']:
        pdf.image(io.BytesIO(head['logo']['data']), x=MARGIN_LEFT, y=top, h=24)
    pdf.set_font(FONT, 'B', 13)
    pdf.cell(0, 6, pdf_text(head['government']), align='C', new_x='LMARGIN', new_y='NEXT')
    pdf.set_font(FONT, 'B', 14)
    pdf.cell(0, 7, pdf_text(head['office']), align='C', new_x='LMARGIN', new_y='NEXT')
    pdf.set_font(FONT, '', 9)
    pdf.cell(0, 5, pdf_text(head['contact']), align='C', new_x='LMARGIN', new_y='NEXT')
    pdf.set_font(FONT, 'B', 10)
    pdf.cell(0, 5, pdf_text(head['city_line']), align='C', new_x='LMARGIN', new_y='NEXT')
    y = max(pdf.get_y(), top + 25 if head['logo'] else 0) + 1.5
    pdf.set_line_width(0.9)
    pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
    pdf.set_line_width(0.25)
    pdf.line(pdf.l_margin, y + 1.1, pdf.w - pdf.r_margin, y + 1.1)
    pdf.set_y(y + 5)


def _signatures(pdf, view):
    """Three blocks: caption, title with the unit (up to three lines), room for signature and stamp, name, NIP."""
    if pdf.will_page_break(62):
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
        pdf.set_font(FONT, '', 8.5)
        pdf.multi_cell(width, 4, pdf_text(block['title']), align='C', new_x='LEFT', new_y='NEXT', max_line_height=4)
        if block['stamp']:
            pdf.set_font(FONT, 'I', 7)
            pdf.set_xy(x + 3, top + 24)
            pdf.multi_cell(width - 6, 3.5, pdf_text(block['stamp']), align='C')
        pdf.set_xy(x, top + 42)
        pdf.set_font(FONT, 'B' if block['signed'] else '', 9)
        name = pdf_text(block['name'])
        pdf.cell(width, 4.5, name, align='C', new_x='LEFT', new_y='NEXT')
        if block['signed']:  # the underline of a signed name, drawn below the descenders
            half = min(pdf.get_string_width(name), width - 2) / 2.0
            pdf.set_line_width(0.25)
            pdf.line(x + width / 2.0 - half, top + 42 + 4.1, x + width / 2.0 + half, top + 42 + 4.1)
            pdf.set_xy(x, top + 42 + 4.5)
        pdf.set_font(FONT, '', 9)
        pdf.cell(width, 4.5, pdf_text(block['nip']), align='C', new_x='LEFT', new_y='NEXT')


def render_pdf(view, fonts=None):
    """The report of ``view`` as PDF bytes (reproducible: no time of rendering inside)."""
    if not HAS_FPDF:
        raise _report.ReportError('fpdf2 is needed for the PDF report: %s' % FPDF_IMPORT_ERROR)
    try:
        folder = font_dir(fonts)
    except FontMissing as exc:
        raise _report.ReportError(str(exc)) from exc
    labels = view['labels']
    pdf = document_class(_ReportPDF)
    pdf.footer_text = view['footer']
    pdf.page_text = view['page_words']
    setup(pdf, folder, view['metadata'], view['created'], labels['html_lang'])
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
    _cameras(pdf, view['cameras'], labels)

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
