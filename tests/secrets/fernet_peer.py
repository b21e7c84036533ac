#!/usr/bin/python3
"""Independent Fernet peer for tests/secrets/fernet_python_test.cpp: Python's
cryptography (Debian python3-cryptography), run with /usr/bin/python3.

    fernet_peer.py generate DIR   reads DIR/secrets.txt, writes DIR/tokens.txt
    fernet_peer.py decrypt DIR    reads DIR/secrets.txt and DIR/ours.txt, writes DIR/verdicts.txt

secrets.txt: "name value" lines (raw_key, passphrase, other_key).
tokens.txt:  "name plaintext-hex token" lines, then "python name accepts|rejects" lines
             saying what cryptography itself makes of the odd tokens.
ours.txt:    "name derivation plaintext-hex timestamp token" lines made by pgverify.
verdicts.txt: "name ok" or "name <what went wrong>" lines.
Secrets and plaintexts are test values; nothing is printed.
"""
import base64
import os
import sys

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


def read_pairs(path):
    with open(path) as f:
        return dict(line.rstrip("\n").split(" ", 1) for line in f if line.strip())


def sqlalchemy_utils_fernet(secret):
    # sqlalchemy_utils/types/encrypted/encrypted_type.py: EncryptionDecryptionBaseEngine._update_key
    # then FernetEngine._initialize_engine.
    digest = hashes.Hash(hashes.SHA256())
    digest.update(secret.encode())
    return Fernet(base64.urlsafe_b64encode(digest.finalize()))


def hand_made_token(key, padded_plaintext, timestamp=1_700_000_000):
    """A token with a correct HMAC around a plaintext whose padding we choose."""
    raw = base64.urlsafe_b64decode(key)
    signing, encryption = raw[:16], raw[16:]
    iv = os.urandom(16)
    encryptor = Cipher(algorithms.AES(encryption), modes.CBC(iv)).encryptor()
    ciphertext = encryptor.update(padded_plaintext) + encryptor.finalize()
    data = b"\x80" + timestamp.to_bytes(8, "big") + iv + ciphertext
    mac = hmac.HMAC(signing, hashes.SHA256())
    mac.update(data)
    return base64.urlsafe_b64encode(data + mac.finalize())


def flip(token, index):
    data = bytearray(base64.urlsafe_b64decode(token))
    data[index] ^= 0x01
    return base64.urlsafe_b64encode(bytes(data))


def python_verdict(fernet, token, **ttl):
    try:
        if ttl:
            fernet.decrypt_at_time(token, ttl["ttl"], ttl["now"])
        else:
            fernet.decrypt(token)
        return "accepts"
    except InvalidToken:
        return "rejects"
    except ValueError:  # what a few malformed inputs raise instead
        return "rejects"


def generate(directory):
    secrets = read_pairs(os.path.join(directory, "secrets.txt"))
    raw = Fernet(secrets["raw_key"])
    sha = sqlalchemy_utils_fernet(secrets["passphrase"])
    sha_of_raw_key = sqlalchemy_utils_fernet(secrets["raw_key"])
    other = Fernet(secrets["other_key"])

    plaintexts = [b"", b"x" * 15, b"y" * 16, b"z" * 17, bytes(i % 256 for i in range(1000)),
                  "caf\u00e9 \u2603 credentials".encode()]
    tokens = []  # (name, plaintext, token)
    for i, p in enumerate(plaintexts):
        tokens.append((f"raw_{i}", p, raw.encrypt(p)))
        tokens.append((f"sha_{i}", p, sha.encrypt(p)))
    tokens.append(("other", b"another key's value", other.encrypt(b"another key's value")))

    one_block = raw.encrypt(b"one-block value")  # 73 bytes: its text ends in "=="
    tokens.append(("tampered_ciphertext", b"", flip(one_block, 30)))
    tokens.append(("tampered_timestamp", b"", flip(one_block, 8)))
    tokens.append(("tampered_hmac", b"", flip(one_block, 72)))
    tokens.append(("bad_version", b"", flip(one_block, 0)))
    tokens.append(("pad_zero", b"", hand_made_token(secrets["raw_key"], b"A" * 15 + b"\x00")))
    tokens.append(("pad_too_big", b"", hand_made_token(secrets["raw_key"], b"A" * 15 + b"\x11")))
    tokens.append(("pad_inconsistent", b"", hand_made_token(secrets["raw_key"], b"A" * 14 + b"\x03\x02")))
    tokens.append(("pad_good_control", b"A" * 14, hand_made_token(secrets["raw_key"], b"A" * 14 + b"\x02\x02")))
    data = base64.urlsafe_b64decode(one_block)
    tokens.append(("truncated_bytes", b"", base64.urlsafe_b64encode(data[:72])))
    tokens.append(("truncated_text", b"", one_block[:-3]))
    long_token = raw.encrypt(b"q" * 40)
    tokens.append(("truncated_block", b"", base64.urlsafe_b64encode(base64.urlsafe_b64decode(long_token)[:-16])))
    tokens.append(("unpadded", b"one-block value", one_block.rstrip(b"=")))
    tokens.append(("invalid_chars", b"one-block value", one_block[:10] + b"!" + one_block[10:]))
    tokens.append(("standard_alphabet", b"", one_block[:10] + b"+/" + one_block[10:]))
    tokens.append(("ttl_token", b"old", raw.encrypt_at_time(b"old", 1_000_000_000)))

    mix = []
    for i in range(4):
        mix.append(sha.encrypt(f"mix passphrase {i}".encode()))
    for i in range(3):
        mix.append(raw.encrypt(f"mix raw key {i}".encode()))
    mix.append(sha_of_raw_key.encrypt(b"mix sha256 of the raw key"))
    mix.append(other.encrypt(b"mix other key"))
    mix.append(flip(raw.encrypt(b"mix tampered"), 40))
    for i, t in enumerate(mix):
        tokens.append((f"mix_{i}", b"", t))

    with open(os.path.join(directory, "tokens.txt"), "w") as out:
        for name, p, t in tokens:
            out.write(f"{name} {p.hex() or '-'} {t.decode()}\n")
        by_name = {name: t for name, _, t in tokens}
        for name in ["pad_zero", "pad_too_big", "pad_inconsistent", "pad_good_control", "truncated_bytes",
                     "truncated_text", "truncated_block", "unpadded", "invalid_chars", "standard_alphabet",
                     "tampered_ciphertext", "bad_version"]:
            out.write(f"python {name} {python_verdict(raw, by_name[name])}\n")
        t = by_name["ttl_token"]
        out.write(f"python ttl_expired {python_verdict(raw, t, ttl=60, now=1_000_000_061)}\n")
        out.write(f"python ttl_edge {python_verdict(raw, t, ttl=60, now=1_000_000_060)}\n")
        out.write(f"python ttl_future {python_verdict(raw, t, ttl=60, now=1_000_000_000 - 61)}\n")
        out.write(f"python ttl_future_edge {python_verdict(raw, t, ttl=60, now=1_000_000_000 - 60)}\n")


def decrypt(directory):
    secrets = read_pairs(os.path.join(directory, "secrets.txt"))
    fernets = {"raw": Fernet(secrets["raw_key"]), "sha256": sqlalchemy_utils_fernet(secrets["passphrase"])}
    with open(os.path.join(directory, "ours.txt")) as f, open(os.path.join(directory, "verdicts.txt"), "w") as out:
        for line in f:
            name, derivation, plaintext_hex, timestamp, token = line.split()
            expected = b"" if plaintext_hex == "-" else bytes.fromhex(plaintext_hex)
            fernet = fernets[derivation]
            try:
                if fernet.decrypt(token.encode()) != expected:
                    out.write(f"{name} wrong plaintext\n")
                elif fernet.decrypt_at_time(token.encode(), 60, int(timestamp) + 1) != expected:
                    out.write(f"{name} wrong plaintext with a ttl\n")
                elif fernet.extract_timestamp(token.encode()) != int(timestamp):
                    out.write(f"{name} wrong timestamp\n")
                else:
                    out.write(f"{name} ok\n")
            except InvalidToken:
                out.write(f"{name} invalid token\n")


if __name__ == "__main__":
    {"generate": generate, "decrypt": decrypt}[sys.argv[1]](sys.argv[2])
