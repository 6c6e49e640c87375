# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""csv_row: RFC 4180 quoting and CSV-injection neutralising, checked by reading the output with Python's csv module."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.dukcapil.cctv.plugins.filter.csv_row import FilterModule, csv_row

HOSTILE = [
    '=HYPERLINK("http://127.0.0.1/x?leak="&A1,"Click me")',
    '+1+1', '-2+3', '@SUM(1,2)', '\t=1+1', '\r=1+1',
    'Evil, Inc.', 'say "cheese"', 'two\nlines', 'cr\r\nlf', '',
]


def read_back(*records):
    return list(csv.reader(io.StringIO('\n'.join(records) + '\n', newline='')))


def test_every_value_comes_back_in_its_own_cell_and_no_cell_is_a_formula():
    rows = read_back(csv_row(['camera', 'model']), csv_row(['cam-01'] + HOSTILE), csv_row(['cam-02', 'plain']))
    assert [len(row) for row in rows] == [2, 1 + len(HOSTILE), 2]
    for value, cell in zip(HOSTILE, rows[1][1:]):
        assert cell == ("'" + value if value[:1] in ('=', '+', '-', '@', '\t', '\r') else value)
    assert rows[2] == ['cam-02', 'plain']


def test_exact_text_per_rfc_4180():
    assert csv_row(['a', 'b,c', 'd"e', None, 3, True]) == '"a","b,c","d""e","","3","True"'
    assert csv_row(['=1+1', '-x']) == '"\'=1+1","\'-x"'
    assert csv_row(['=1+1', '-x'], neutralize=False) == '"=1+1","-x"'
    assert csv_row([]) == ''


@pytest.mark.parametrize('value, message', [
    ('cam-01', "csv_row expects a list of values, got str 'cam-01'"),
    ({'a': 1}, "csv_row expects a list of values, got dict {'a': 1}"),
    (5, 'csv_row expects a list of values, got int 5'),
])
def test_anything_but_a_list_is_refused(value, message):
    with pytest.raises(AnsibleFilterError) as exc:
        csv_row(value)
    assert str(exc.value) == message


def test_neutralize_must_be_a_boolean():
    with pytest.raises(AnsibleFilterError, match="neutralize must be true or false, got 'no'"):
        csv_row(['x'], neutralize='no')


def test_registered_under_its_name():
    assert FilterModule().filters() == {'csv_row': csv_row}


def test_ansible_doc_shows_the_filter():
    collections = os.path.join(os.path.dirname(__file__), *(['..'] * 4), 'build', 'pytest-collections')
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.abspath(collections))
    proc = subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-doc'), '-t', 'filter', '--json',
                           'dukcapil.cctv.csv_row'], capture_output=True, text=True, env=env, check=False, timeout=120)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)['dukcapil.cctv.csv_row']
    assert doc['doc']['name'] == 'csv_row' and 'neutralize' in doc['doc']['options'] and doc['examples']
