#!/usr/bin/python3
"""OMServer's legacy call from Python, as the original web server made it.

Builds a v1 envelope with the published algorithm (16-byte salt, key = SHA-1(secret || salt), plain RC4,
standard Base64), calls Master.runCommands over framed binary Thrift, decrypts the reply and prints it.
Needs the Python code generated from omserver.thrift on sys.path (--gen-py) and python3-thrift.
"""
import argparse
import base64
import hashlib
import os
import sys


def rc4(key, data):
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def encrypt(secret, text):
    salt = os.urandom(16)
    key = hashlib.sha1(secret + salt).digest()
    return base64.b64encode(salt + rc4(key, text.encode("utf-8"))).decode("ascii")


def decrypt(secret, token):
    raw = base64.b64decode(token)
    salt, cipher = raw[:16], raw[16:]
    key = hashlib.sha1(secret + salt).digest()
    return rc4(key, cipher).decode("utf-8")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--key", required=True, help="the shared secret")
    parser.add_argument("--request", required=True, help="ModuleID@@ip*name,...@@[p1@@[p2@@]]")
    parser.add_argument("--gen-py", help="directory holding the generated omserver package")
    args = parser.parse_args()
    if args.gen_py:
        sys.path.insert(0, args.gen_py)

    from thrift.protocol import TBinaryProtocol
    from thrift.transport import TSocket, TTransport
    from omserver import Master

    secret = args.key.encode("utf-8")
    socket = TSocket.TSocket(args.host, args.port)
    socket.setTimeout(60000)
    transport = TTransport.TFramedTransport(socket)
    client = Master.Client(TBinaryProtocol.TBinaryProtocol(transport))
    transport.open()
    try:
        reply = client.runCommands(encrypt(secret, args.request))
    finally:
        transport.close()
    sys.stdout.write(decrypt(secret, reply))


if __name__ == "__main__":
    main()
