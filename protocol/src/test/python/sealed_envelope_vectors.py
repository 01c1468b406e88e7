#!/usr/bin/env python3
"""Known-answer vector for TestSealedEnvelope, computed independently of the Java code.

Envelope v2 as documented in protocol/README.md:
  version(1)=2 || timestamp ms (8, big-endian) || salt(16) || ciphertext || HMAC-SHA256(macKey, header || ciphertext)
  rc4Key || macKey = HKDF-SHA256(ikm=secret, salt=salt, info="omserver-envelope-v2\\0" + context, L=64)
  ciphertext = RC4 with the first 3072 keystream bytes dropped; token = standard Base64 with padding.
Run: python3 sealed_envelope_vectors.py
"""
import base64
import hashlib
import hmac
import struct


def hkdf_sha256(ikm, salt, info, length):
    prk = hmac.new(salt, ikm, hashlib.sha256).digest()
    okm, block, counter = b"", b"", 1
    while len(okm) < length:
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha256).digest()
        okm += block
        counter += 1
    return okm[:length]


def rc4_drop(key, drop, data):
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    i = j = 0
    out = bytearray()
    for n in range(drop + len(data)):
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        if n >= drop:
            out.append(data[n - drop] ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def seal(secret, timestamp_ms, salt, context, plaintext):
    okm = hkdf_sha256(secret, salt, b"omserver-envelope-v2\0" + context.encode("utf-8"), 64)
    header = bytes([2]) + struct.pack(">q", timestamp_ms) + salt
    cipher = rc4_drop(okm[:32], 3072, plaintext)
    mac = hmac.new(okm[32:], header + cipher, hashlib.sha256).digest()
    return base64.b64encode(header + cipher + mac).decode("ascii")


SECRET = b"0123456789abcdef-shared-secret"
SALT = bytes(range(0x10, 0x20))
print(seal(SECRET, 1_700_000_000_000, SALT, "login", "héllo 世界 😀".encode("utf-8")))
