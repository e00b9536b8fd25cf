"""Writes small classic pcap files (Ethernet / IPv4 / UDP or TCP) for
tests that need a crafted capture: what an attacker could send.

    w = PcapWriter(path)
    w.udp(ts, "10.0.0.1", 5060, "10.0.0.2", 5060, payload)
    w.tcp(ts, "10.0.0.1", 5060, "10.0.0.2", 5060, seq, payload, flags=0x18)
    w.close()

Checksums are computed, so tshark accepts the frames as they are."""
import socket
import struct


def _csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


class PcapWriter:
    def __init__(self, path):
        self.f = open(path, "wb")
        self.f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
        self.ipid = 1

    def _frame(self, ts, ip):
        eth = b"\x00\x11\x22\x33\x44\x55" + b"\x00\x66\x77\x88\x99\xaa" + b"\x08\x00"
        frame = eth + ip
        sec = int(ts)
        usec = int(round((ts - sec) * 1e6))
        self.f.write(struct.pack("<IIII", sec, usec, len(frame), len(frame)))
        self.f.write(frame)

    def _ip(self, src, dst, proto, l4):
        hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), self.ipid & 0xFFFF, 0, 64,
                          proto, 0, socket.inet_aton(src), socket.inet_aton(dst))
        self.ipid += 1
        hdr = hdr[:10] + struct.pack("!H", _csum(hdr)) + hdr[12:]
        return hdr + l4

    def udp(self, ts, src, sport, dst, dport, payload):
        l4 = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
        ph = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 17, len(l4))
        c = _csum(ph + l4) or 0xFFFF
        l4 = l4[:6] + struct.pack("!H", c) + l4[8:]
        self._frame(ts, self._ip(src, dst, 17, l4))

    def tcp(self, ts, src, sport, dst, dport, seq, payload, flags=0x18, ack=1):
        l4 = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack, 5 << 4, flags,
                         65535, 0, 0) + payload
        ph = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 6, len(l4))
        l4 = l4[:16] + struct.pack("!H", _csum(ph + l4)) + l4[18:]
        self._frame(ts, self._ip(src, dst, 6, l4))

    def close(self):
        self.f.close()
