# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Offline stand-in for ansible-test's get-pip bootstrap script.

ansible-test downloads get-pip from a host this machine cannot reach. It first looks in
~/.ansible/test/cache/get_pip_<version>.py, where `make` puts this file: it bootstraps pip
with the interpreter's own ensurepip, then installs what ansible-test asked for from the
package index that pip is configured to use.
"""
import subprocess
import sys

args = [a for a in sys.argv[1:] if a not in ('--no-setuptools', '--no-wheel')]
subprocess.check_call([sys.executable, '-m', 'ensurepip', '--default-pip'])
subprocess.check_call([sys.executable, '-m', 'pip', 'install'] + args)
