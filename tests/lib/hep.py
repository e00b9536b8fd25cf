"""HEP3 packets for tests (RFC-less but documented by sipcapture: a
"HEP3" header, the total length, then chunks vendor(2) type(2) length(2)
value).  hep3(payload, src, dst, ...) returns the bytes."""
import socket
import struct
import time


def chunk(t, v):
    return struct.pack("!HHH", 0, t, 6 + len(v)) + v


def hep3(payload, src=("10.0.0.1", 5060), dst=("10.0.0.2", 5060), password=None,
         agent=42, ts=None, broken=False):
    ts = time.time() if ts is None else ts
    body = (chunk(1, b"\x02") + chunk(2, b"\x11") + chunk(3, socket.inet_aton(src[0])) +
            chunk(4, socket.inet_aton(dst[0])) + chunk(7, struct.pack("!H", src[1])) +
            chunk(8, struct.pack("!H", dst[1])) + chunk(9, struct.pack("!I", int(ts))) +
            chunk(10, struct.pack("!I", int((ts % 1) * 1e6))) + chunk(11, b"\x01") +
            chunk(12, struct.pack("!I", agent)))
    if password is not None:
        body += chunk(14, password.encode())
    if broken:  # a chunk that claims more bytes than the packet holds
        body += struct.pack("!HHH", 0, 15, 60000) + payload[:10]
    else:
        body += chunk(15, payload)
    return b"HEP3" + struct.pack("!H", 6 + len(body)) + body


def sip_options(call_id, src="10.0.0.1"):
    return ("OPTIONS sip:100@10.0.0.2 SIP/2.0\r\nVia: SIP/2.0/UDP %s:5060;branch=z9hG4bK-%s\r\n"
            "From: <sip:mon@%s>;tag=1\r\nTo: <sip:100@10.0.0.2>\r\nCall-ID: %s\r\n"
            "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n" % (src, call_id, src, call_id)).encode()
