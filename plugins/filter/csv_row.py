# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
name: csv_row
short_description: One CSV record from a list of values, safe for spreadsheets
version_added: 1.0.0
author:
  - dukcapil.cctv contributors (!UNKNOWN)
description:
  - Turns a list of values into one CSV record (without the line break), for templates that write a
    table of values that come from devices, such as a camera's maker, model or serial number.
  - Every field is enclosed in double quotes and a double quote inside it is doubled, as RFC 4180 allows,
    so a comma, a quote or a line break inside a value stays inside its cell.
  - A value that starts with C(=), C(+), C(-), C(@), a tab or a carriage return would be read as a formula
    by a spreadsheet (CSV injection). With O(neutralize=true) (the default) it gets a leading C(') so that
    the spreadsheet shows it as text, as the OWASP advice on CSV injection recommends.
  - V(null) becomes an empty field; numbers and booleans their text.
options:
  _input:
    description: The values of the record, one per field.
    type: list
    elements: raw
    required: true
  neutralize:
    description:
      - Prefix C(') to a value that a spreadsheet would read as a formula.
      - Set V(false) only for a file that no spreadsheet opens; the quoting per RFC 4180 is always done.
    type: bool
    default: true
seealso:
  - name: RFC 4180
    description: Common format of comma-separated values files.
    link: https://www.rfc-editor.org/rfc/rfc4180
  - name: OWASP CSV injection
    description: Why cells that start with C(=), C(+), C(-) or C(@) are neutralised.
    link: https://owasp.org/www-community/attacks/CSV_Injection
notes:
  - Write the records of a file one per line; a record whose values hold line breaks spans several lines
    inside its quotes, which CSV readers (Python's C(csv) module, spreadsheets) read back as one record.
'''

EXAMPLES = r'''
- name: Write the camera table; a camera's model cannot forge cells or formulas
  ansible.builtin.copy:
    dest: /tmp/cameras.csv
    mode: "0644"
    content: |
      {{ ['camera', 'model'] | dukcapil.cctv.csv_row }}
      {% for host in groups['cameras'] %}
      {{ [host, hostvars[host].camera_model] | dukcapil.cctv.csv_row }}
      {% endfor %}

- name: Show what becomes of hostile values
  ansible.builtin.debug:
    # "cam-01","'=HYPERLINK(""http://x"")","Evil, Inc."
    msg: "{{ ['cam-01', '=HYPERLINK(\"http://x\")', 'Evil, Inc.'] | dukcapil.cctv.csv_row }}"
'''

RETURN = r'''
_value:
  description: The CSV record, every field in double quotes, without a line break at the end.
  type: str
  sample: '"cam-01","HIKVISION","''=HYPERLINK(""http://x"")","DS-2CD2043G2-I"'
'''

from collections.abc import Mapping, Sequence

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.text.converters import to_text

FORMULA_STARTS = ('=', '+', '-', '@', '\t', '\r')


def csv_field(value, neutralize=True):
    """One field: the value's text, neutralised when it starts like a formula, in double quotes."""
    text = '' if value is None else to_text(value, errors='surrogate_or_strict')
    if neutralize and text.startswith(FORMULA_STARTS):
        text = "'" + text
    return '"%s"' % text.replace('"', '""')


def csv_row(values, neutralize=True):
    """A list of values -> one CSV record (RFC 4180 quoting), see DOCUMENTATION."""
    if isinstance(values, (str, bytes, Mapping)) or not isinstance(values, Sequence):
        raise AnsibleFilterError('csv_row expects a list of values, got %s %r' % (type(values).__name__, values))
    if not isinstance(neutralize, bool):
        raise AnsibleFilterError('csv_row: neutralize must be true or false, got %r' % (neutralize,))
    return ','.join(csv_field(value, neutralize) for value in values)


class FilterModule:
    """dukcapil.cctv.csv_row."""

    def filters(self):
        return {'csv_row': csv_row}
