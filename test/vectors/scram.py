#!/usr/bin/env python3
"""SCRAM known-answer vectors for test/unit/test_sasl.c.

An independent implementation (hashlib/hmac, RFC 5802 section 3) that
prints the client and server messages of one exchange. It first replays
RFC 7677 section 3's SCRAM-SHA-256 example and asserts the RFC's values,
then prints a SCRAM-SHA-512 exchange with made-up inputs; those printed
values are pasted into test_sasl.c (scram_sha512_vector).

    python3 test/vectors/scram.py
"""
import base64
import hashlib
import hmac


def scram(hname, user, password, cnonce, snonce_suffix, salt, iters):
    h = lambda d: hashlib.new(hname, d).digest()
    mac = lambda k, d: hmac.new(k, d, hname).digest()
    saslname = user.replace("=", "=3D").replace(",", "=2C")
    first_bare = f"n={saslname},r={cnonce}"
    nonce = cnonce + snonce_suffix
    server_first = f"r={nonce},s={base64.b64encode(salt).decode()},i={iters}"
    final_wo = f"c={base64.b64encode(b'n,,').decode()},r={nonce}"
    auth = f"{first_bare},{server_first},{final_wo}".encode()
    salted = hashlib.pbkdf2_hmac(hname, password.encode(), salt, iters)
    client_key = mac(salted, b"Client Key")
    proof = bytes(a ^ b for a, b in zip(client_key, mac(h(client_key), auth)))
    server_sig = mac(mac(salted, b"Server Key"), auth)
    return {
        "client_first": "n,," + first_bare,
        "server_first": server_first,
        "client_final": f"{final_wo},p={base64.b64encode(proof).decode()}",
        "server_final": f"v={base64.b64encode(server_sig).decode()}",
    }


rfc = scram("sha256", "user", "pencil", "rOprNGfwEbeRWgbNEkqO",
            "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0",
            base64.b64decode("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096)
assert rfc["client_final"] == ("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfux"
                               "FIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgs"
                               "qmmiz7AndVQ=")
assert rfc["server_final"] == "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="
print("# RFC 7677 SCRAM-SHA-256 example: reproduced")

v = scram("sha512", "us=er,1", "correct horse battery staple",
          "fyko+d2lbbFgONRv9qkxdawL", "3rfcNHYJY1ZVvWVs7j",
          bytes.fromhex("0123456789abcdeffedcba9876543210"), 4096)
print("# SCRAM-SHA-512, user 'us=er,1', password 'correct horse battery staple'")
for k, val in v.items():
    print(f"{k} = {val}")
