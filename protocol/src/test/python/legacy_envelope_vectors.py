#!/usr/bin/env python3
"""Known-answer vectors for TestLegacyEnvelope, computed independently of the Java code.

Implements OMServer's v1 envelope as published (reference/ORIGINALS.md section 1):
salt (16 bytes) || RC4(SHA-1(secret || salt), UTF-8 plaintext), standard Base64 with padding.
Pure-Python RC4, nothing dropped. Run: python3 legacy_envelope_vectors.py
"""
import base64
import hashlib


def rc4(key, data):
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    i = j = 0
    out = bytearray()
    for byte in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def encrypt(secret, salt, plaintext):
    key = hashlib.sha1(secret + salt).digest()
    return base64.b64encode(salt + rc4(key, plaintext.encode("utf-8"))).decode("ascii")


SECRET = b"OMServer-secret-key"
SALT = bytes(range(16))
for text in ["1001@@192.168.1.21*web1,192.168.1.22*web2@@50@@", "中文 ✓ 😀 résumé"]:
    print(repr(text), encrypt(SECRET, SALT, text))
