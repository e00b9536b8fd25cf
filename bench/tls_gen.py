#!/usr/bin/env python3
"""Makes the SIP-over-TLS benchmark captures: the same SIP traffic once
over TLS 1.3 (AES-128-GCM by OpenSSL through Python's ssl, with its key
log) and once over plain TCP.

The TLS bytes are real (two ssl.SSLObjects, client and server, talking
through memory BIOs), but the packets around them are written here: a
live tcpdump on a shared loopback drops segments at this rate, and a
stream with a hole cannot be decrypted past it.  Each connection gets a
SYN handshake, then every chunk a peer sends becomes TCP segments of at
most 1448 bytes with real sequence numbers, 20 us apart.

usage: python3 bench/tls_gen.py OUTDIR [CONNS PAIRS]
(default 8 connections x 6250 request/response pairs = 100 000 messages)
writes OUTDIR/tls.pcap, OUTDIR/tls.keys, OUTDIR/tcp.pcap.
"""
import os
import ssl
import struct
import sys

OUT = sys.argv[1]
CONNS = int(sys.argv[2]) if len(sys.argv) > 2 else 8
PAIRS = int(sys.argv[3]) if len(sys.argv) > 3 else 6250
HERE = os.path.dirname(os.path.abspath(__file__))
CERT = os.path.join(HERE, "..", "tests", "data", "tls", "cert.pem")
KEY = os.path.join(HERE, "..", "tests", "data", "tls", "key.pem")


def req(c, n):
    return (f"OPTIONS sip:bob@example.com SIP/2.0\r\n"
            f"Via: SIP/2.0/TLS 10.0.0.{c + 1}:5061;branch=z9hG4bK-{c}-{n}\r\n"
            f"Max-Forwards: 70\r\nFrom: <sip:alice@example.com>;tag=a{c}x{n}\r\n"
            f"To: <sip:bob@example.com>\r\nCall-ID: bench-{c}-{n}@example.com\r\n"
            f"CSeq: {n + 1} OPTIONS\r\nUser-Agent: tls-bench\r\nContent-Length: 0\r\n\r\n"
            ).encode()


def resp(r):
    keep = [l for l in r.split(b"\r\n") if l.split(b":")[0] in
            (b"Via", b"From", b"To", b"Call-ID", b"CSeq")]
    return b"SIP/2.0 200 OK\r\n" + b"\r\n".join(keep) + b"\r\nContent-Length: 0\r\n\r\n"


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack(f"!{len(b) // 2}H", b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


class Pcap:
    def __init__(self, path):
        self.f = open(path, "wb")
        self.f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
        self.t = 1_800_000_000.0

    def frame(self, src, dst, sp, dp, seq, ack, flags, data=b""):
        self.t += 20e-6
        tcp = struct.pack("!HHIIBBHHH", sp, dp, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, 5 << 4,
                          flags, 65535, 0, 0) + data
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0, 0x4000, 64, 6, 0,
                         bytes(src), bytes(dst))
        ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
        eth = b"\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00"
        pkt = eth + ip + tcp
        sec = int(self.t)
        self.f.write(struct.pack("<IIII", sec, int((self.t - sec) * 1e6), len(pkt), len(pkt)))
        self.f.write(pkt)


class Conn:
    def __init__(self, pcap, c):
        self.p = pcap
        self.cli, self.srv = [10, 0, 0, c + 1], [10, 0, 1, 1]
        self.cp, self.sp = 40000 + c, 5061
        self.cseq, self.sseq = 1000 * c + 1, 7000000 + c
        p = self.p
        p.frame(self.cli, self.srv, self.cp, self.sp, self.cseq - 1, 0, 0x02)
        p.frame(self.srv, self.cli, self.sp, self.cp, self.sseq - 1, self.cseq, 0x12)
        p.frame(self.cli, self.srv, self.cp, self.sp, self.cseq, self.sseq, 0x10)

    def send(self, from_client, data):
        for o in range(0, len(data), 1448):
            seg = data[o:o + 1448]
            if from_client:
                self.p.frame(self.cli, self.srv, self.cp, self.sp, self.cseq, self.sseq, 0x18,
                             seg)
                self.cseq += len(seg)
            else:
                self.p.frame(self.srv, self.cli, self.sp, self.cp, self.sseq, self.cseq, 0x18,
                             seg)
                self.sseq += len(seg)


def pump(conn, a, b, a_is_client):
    """Moves what a wrote to b, recording it."""
    d = a[2].read()
    if d:
        conn.send(a_is_client, d)
        b[1].write(d)
    return bool(d)


def tls_pair(keys):
    sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    sctx.load_cert_chain(CERT, KEY)
    sctx.minimum_version = ssl.TLSVersion.TLSv1_3
    sctx.keylog_filename = keys
    cctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    cctx.check_hostname = False
    cctx.verify_mode = ssl.CERT_NONE
    out = []
    for ctx, server in ((cctx, False), (sctx, True)):
        inb, outb = ssl.MemoryBIO(), ssl.MemoryBIO()
        out.append((ctx.wrap_bio(inb, outb, server_side=server), inb, outb))
    return out


def run_tls(pcap, c, keys):
    conn = Conn(pcap, c)
    cl, sv = tls_pair(keys)
    done = [False, False]
    while not all(done):
        for i, side in enumerate((cl, sv)):
            if not done[i]:
                try:
                    side[0].do_handshake()
                    done[i] = True
                except ssl.SSLWantReadError:
                    pass
        pump(conn, cl, sv, True)
        pump(conn, sv, cl, False)
    for n in range(PAIRS):
        r = req(c, n)
        cl[0].write(r)
        pump(conn, cl, sv, True)
        got = b""
        while not got.endswith(b"\r\n\r\n"):
            got += sv[0].read(65536)
        sv[0].write(resp(got))
        pump(conn, sv, cl, False)
        while True:  # the client reads the answer (and any ticket)
            try:
                if cl[0].read(65536).endswith(b"\r\n\r\n"):
                    break
            except ssl.SSLWantReadError:
                break


def run_tcp(pcap, c):
    conn = Conn(pcap, c)
    for n in range(PAIRS):
        r = req(c, n)
        conn.send(True, r)
        conn.send(False, resp(r))


os.makedirs(OUT, exist_ok=True)
keys = os.path.join(OUT, "tls.keys")
if os.path.exists(keys):
    os.unlink(keys)
p = Pcap(os.path.join(OUT, "tls.pcap"))
for c in range(CONNS):
    run_tls(p, c, keys)
p.f.close()
p = Pcap(os.path.join(OUT, "tcp.pcap"))
for c in range(CONNS):
    run_tcp(p, c)
p.f.close()
