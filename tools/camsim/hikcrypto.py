"""The device side of Hikvision's legacy ISAPI activation crypto (INDEX.md H2).

Written from the facts in INDEX.md H2 only (independent of the collection's client):

* the client's ``<PublicKey><key>`` is base64 of the lower-case hex of its RSA modulus
  (public exponent 65537);
* the device picks a random AES-128 key, writes it as 32 lower-case hex characters, encrypts
  those 32 ASCII bytes with RSA PKCS#1 v1.5 (block type 2) under the client's key and answers
  base64 of the lower-case hex of the ciphertext (256 hex characters for a 1024-bit key);
* the client sends base64(lower-case hex(AES-128-ECB(key = the 16 bytes the hex stands for,
  data = first 16 characters of the hex key + the password, zero-padded to 16 bytes))).

RSA is done with Python integers (the padding is simple and the simulator only encrypts);
AES comes from ``cryptography`` (an ansible-core dependency), imported when first needed.
"""

import base64
import binascii
import os

PUBLIC_EXPONENT = 65537


def modulus_from_key(key_b64):
    """The RSA modulus of a client's ``<key>``: base64 of lower/upper-case hex."""
    try:
        hex_text = base64.b64decode(key_b64.strip(), validate=True).decode("ascii").strip()
        modulus = int(hex_text, 16)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise ValueError("not base64 of a hexadecimal modulus") from None
    if modulus < 2 ** 511:
        raise ValueError("modulus too small")
    return modulus


def new_random_key():
    """A fresh AES-128 key as the device writes it: 32 lower-case hex characters."""
    return os.urandom(16).hex()


def _pkcs1_v15_type2(message, size):
    """EM = 00 02 PS 00 M with PS non-zero random bytes, at least 8 of them (RFC 8017 7.2.1)."""
    if len(message) > size - 11:
        raise ValueError("message too long for the key")
    padding = b""
    while len(padding) < size - 3 - len(message):
        padding += bytes(b for b in os.urandom(size) if b)
    return b"\x00\x02" + padding[:size - 3 - len(message)] + b"\x00" + message


def encrypt_random_key(random_key, modulus, exponent=PUBLIC_EXPONENT):
    """The ``<key>`` of the device's ``<Challenge>`` answer for ``random_key`` (32 hex chars)."""
    size = (modulus.bit_length() + 7) // 8
    block = int.from_bytes(_pkcs1_v15_type2(random_key.encode("ascii"), size), "big")
    cipher_hex = "%0*x" % (size * 2, pow(block, exponent, modulus))
    return base64.b64encode(cipher_hex.encode("ascii")).decode("ascii")


def _aes_ecb_decrypt(key, data):
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    decryptor = Cipher(algorithms.AES(key), modes.ECB()).decryptor()
    return decryptor.update(data) + decryptor.finalize()


def decrypt_password(encrypted_b64, random_key):
    """The password an ``<ActivateInfo><password>`` carries; ValueError when it was not
    encrypted with ``random_key`` the way INDEX.md H2 says."""
    try:
        data = bytes.fromhex(base64.b64decode(encrypted_b64.strip(), validate=True).decode("ascii"))
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise ValueError("password is not base64 of hexadecimal AES output") from None
    if not data or len(data) % 16:
        raise ValueError("password is not whole AES blocks")
    plain = _aes_ecb_decrypt(bytes.fromhex(random_key), data)
    if plain[:16] != random_key[:16].encode("ascii"):
        raise ValueError("password was not encrypted with this challenge's key")
    try:
        return plain[16:].rstrip(b"\x00").decode("ascii")
    except UnicodeDecodeError:
        raise ValueError("password is not ASCII") from None
