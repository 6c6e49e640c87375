# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The little cryptography first boot needs: RSA PKCS#1 v1.5 and AES (ECB, CBC), standard library only.

Why not the ``cryptography`` package: the runtime is kept lean (issue 11: lxml plus the standard
library for the camera modules), ``cryptography`` is a compiled wheel of several megabytes that
AWX execution environments and old controllers do not always carry, and first boot needs very
little of it: one RSA key pair per activation (1024 bits for Hikvision, as its web client
uses), one PKCS#1 v1.5 decryption of a 16-byte challenge, one PKCS#1 v1.5 encryption (Dahua), and
AES encryption of a password (a few blocks). None of it protects data at rest or long-lived
secrets: the key pair lives for one request, and the exchange only hides the password from a
passive listener on the installation network, exactly as the camera's own web page does. Speed is
not a concern (a 1024-bit key takes well under a second in pure Python).

What is implemented, and checked against published vectors in the unit tests (INDEX.md H2, and
FIPS-197 appendix C for AES):

* :func:`generate_rsa_key` -- e = 65537, two primes from :mod:`secrets` tested with
  Miller-Rabin (40 rounds over random bases, after trial division by small primes). 1024 bits
  take well under a second; the 3072 bits of Hikvision's V3 activation a few seconds.
* :func:`rsa_pkcs1v15_decrypt` / :func:`rsa_pkcs1v15_encrypt` -- RSAES-PKCS1-v1_5 (RFC 8017
  section 7.2, block type 2). Decryption uses the CRT and checks the padding strictly.
* :func:`aes_encrypt_block`, :func:`aes_ecb_encrypt`, :func:`aes_cbc_encrypt` -- AES-128/192/256
  encryption (FIPS-197), no padding (the callers pad as their vendor wants). The tables are
  computed at import from the definition (multiplicative inverse in GF(2^8) and the affine map).

Not constant-time: acceptable for a one-shot exchange whose secret is the password being sent.
"""

from __future__ import annotations

import secrets

RSA_EXPONENT = 65537
_SMALL_PRIMES = [p for p in range(3, 2000, 2) if all(p % d for d in range(3, int(p ** 0.5) + 1, 2))]


class CryptoError(ValueError):
    """A malformed key, ciphertext or block (the message says which)."""


# ----------------------------------------------------------------------------------------- RSA

def _is_probable_prime(n, rounds=40):
    if n < 2:
        return False
    for p in _SMALL_PRIMES:
        if n % p == 0:
            return n == p
    d, s = n - 1, 0
    while d % 2 == 0:
        d //= 2
        s += 1
    for dummy in range(rounds):
        a = 2 + secrets.randbelow(n - 3)
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for dummy2 in range(s - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def _prime(bits):
    while True:
        # Top two bits set (so p*q has exactly 2*bits bits), odd.
        candidate = secrets.randbits(bits) | (3 << (bits - 2)) | 1
        if candidate % RSA_EXPONENT != 1 and _is_probable_prime(candidate):
            return candidate


def _inverse(a, m):
    """a^-1 mod m (extended Euclid; pow(a, -1, m) needs Python 3.8)."""
    r0, r1, s0, s1 = m, a % m, 0, 1
    while r1:
        q = r0 // r1
        r0, r1 = r1, r0 - q * r1
        s0, s1 = s1, s0 - q * s1
    if r0 != 1:
        raise CryptoError('no modular inverse')
    return s0 % m


class RsaKey:
    """An RSA private key: ``n``, ``e``, ``d``, ``p``, ``q`` (ints); ``size`` in bytes."""

    def __init__(self, n, e, d, p=None, q=None):
        self.n, self.e, self.d, self.p, self.q = n, e, d, p, q
        self.size = (n.bit_length() + 7) // 8

    def modulus_hex(self):
        """The modulus as lower-case hex, without leading zeros (what the Hikvision client sends)."""
        return '%x' % self.n

    def _private(self, c):
        if self.p and self.q:
            dp, dq = self.d % (self.p - 1), self.d % (self.q - 1)
            m1, m2 = pow(c, dp, self.p), pow(c, dq, self.q)
            h = (_inverse(self.q, self.p) * (m1 - m2)) % self.p
            return m2 + h * self.q
        return pow(c, self.d, self.n)


def generate_rsa_key(bits=1024):
    """A fresh RSA key pair of exactly ``bits`` bits, e = 65537."""
    if bits < 512 or bits % 2:
        raise CryptoError('RSA key size must be an even number of bits, at least 512')
    while True:
        p, q = _prime(bits // 2), _prime(bits // 2)
        if p == q:
            continue
        n = p * q
        if n.bit_length() != bits:
            continue
        phi = (p - 1) * (q - 1)
        return RsaKey(n, RSA_EXPONENT, _inverse(RSA_EXPONENT, phi), p, q)


def rsa_pkcs1v15_decrypt(key, ciphertext):
    """RSAES-PKCS1-v1_5 decryption (block type 2) of ``ciphertext`` (bytes) with the private ``key``."""
    if len(ciphertext) != key.size:
        raise CryptoError('RSA ciphertext has %d bytes, the key needs %d' % (len(ciphertext), key.size))
    c = int.from_bytes(ciphertext, 'big')
    if c >= key.n:
        raise CryptoError('RSA ciphertext is out of range for the key')
    block = key._private(c).to_bytes(key.size, 'big')
    separator = block.find(b'\x00', 2)
    if block[:2] != b'\x00\x02' or separator < 10:
        raise CryptoError('RSA plaintext is not a PKCS#1 v1.5 type 2 block (wrong key?)')
    return block[separator + 1:]


def rsa_pkcs1v15_encrypt(n, e, message):
    """RSAES-PKCS1-v1_5 encryption (block type 2) of ``message`` (bytes) with the public key (n, e)."""
    size = (n.bit_length() + 7) // 8
    if len(message) > size - 11:
        raise CryptoError('message too long for a %d-bit RSA key' % n.bit_length())
    padding = bytearray()
    while len(padding) < size - 3 - len(message):
        byte = secrets.randbelow(256)
        if byte:
            padding.append(byte)
    block = b'\x00\x02' + bytes(padding) + b'\x00' + message
    return pow(int.from_bytes(block, 'big'), e, n).to_bytes(size, 'big')


# ----------------------------------------------------------------------------------------- AES

def _xtime(a):
    a <<= 1
    return (a ^ 0x11b) if a & 0x100 else a


def _gmul(a, b):
    result = 0
    while b:
        if b & 1:
            result ^= a
        a = _xtime(a)
        b >>= 1
    return result


def _sbox():
    box = []
    for value in range(256):
        inverse = 0
        if value:
            inverse = next(c for c in range(1, 256) if _gmul(value, c) == 1)
        s = inverse
        for shift in range(1, 5):
            s ^= ((inverse << shift) | (inverse >> (8 - shift))) & 0xff
        box.append(s ^ 0x63)
    return box


SBOX = _sbox()
_MUL2 = [_gmul(x, 2) for x in range(256)]
_MUL3 = [_gmul(x, 3) for x in range(256)]


def _expand_key(key):
    if len(key) not in (16, 24, 32):
        raise CryptoError('AES key must have 16, 24 or 32 bytes, not %d' % len(key))
    nk = len(key) // 4
    rounds = nk + 6
    words = [list(key[4 * i:4 * i + 4]) for i in range(nk)]
    rcon = 1
    for i in range(nk, 4 * (rounds + 1)):
        word = list(words[i - 1])
        if i % nk == 0:
            word = [SBOX[b] for b in word[1:] + word[:1]]
            word[0] ^= rcon
            rcon = _xtime(rcon)
        elif nk > 6 and i % nk == 4:
            word = [SBOX[b] for b in word]
        words.append([a ^ b for a, b in zip(words[i - nk], word)])
    return [sum(words[4 * r:4 * r + 4], []) for r in range(rounds + 1)]


def _encrypt(round_keys, block):
    state = [b ^ k for b, k in zip(block, round_keys[0])]
    last = len(round_keys) - 1
    for r in range(1, last + 1):
        state = [SBOX[b] for b in state]
        # ShiftRows: the state is column-major, byte (row, col) at 4*col + row.
        state = [state[4 * ((c + row) % 4) + row] for c in range(4) for row in range(4)]
        if r != last:
            mixed = []
            for c in range(4):
                a0, a1, a2, a3 = state[4 * c:4 * c + 4]
                mixed += [_MUL2[a0] ^ _MUL3[a1] ^ a2 ^ a3, a0 ^ _MUL2[a1] ^ _MUL3[a2] ^ a3,
                          a0 ^ a1 ^ _MUL2[a2] ^ _MUL3[a3], _MUL3[a0] ^ a1 ^ a2 ^ _MUL2[a3]]
            state = mixed
        state = [b ^ k for b, k in zip(state, round_keys[r])]
    return bytes(state)


def aes_encrypt_block(key, block):
    """AES encryption of one 16-byte block."""
    if len(block) != 16:
        raise CryptoError('AES block must have 16 bytes, not %d' % len(block))
    return _encrypt(_expand_key(bytes(key)), bytes(block))


def aes_ecb_encrypt(key, data):
    """AES-ECB over ``data``, whose length must be a multiple of 16 (pad first)."""
    if len(data) % 16:
        raise CryptoError('AES-ECB data must be a multiple of 16 bytes')
    round_keys = _expand_key(bytes(key))
    return b''.join(_encrypt(round_keys, data[i:i + 16]) for i in range(0, len(data), 16))


def aes_cbc_encrypt(key, iv, data):
    """AES-CBC over ``data``, whose length must be a multiple of 16 (pad first)."""
    if len(data) % 16 or len(iv) != 16:
        raise CryptoError('AES-CBC needs a 16-byte IV and data in 16-byte blocks')
    round_keys = _expand_key(bytes(key))
    out, previous = [], bytes(iv)
    for i in range(0, len(data), 16):
        previous = _encrypt(round_keys, bytes(a ^ b for a, b in zip(data[i:i + 16], previous)))
        out.append(previous)
    return b''.join(out)


def pkcs7_pad(data, size=16):
    """``data`` padded the PKCS#7 way (always at least one byte of padding)."""
    count = size - len(data) % size
    return data + bytes([count]) * count


def zero_pad(data, size=16):
    """``data`` followed by NUL bytes up to a multiple of ``size`` (at least one block)."""
    return data + b'\x00' * (-len(data) % size if data else size)
