"""Hostile TCP captures for the reassembly tests (issue 22 item 2).

    python3 tcp_attack.py KIND N OUT.pcap

KIND:
  hole     one SIP INVITE of about N bytes: its first 200 bytes arrive last,
           every later byte before them as its own 1-byte segment, in order
           (a sorted list pays O(n) per insertion: O(n^2) in all)
  reverse  the same, the 1-byte segments in reverse order
  header   a header line of N bytes sent 1 byte a segment, in order,
           then the rest of the message (framing re-scanned the whole
           buffer for every byte)
  body     headers of about N/2 bytes, then a body of N/2 bytes 1 byte a
           segment (the headers were re-walked for every byte)
  inorder  the INVITE of `hole` in one piece per 1400 bytes (the oracle)
Every capture ends with a 200 OK on the same connection, after the
message, in one segment.  The INVITE's Call-ID is "ooo-N@attack"."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pcapw import PcapWriter  # noqa: E402

C, S = ("10.1.1.1", 40000), ("10.1.1.2", 5060)


def invite(n, cid, hdr_pad=0):
    body_len = max(0, n - 400 - hdr_pad)
    body = b"".join(b"a=x-pad:%08d\r\n" % i for i in range(body_len // 17 + 1))[:body_len]
    hdr = ("INVITE sip:200@10.1.1.2 SIP/2.0\r\n"
           "Via: SIP/2.0/TCP 10.1.1.1:40000;branch=z9hG4bK-ooo\r\n"
           "From: <sip:100@10.1.1.1>;tag=f1\r\nTo: <sip:200@10.1.1.2>\r\n"
           "Call-ID: %s\r\nCSeq: 1 INVITE\r\nContact: <sip:100@10.1.1.1:40000;transport=tcp>\r\n"
           % cid).encode()
    if hdr_pad:
        hdr += b"".join(b"X-Pad-%06d: %s\r\n" % (i, b"p" * 40) for i in range(hdr_pad // 56 + 1))
    hdr += b"Content-Type: text/plain\r\nContent-Length: %d\r\n\r\n" % len(body)
    return hdr, body


def ok(cid):
    return ("SIP/2.0 200 OK\r\nVia: SIP/2.0/TCP 10.1.1.1:40000;branch=z9hG4bK-ooo\r\n"
            "From: <sip:100@10.1.1.1>;tag=f1\r\nTo: <sip:200@10.1.1.2>;tag=t2\r\n"
            "Call-ID: %s\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n" % cid).encode()


def main():
    kind, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    cid = "ooo-%d@attack" % n
    w = PcapWriter(out)
    t = 1700000000.0
    isn = 1000
    w.tcp(t, C[0], C[1], S[0], S[1], isn, b"", flags=0x02)
    seq = isn + 1
    if kind in ("hole", "reverse", "inorder"):
        hdr, body = invite(n, cid)
        msg = hdr + body
        if kind == "inorder":
            for i in range(0, len(msg), 1400):
                t += 1e-5
                w.tcp(t, C[0], C[1], S[0], S[1], seq + i, msg[i:i + 1400])
        else:
            idx = range(200, len(msg)) if kind == "hole" else range(len(msg) - 1, 199, -1)
            for i in idx:
                t += 1e-6
                w.tcp(t, C[0], C[1], S[0], S[1], seq + i, msg[i:i + 1])
            t += 1e-6
            w.tcp(t, C[0], C[1], S[0], S[1], seq, msg[:200])
        seq += len(msg)
    elif kind == "header":
        hdr, body = invite(400, cid)
        first, rest = hdr.split(b"\r\n", 1)
        msg = first + b"\r\nX-Long: " + b"y" * n + b"\r\n" + rest + body
        start = len(first) + 2
        w.tcp(t, C[0], C[1], S[0], S[1], seq, msg[:start])
        for i in range(start, start + 10 + n):
            t += 1e-6
            w.tcp(t, C[0], C[1], S[0], S[1], seq + i, msg[i:i + 1])
        i = start + 10 + n
        w.tcp(t + 1e-6, C[0], C[1], S[0], S[1], seq + i, msg[i:])
        seq += len(msg)
    elif kind == "body":
        hdr, body = invite(n, cid, hdr_pad=n // 2)
        msg = hdr + body
        w.tcp(t, C[0], C[1], S[0], S[1], seq, hdr)
        for i in range(len(hdr), len(msg)):
            t += 1e-6
            w.tcp(t, C[0], C[1], S[0], S[1], seq + i, msg[i:i + 1])
        seq += len(msg)
    else:
        sys.exit("unknown kind " + kind)
    t += 1e-3
    w.tcp(t, S[0], S[1], C[0], C[1], 5000, ok(cid))
    w.close()


if __name__ == "__main__":
    main()
