# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The first-boot crypto against published vectors.

Hikvision H2 (vendor-captures INDEX.md; hikvision/unknown-model-std-cgi-ns: the real challenge
answer and the test key it was made for); FIPS-197 appendix C (AES-128 and AES-256).
"""

from __future__ import annotations

import base64
import os
import re

import pytest

from ansible_collections.dukcapil.cctv.plugins.module_utils._vendor import crypto, dahua, hikvision

CAPTURES = os.environ.get('DUKCAPIL_VENDOR_CAPTURES', '/work/shared/vendor-captures')
HIK = os.path.join(CAPTURES, 'hikvision', 'unknown-model-std-cgi-ns')

# The test key of INDEX.md H2 (the PEM in activation-crypto-test-vectors.excerpt.txt), read by
# the tiny DER reader below when the captures are present; the challenge answer is the raw file.
EXPECTED_CHALLENGE = '1ad021adbbecb495fa4794e12f0ac63c'
AES_KEY = 'c8059b41126bd480f684b6a46d48804c'
AES_EXPECTED = 'NDk5M2NhMWZiNTdmNDViNzY1NDlkOTVkMTI4YjBkODhmY2U5M2QwZTcxMzdhYmJlZWM1YzU2ZmE3YTczNDQ1Nw=='


def _der_integers(der):
    """The INTEGERs of a PKCS#1 RSAPrivateKey SEQUENCE (enough DER for that one structure)."""
    def length(pos):
        first = der[pos]
        if first < 0x80:
            return first, pos + 1
        count = first & 0x7f
        return int.from_bytes(der[pos + 1:pos + 1 + count], 'big'), pos + 1 + count
    assert der[0] == 0x30
    dummy, pos = length(1)
    values = []
    while pos < len(der):
        assert der[pos] == 0x02
        size, pos = length(pos + 1)
        values.append(int.from_bytes(der[pos:pos + size], 'big'))
        pos += size
    return values


@pytest.fixture(scope='module')
def test_key():
    path = os.path.join(HIK, 'activation-crypto-test-vectors.excerpt.txt')
    if not os.path.exists(path):
        pytest.skip('vendor captures not present at %s' % CAPTURES)
    with open(path, encoding='utf-8') as handle:
        text = handle.read()
    pem = re.search(r'-----BEGIN RSA PRIVATE KEY-----(.*?)-----END RSA PRIVATE KEY-----', text, re.S).group(1)
    version, n, e, d, p, q = _der_integers(base64.b64decode(''.join(pem.split())))[:6]
    assert version == 0 and e == 65537 and p * q == n
    return crypto.RsaKey(n, e, d, p, q)


def _challenge_answer():
    with open(os.path.join(HIK, 'POST_ISAPI_Security_challenge.xml'), 'rb') as handle:
        return handle.read()


def test_h2_challenge_decrypts_to_the_published_key(test_key):
    doc = hikvision.parse_xml(_challenge_answer())
    assert hikvision.local(doc.tag) == 'Challenge'
    assert hikvision.decrypt_challenge(test_key, hikvision.child_text(doc, 'key')) == EXPECTED_CHALLENGE


def test_h2_challenge_block_is_pkcs1_type2_without_crt(test_key):
    no_crt = crypto.RsaKey(test_key.n, test_key.e, test_key.d)
    field = hikvision.child_text(hikvision.parse_xml(_challenge_answer()), 'key')
    plain = crypto.rsa_pkcs1v15_decrypt(no_crt, bytes.fromhex(base64.b64decode(field).decode()))
    assert plain == EXPECTED_CHALLENGE.encode()


def test_h2_aes_vector():
    assert hikvision.encrypt_password(AES_KEY, 'qwer1234') == AES_EXPECTED


def test_long_password_takes_more_blocks():
    field = hikvision.encrypt_password(AES_KEY, 'Kantor#2026-abcd')  # 16 bytes: one more block, none of padding
    assert len(bytes.fromhex(base64.b64decode(field).decode())) == 32


def test_fips197_aes128_and_aes256():
    plain = bytes.fromhex('00112233445566778899aabbccddeeff')
    assert crypto.aes_encrypt_block(bytes(range(16)), plain).hex() == '69c4e0d86a7b0430d8cdb78070b4c55a'
    assert crypto.aes_encrypt_block(bytes(range(32)), plain).hex() == '8ea2b7ca516745bfeafc49904b496089'


def test_cbc_chains_blocks():
    key, iv = bytes(range(16)), bytes(16)
    two = crypto.aes_cbc_encrypt(key, iv, bytes(32))
    assert two[:16] == crypto.aes_encrypt_block(key, bytes(16))
    assert two[16:] == crypto.aes_encrypt_block(key, two[:16])


def test_generated_key_round_trip():
    key = crypto.generate_rsa_key(1024)
    assert key.n.bit_length() == 1024 and key.e == 65537
    for message in (b'', b'x', os.urandom(117)):
        assert crypto.rsa_pkcs1v15_decrypt(key, crypto.rsa_pkcs1v15_encrypt(key.n, key.e, message)) == message


def test_public_key_field_is_base64_of_lower_hex_modulus():
    key = crypto.generate_rsa_key(1024)
    decoded = base64.b64decode(hikvision.public_key_field(key)).decode()
    assert decoded == decoded.lower() and int(decoded, 16) == key.n


def test_cross_check_with_cryptography():
    """The pure-Python RSA/AES agree with the cryptography package (a development requirement)."""
    hazmat = pytest.importorskip('cryptography.hazmat.primitives.asymmetric.rsa')
    from cryptography.hazmat.primitives.asymmetric import padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    key = crypto.generate_rsa_key(1024)
    public = hazmat.RSAPublicNumbers(key.e, key.n).public_key()
    assert crypto.rsa_pkcs1v15_decrypt(key, public.encrypt(b'1ad021adbbecb495fa4794e12f0ac63c', padding.PKCS1v15())) \
        == b'1ad021adbbecb495fa4794e12f0ac63c'
    theirs = hazmat.generate_private_key(public_exponent=65537, key_size=1024)
    numbers = theirs.public_key().public_numbers()
    assert theirs.decrypt(crypto.rsa_pkcs1v15_encrypt(numbers.n, numbers.e, b'digits'), padding.PKCS1v15()) == b'digits'
    key32, data = os.urandom(32), os.urandom(64)
    encryptor = Cipher(algorithms.AES(key32), modes.CBC(b'0' * 16)).encryptor()
    assert crypto.aes_cbc_encrypt(key32, b'0' * 16, data) == encryptor.update(data) + encryptor.finalize()


def test_v3_password_is_aes_cbc_pkcs7_of_challenge_prefix_and_password():
    """H3 (third party, not verified on a device), checked against the cryptography package."""
    pytest.importorskip('cryptography')
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    iv = os.urandom(16)
    field = hikvision.encrypt_password_v3(AES_KEY, 'qwer1234', iv)
    decryptor = Cipher(algorithms.AES(bytes.fromhex(AES_KEY)), modes.CBC(iv)).decryptor()
    plain = decryptor.update(bytes.fromhex(base64.b64decode(field).decode())) + decryptor.finalize()
    assert plain == AES_KEY[:16].encode() + b'qwer1234' + bytes([8]) * 8
    assert crypto.pkcs7_pad(b'x' * 16) == b'x' * 16 + bytes([16]) * 16


def test_bad_inputs_are_refused():
    key = crypto.generate_rsa_key(512)
    with pytest.raises(crypto.CryptoError, match='bytes'):
        crypto.rsa_pkcs1v15_decrypt(key, b'\x00' * 10)
    with pytest.raises(crypto.CryptoError, match='PKCS#1'):
        crypto.rsa_pkcs1v15_decrypt(key, (5).to_bytes(key.size, 'big'))
    with pytest.raises(crypto.CryptoError):
        crypto.aes_ecb_encrypt(bytes(16), b'short')
    with pytest.raises(ValueError, match='challenge'):
        hikvision.decrypt_challenge(key, 'not base64!')


def test_dahua_envelope_shape():
    key = crypto.generate_rsa_key(1024)
    sealed = dahua.envelope(key.n, key.e, {'name': 'admin'})
    assert sealed['cipher'] == 'RPAC-256'
    assert re.fullmatch(rb'[0-9]{32}', crypto.rsa_pkcs1v15_decrypt(key, bytes.fromhex(sealed['salt'])))
    assert len(base64.b64decode(sealed['content'])) % 16 == 0
    assert dahua.parse_public_key('N:%X,E:010001' % key.n) == (key.n, 65537)
