#!/usr/bin/env python3
"""A small back-to-back user agent for recording leg-correlation captures.

It behaves the way Asterisk does towards its two sides, which is what makes
linking its legs hard: every outgoing leg has a new Call-ID, new tags and
branches, the B2BUA's own SDP (its address, its codec list), the numbers
rewritten from national to E.164 form, and no X-Call-ID or Session-ID.
Provisional responses, the answer, failures, CANCEL and BYE are passed on
between the legs as they come.  When a trunk answers 503, 500 or 408 and
another trunk is configured it tries that one (serial forking); when the
last trunk fails, a 503 becomes 480 on the caller's leg.

Every pairing it makes is written to --truth as "A-CALL-ID<TAB>B-CALL-ID<TAB>
b2bua|serial": that file, written by the peer itself, is the ground truth
the correlation tests compare sipdx against.

UDP only, loopback only; it stops after --idle seconds without a packet.

  b2bua.py --listen 127.0.0.10:5060 --trunk 127.0.0.2:5070 [--trunk ...]
           --truth out.tsv [--idle 5]
"""
import argparse
import random
import re
import select
import socket
import sys
import time


def hdr(msg, name, compact=None):
    for line in msg.split("\r\n")[1:]:
        if not line:
            break
        k, _, v = line.partition(":")
        k = k.strip().lower()
        if k == name.lower() or (compact and k == compact):
            return v.strip()
    return None


def hdrs_all(msg, name, compact=None):
    out = []
    for line in msg.split("\r\n")[1:]:
        if not line:
            break
        k, _, v = line.partition(":")
        k = k.strip().lower()
        if k == name.lower() or (compact and k == compact):
            out.append(v.strip())
    return out


def user_of(v):
    m = re.search(r"sips?:([^@;>]+)@", v or "")
    return m.group(1) if m else ""


def tag_of(v):
    m = re.search(r";\s*tag=([^;>\s]+)", v or "")
    return m.group(1) if m else None


def e164(num):
    """National (0...) to E.164 (+49...), as a PBX towards a trunk might."""
    if num.startswith("00"):
        return "+" + num[2:]
    if num.startswith("0"):
        return "+49" + num[1:]
    if num.isdigit() and len(num) <= 4:
        return "+4930555" + num  # an extension behind the PBX's DID range
    return num


def rnd(n=10):
    return "".join(random.choice("0123456789abcdef") for _ in range(n))


class Leg:
    pass


class B2BUA:
    def __init__(self, listen, trunks, truth):
        host, port = listen.split(":")
        self.addr = (host, int(port))
        self.trunks = [(t.split(":")[0], int(t.split(":")[1])) for t in trunks]
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(self.addr)
        self.truth = open(truth, "w")
        self.by_a = {}  # A Call-ID -> call
        self.by_b = {}  # B Call-ID -> call
        self.sdp_port = 20000

    def send(self, text, to):
        self.sock.sendto(text.encode(), to)

    # ---------------------------------------------------------- A side
    def reply_a(self, call, req, code, reason, body=None, to_tag=True):
        via = hdrs_all(req, "Via", "v")
        to = hdr(req, "To", "t")
        if to_tag and not tag_of(to):
            to += ";tag=" + call.a_tag
        lines = ["SIP/2.0 %d %s" % (code, reason)]
        lines += ["Via: " + v for v in via]
        lines += [
            "From: " + hdr(req, "From", "f"),
            "To: " + to,
            "Call-ID: " + hdr(req, "Call-ID", "i"),
            "CSeq: " + hdr(req, "CSeq"),
            "Contact: <sip:pbx@%s:%d>" % self.addr,
            "Server: test-b2bua",
        ]
        self.send(self.finish(lines, body), call.a_addr)

    def finish(self, lines, body):
        if body:
            lines += ["Content-Type: application/sdp", "Content-Length: %d" % len(body)]
            return "\r\n".join(lines) + "\r\n\r\n" + body
        lines.append("Content-Length: 0")
        return "\r\n".join(lines) + "\r\n\r\n"

    def own_sdp(self):
        self.sdp_port += 2
        return (
            "v=0\r\no=pbx 4711 4711 IN IP4 %s\r\ns=b2bua\r\nc=IN IP4 %s\r\nt=0 0\r\n"
            "m=audio %d RTP/AVP 8 101\r\na=rtpmap:8 PCMA/8000\r\n"
            "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\n"
            "a=sendrecv\r\n" % (self.addr[0], self.addr[0], self.sdp_port)
        )

    # ---------------------------------------------------------- B side
    def start_b(self, call, trunk_index, how):
        call.trunk = trunk_index
        b = Leg()
        b.callid = "%s-%s@%s" % (rnd(8), rnd(6), self.addr[0])
        b.tag = rnd(8)
        b.branch = "z9hG4bK" + rnd(12)
        b.cseq = 1
        b.dest = self.trunks[trunk_index]
        b.to_tag = None
        b.state = "calling"
        call.b = b
        self.by_b[b.callid] = call
        self.truth.write("%s\t%s\t%s\n" % (call.a_callid, b.callid, how))
        self.truth.flush()
        self.send(self.b_request(call, "INVITE", b.branch, 1, self.own_sdp()), b.dest)

    def b_request(self, call, method, branch, cseq, body=None):
        b = call.b
        ruri = "sip:%s@%s:%d" % (call.b_to, b.dest[0], b.dest[1])
        to = "<sip:%s@%s:%d>" % (call.b_to, b.dest[0], b.dest[1])
        if b.to_tag and method not in ("CANCEL",):
            to += ";tag=" + b.to_tag
        lines = [
            "%s %s SIP/2.0" % (method, ruri),
            "Via: SIP/2.0/UDP %s:%d;branch=%s;rport" % (self.addr[0], self.addr[1], branch),
            "Max-Forwards: 70",
            "From: <sip:%s@%s>;tag=%s" % (call.b_from, self.addr[0], b.tag),
            "To: " + to,
            "Call-ID: " + b.callid,
            "CSeq: %d %s" % (cseq, method),
            "Contact: <sip:pbx@%s:%d>" % self.addr,
            "User-Agent: test-b2bua",
        ]
        return self.finish(lines, body)

    # ---------------------------------------------------------- dispatch
    def on_request(self, msg, src):
        method = msg.split(" ", 1)[0]
        cid = hdr(msg, "Call-ID", "i")
        if cid in self.by_b:
            return self.on_b_request(self.by_b[cid], method, msg, src)
        call = self.by_a.get(cid)
        if method == "INVITE" and call is None:
            call = Leg()
            call.a_callid = cid
            call.a_addr = src
            call.a_invite = msg
            call.a_tag = rnd(8)
            call.a_from = hdr(msg, "From", "f")
            call.a_contact = re.sub(r"^.*<|>.*$", "", hdr(msg, "Contact", "m") or "")
            call.b_to = e164(user_of(msg.split(" ", 2)[1] + "@"))
            call.b_from = e164(user_of(call.a_from))
            call.done = False
            self.by_a[cid] = call
            self.reply_a(call, msg, 100, "Trying", to_tag=False)
            self.start_b(call, 0, "b2bua")
            return
        if call is None:
            return
        if method == "INVITE":
            return  # a retransmission: the 100 already went
        if method == "ACK":
            return
        if method == "CANCEL":
            self.reply_a(call, msg, 200, "OK", to_tag=False)
            self.reply_a(call, call.a_invite, 487, "Request Terminated")
            call.done = True
            b = call.b
            if b.state == "calling":
                b.state = "cancelling"
                self.send(self.b_request(call, "CANCEL", b.branch, 1), b.dest)
            return
        if method == "BYE":
            self.reply_a(call, msg, 200, "OK")
            b = call.b
            b.cseq += 1
            self.send(self.b_request(call, "BYE", "z9hG4bK" + rnd(12), b.cseq), b.dest)

    def on_b_request(self, call, method, msg, src):
        b = call.b
        if method == "BYE":
            # 200 to the trunk, BYE to the caller
            via = hdrs_all(msg, "Via", "v")
            lines = ["SIP/2.0 200 OK"] + ["Via: " + v for v in via]
            lines += ["From: " + hdr(msg, "From", "f"), "To: " + hdr(msg, "To", "t"),
                      "Call-ID: " + b.callid, "CSeq: " + hdr(msg, "CSeq")]
            self.send(self.finish(lines, None), src)
            target = call.a_contact or "sip:%s:%d" % call.a_addr
            lines = [
                "BYE %s SIP/2.0" % target,
                "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK%s;rport" % (self.addr[0], self.addr[1], rnd(12)),
                "Max-Forwards: 70",
                "From: " + hdr(call.a_invite, "To", "t") + ";tag=" + call.a_tag,
                "To: " + call.a_from,
                "Call-ID: " + call.a_callid,
                "CSeq: 1 BYE",
                "User-Agent: test-b2bua",
            ]
            self.send(self.finish(lines, None), call.a_addr)

    def on_response(self, msg, src):
        cid = hdr(msg, "Call-ID", "i")
        code = int(msg.split(" ", 2)[1])
        cseq = hdr(msg, "CSeq") or ""
        call = self.by_b.get(cid)
        if call is None or call.b.callid != cid:
            return  # the caller's answer to our BYE, or a stale leg
        b = call.b
        if not cseq.endswith("INVITE"):
            return
        if code >= 101 and tag_of(hdr(msg, "To", "t")):
            b.to_tag = tag_of(hdr(msg, "To", "t"))
        if code < 200:
            if code in (180, 183) and not call.done:
                self.reply_a(call, call.a_invite, 180, "Ringing")
            return
        if code < 300:
            if b.state == "answered":
                self.send(self.b_request(call, "ACK", "z9hG4bK" + rnd(12), 1), b.dest)
                return
            b.state = "answered"
            self.send(self.b_request(call, "ACK", "z9hG4bK" + rnd(12), 1), b.dest)
            self.reply_a(call, call.a_invite, 200, "OK", body=self.own_sdp())
            return
        # a failure: ACK it on its transaction (same branch)
        to_tag = b.to_tag
        self.send(self.b_request(call, "ACK", b.branch, 1), b.dest)
        if b.state in ("failed",):
            return  # a retransmitted final
        b.state = "failed"
        b.to_tag = to_tag
        if call.done:
            return
        if code in (503, 500, 408) and call.trunk + 1 < len(self.trunks):
            self.start_b(call, call.trunk + 1, "serial")
            return
        call.done = True
        out = 480 if code == 503 else code
        reason = {480: "Temporarily Unavailable", 486: "Busy Here", 404: "Not Found"}.get(out, "Failed")
        self.reply_a(call, call.a_invite, out, reason)

    def run(self, idle):
        last = time.time()
        while time.time() - last < idle:
            r, _, _ = select.select([self.sock], [], [], 0.2)
            if not r:
                continue
            data, src = self.sock.recvfrom(65535)
            last = time.time()
            msg = data.decode(errors="replace")
            if msg.startswith("SIP/2.0 "):
                self.on_response(msg, src)
            elif msg.strip():
                self.on_request(msg, src)
        self.truth.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--listen", required=True)
    ap.add_argument("--trunk", action="append", required=True)
    ap.add_argument("--truth", required=True)
    ap.add_argument("--idle", type=float, default=5)
    ap.add_argument("--seed", type=int, default=None)
    a = ap.parse_args()
    random.seed(a.seed)
    B2BUA(a.listen, a.trunk, a.truth).run(a.idle)
    return 0


if __name__ == "__main__":
    sys.exit(main())
