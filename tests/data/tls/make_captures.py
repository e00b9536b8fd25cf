#!/usr/bin/env python3
"""Makes the SIP-over-TLS captures of tests/data/tls with real TLS stacks
on loopback: Python's ssl (OpenSSL underneath, keylog_filename) and the
openssl s_server / s_client tools (-keylogfile), captured with tcpdump on
lo.  Each capture NAME.pcap gets NAME.keys (the key log both peers wrote)
and NAME.truth.tsv (tshark -o tls.keylog_file:NAME.keys, the oracle).

Run as root from anywhere: python3 tests/data/tls/make_captures.py [NAME...]
Needs tcpdump, tshark, editcap, openssl.  Only loopback traffic.
"""
import os
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CERT = os.path.join(HERE, "cert.pem")
KEY = os.path.join(HERE, "key.pem")
EXPIRED = os.path.join(HERE, "expired.pem")
EXPIRED_KEY = os.path.join(HERE, "expired.key")
OP_NO_ETM = 0x00080000  # SSL_OP_NO_ENCRYPT_THEN_MAC

TRUTH_FIELDS = ["frame.number", "ip.src", "tcp.srcport", "ip.dst", "tcp.dstport",
                "sip.Call-ID", "sip.CSeq", "sip.Method", "sip.Status-Code"]


def sip_request(method, n, host="127.0.0.1", port=5061, body=b"", transport="TLS"):
    hdr = (f"{method} sip:bob@example.com SIP/2.0\r\n"
           f"Via: SIP/2.0/{transport} {host}:40000;branch=z9hG4bK-{method.lower()}-{n}\r\n"
           f"Max-Forwards: 70\r\n"
           f"From: <sip:alice@example.com>;tag=a{n}\r\n"
           f"To: <sip:bob@example.com>\r\n"
           f"Call-ID: tls-{method.lower()}-{n}@example.com\r\n"
           f"CSeq: {n} {method}\r\n"
           f"Contact: <sip:alice@{host}:40000;transport=tls>\r\n"
           f"Content-Length: {len(body)}\r\n\r\n").encode()
    return hdr + body


def sip_response(req, code=200, reason="OK"):
    lines = req.split(b"\r\n")
    keep = [l for l in lines if l.split(b":")[0] in (b"Via", b"From", b"To", b"Call-ID", b"CSeq")]
    return (f"SIP/2.0 {code} {reason}\r\n".encode() + b"\r\n".join(keep) +
            b"\r\nContent-Length: 0\r\n\r\n")


def read_sip(sock, buf):
    """One SIP message from a stream (Content-Length framing)."""
    while b"\r\n\r\n" not in buf:
        d = sock.recv(65536)
        if not d:
            return None, buf
        buf += d
    h, rest = buf.split(b"\r\n\r\n", 1)
    cl = 0
    for line in h.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            cl = int(line.split(b":")[1])
    while len(rest) < cl:
        d = sock.recv(65536)
        if not d:
            break
        rest += d
    return h + b"\r\n\r\n" + rest[:cl], rest[cl:]


class Capture:
    def __init__(self, name, port):
        self.name, self.port = name, port
        PORTS[name] = port
        self.pcap = os.path.join(HERE, name + ".pcap")
        self.keys = os.path.join(HERE, name + ".keys")
        for f in (self.pcap, self.keys):
            if os.path.exists(f):
                os.unlink(f)

    def __enter__(self):
        self.td = subprocess.Popen(["tcpdump", "-i", "lo", "--immediate-mode", "-U", "-s", "0", "-w", self.pcap,
                                    f"tcp port {self.port}"], stderr=subprocess.DEVNULL)
        time.sleep(1.0)
        return self

    def __exit__(self, *a):
        time.sleep(0.5)
        self.td.terminate()
        self.td.wait(timeout=10)


def server_ctx(keys, version=None, ciphers=None, cert=CERT, key=KEY, options=0, tickets=True):
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    c.load_cert_chain(cert, key)
    c.keylog_filename = keys
    if version:
        c.minimum_version = c.maximum_version = version
    if ciphers:
        c.set_ciphers(ciphers)
    c.options |= options
    if not tickets:
        c.options |= ssl.OP_NO_TICKET
    return c


def client_ctx(keys, version=None, ciphers=None, options=0, verify=False, cafile=None):
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    c.check_hostname = verify
    c.verify_mode = ssl.CERT_REQUIRED if verify else ssl.CERT_NONE
    if cafile:
        c.load_verify_locations(cafile)
    c.keylog_filename = keys
    if version:
        c.minimum_version = c.maximum_version = version
    if ciphers:
        c.set_ciphers(ciphers)
    c.options |= options
    return c


def serve(lsock, sctx, conns, ws=False, fail_ok=False):
    """Answers every SIP request with 200 OK on `conns` connections."""
    for _ in range(conns):
        s, _ = lsock.accept()
        try:
            t = sctx.wrap_socket(s, server_side=True)
        except (ssl.SSLError, OSError):
            s.close()
            if fail_ok:
                continue
            raise
        buf = b""
        if ws:
            while b"\r\n\r\n" not in buf:
                buf += t.recv(4096)
            t.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                      b"Connection: Upgrade\r\nSec-WebSocket-Accept: "
                      b"s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: sip\r\n\r\n")
            buf = buf.split(b"\r\n\r\n", 1)[1]
            while True:
                msg, buf = ws_read(t, buf)
                if msg is None:
                    break
                t.sendall(ws_frame(sip_response(msg), mask=False))
        else:
            while True:
                try:
                    msg, buf = read_sip(t, buf)
                except (ssl.SSLError, OSError):
                    break
                if msg is None:
                    break
                t.sendall(sip_response(msg))
        try:
            t.close()
        except OSError:
            pass


def ws_frame(p, mask=True):
    h = bytearray([0x81])
    n = len(p)
    mbit = 0x80 if mask else 0
    if n < 126:
        h.append(mbit | n)
    else:
        h.append(mbit | 126)
        h += n.to_bytes(2, "big")
    if mask:
        key = b"\x11\x22\x33\x44"
        h += key
        p = bytes(b ^ key[i & 3] for i, b in enumerate(p))
    return bytes(h) + p


def ws_read(sock, buf):
    while len(buf) < 2:
        d = sock.recv(65536)
        if not d:
            return None, buf
        buf += d
    n = buf[1] & 0x7F
    hl = 2
    if n == 126:
        while len(buf) < 4:
            buf += sock.recv(65536)
        n = int.from_bytes(buf[2:4], "big")
        hl = 4
    masked = buf[1] & 0x80
    if masked:
        hl += 4
    while len(buf) < hl + n:
        d = sock.recv(65536)
        if not d:
            return None, buf
        buf += d
    p = buf[hl:hl + n]
    if masked:
        k = buf[hl - 4:hl]
        p = bytes(b ^ k[i & 3] for i, b in enumerate(p))
    return p, buf[hl + n:]


def listen(port):
    l = socket.socket()
    l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    l.bind(("127.0.0.1", port))
    l.listen(8)
    return l


def client_run(cctx, port, msgs, mode="plain", mss=None, session=None, ws=False,
               sni="sip.example.com"):
    """Sends msgs (a list of bytes) and reads one answer per message.
    mode: plain (one write each), split (each message in 3 writes, so 3
    records), coalesced (all messages in one write: one record)."""
    s = socket.socket()
    if mss:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, mss)
    s.connect(("127.0.0.1", port))
    t = cctx.wrap_socket(s, server_hostname=sni, session=session)
    buf = b""
    if ws:
        t.sendall(b"GET / HTTP/1.1\r\nHost: sip.example.com\r\nUpgrade: websocket\r\n"
                  b"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                  b"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: sip\r\n\r\n")
        while b"\r\n\r\n" not in buf:
            buf += t.recv(4096)
        buf = buf.split(b"\r\n\r\n", 1)[1]
        for m in msgs:
            t.sendall(ws_frame(m))
            _, buf = ws_read(t, buf)
    elif mode == "coalesced":
        t.sendall(b"".join(msgs))
        for _ in msgs:
            _, buf = read_sip(t, buf)
    else:
        for m in msgs:
            if mode == "split":
                for a, b in ((0, 30), (30, 200), (200, len(m))):
                    t.sendall(m[a:b])
                    time.sleep(0.01)
            else:
                t.sendall(m)
            _, buf = read_sip(t, buf)
    sess = t.session
    t.close()
    return sess


def py_case(name, port, sopts, copts, msgs_fn, conns=1, mode="plain", mss=None, resume=False,
            ws=False, sni="sip.example.com"):
    if copts.get("ciphers") and not sopts.get("ciphers"):
        # Python's default server list has no RSA key exchange and no SHA1.
        sopts = dict(sopts, ciphers=copts["ciphers"] + ":@SECLEVEL=0")
        copts = dict(copts, ciphers=copts["ciphers"] + ":@SECLEVEL=0")
    with Capture(name, port) as cap:
        l = listen(port)
        th = threading.Thread(target=serve, args=(l, server_ctx(cap.keys, **sopts), conns, ws))
        th.start()
        cctx = client_ctx(cap.keys, **copts)
        sess = None
        for i in range(conns):
            sess = client_run(cctx, port, msgs_fn(i), mode=mode, mss=mss,
                              session=sess if resume else None, ws=ws, sni=sni)
            time.sleep(0.2)
        th.join(timeout=20)
        l.close()


def std_msgs(i, n=3):
    out = [sip_request("REGISTER", 100 * i + 1)]
    out += [sip_request("OPTIONS", 100 * i + k + 2) for k in range(n - 1)]
    return out


def big_msgs(i):
    body = (b"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            b"m=audio 4000 RTP/AVP 0\r\n" + b"a=x-pad:" + b"p" * 3000 + b"\r\n")
    return [sip_request("INVITE", 100 * i + 1, body=body), sip_request("BYE", 100 * i + 2)]


def openssl_case(name, port, version, suite, keyupdate=False, resume=None):
    """openssl s_server and s_client, both writing -keylogfile.  The client
    sends a REGISTER, optionally a KeyUpdate ('k' command), an OPTIONS;
    the server answers each with a 200 OK typed into its stdin."""
    with Capture(name, port) as cap:
        vflag = "-tls1_3" if version == 13 else "-tls1_2"
        sflag = ["-ciphersuites", suite] if version == 13 else ["-cipher", suite]
        extra = ["-no_ticket"] if resume == "id" else []
        srv = subprocess.Popen(["openssl", "s_server", "-accept", str(port), "-cert", CERT,
                                "-key", KEY, "-keylogfile", cap.keys, "-crlf", vflag] + sflag +
                               extra,
                               stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
        time.sleep(0.8)
        sess = os.path.join(HERE, name + ".sess")
        for conn in range(2 if resume else 1):
            so = []
            if resume:
                so = ["-sess_out", sess] if conn == 0 else ["-sess_in", sess]
            cli = subprocess.Popen(["openssl", "s_client", "-connect", f"127.0.0.1:{port}",
                                    "-keylogfile", cap.keys, "-crlf", vflag] + sflag + so,
                                   stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
            time.sleep(0.8)
            # No line may start with R, Q, k or K: s_client reads those as
            # commands (renegotiate, quit, key update).
            reqs = [sip_request("OPTIONS", 10 * conn + 1), sip_request("INVITE", 10 * conn + 2)]
            for k, r in enumerate(reqs):
                if k == 1 and keyupdate:
                    cli.stdin.write(b"k\n")
                    cli.stdin.flush()
                    time.sleep(0.4)
                cli.stdin.write(r.replace(b"\r\n", b"\n"))
                cli.stdin.flush()
                time.sleep(0.4)
                try:  # s_server may have seen the client go already
                    srv.stdin.write(sip_response(r).replace(b"\r\n", b"\n"))
                    srv.stdin.flush()
                except BrokenPipeError:
                    pass
                time.sleep(0.4)
            cli.stdin.close()
            cli.wait(timeout=10)
            time.sleep(0.3)
        if os.path.exists(sess):
            os.unlink(sess)
        srv.terminate()
        srv.wait(timeout=10)


def fail_case(name, port, sopts, copts):
    """A handshake that fails: the alert is in the capture, no SIP."""
    with Capture(name, port) as cap:
        l = listen(port)
        th = threading.Thread(target=serve,
                              args=(l, server_ctx(cap.keys, **sopts), 1, False, True))
        th.start()
        try:
            client_run(client_ctx(cap.keys, **copts), port, std_msgs(0, 1))
        except (ssl.SSLError, OSError):
            pass
        th.join(timeout=20)
        l.close()


PORTS = {}
V12, V13 = ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3

CASES = {
    # TLS 1.2, each family of suites (Python client and server)
    "tls12_ecdhe_aes128gcm": lambda: py_case("tls12_ecdhe_aes128gcm", 5086, {"version": V12},
                                             {"ciphers": "ECDHE-RSA-AES128-GCM-SHA256"}, std_msgs),
    "tls12_ecdhe_aes256gcm": lambda: py_case("tls12_ecdhe_aes256gcm", 15062, {"version": V12},
                                             {"ciphers": "ECDHE-RSA-AES256-GCM-SHA384"}, std_msgs),
    "tls12_chacha20": lambda: py_case("tls12_chacha20", 15063, {"version": V12},
                                      {"ciphers": "ECDHE-RSA-CHACHA20-POLY1305"}, std_msgs),
    "tls12_rsa_aes128_sha": lambda: py_case("tls12_rsa_aes128_sha", 15064, {"version": V12},
                                            {"ciphers": "AES128-SHA"}, std_msgs),
    "tls12_rsa_aes256_sha256_noetm": lambda: py_case(
        "tls12_rsa_aes256_sha256_noetm", 15065, {"version": V12},
        {"ciphers": "AES256-SHA256", "options": OP_NO_ETM}, std_msgs),
    "tls12_ecdhe_aes256_sha384": lambda: py_case("tls12_ecdhe_aes256_sha384", 15066,
                                                 {"version": V12},
                                                 {"ciphers": "ECDHE-RSA-AES256-SHA384"}, std_msgs),
    "tls12_rsa_aes128gcm": lambda: py_case("tls12_rsa_aes128gcm", 15067, {"version": V12},
                                           {"ciphers": "AES128-GCM-SHA256"}, std_msgs),
    # TLS 1.2 resumption: by session ID (no tickets) and by ticket
    "tls12_resume_id": lambda: openssl_case("tls12_resume_id", 15068, 12,
                                            "ECDHE-RSA-AES128-GCM-SHA256", resume="id"),
    "tls12_resume_ticket": lambda: openssl_case("tls12_resume_ticket", 15069, 12,
                                                "ECDHE-RSA-AES256-GCM-SHA384", resume="ticket"),
    # TLS 1.3 (Python: default suite), records split and coalesced, a small
    # MSS so records span segments, PSK resumption, WSS
    "tls13_split": lambda: py_case("tls13_split", 15070, {"version": V13}, {}, big_msgs,
                                   mode="split", mss=536),
    "tls13_coalesced": lambda: py_case("tls13_coalesced", 5087, {"version": V13}, {},
                                       lambda i: std_msgs(i, 4), mode="coalesced"),
    "tls13_resume_psk": lambda: py_case("tls13_resume_psk", 15072, {"version": V13}, {},
                                        std_msgs, conns=2, resume=True),
    "wss_tls13": lambda: py_case("wss_tls13", 5089, {"version": V13}, {},
                                 lambda i: [sip_request("REGISTER", 1, transport="WSS"),
                                            sip_request("INVITE", 2, transport="WSS")], ws=True),
    # openssl tools: every TLS 1.3 suite, KeyUpdate
    "tls13_aes128gcm_keyupdate": lambda: openssl_case("tls13_aes128gcm_keyupdate", 15074, 13,
                                                      "TLS_AES_128_GCM_SHA256", keyupdate=True),
    "tls13_aes256gcm": lambda: openssl_case("tls13_aes256gcm", 15075, 13,
                                            "TLS_AES_256_GCM_SHA384"),
    "tls13_chacha20": lambda: openssl_case("tls13_chacha20", 15076, 13,
                                           "TLS_CHACHA20_POLY1305_SHA256"),
    "tls13_aes128ccm": lambda: openssl_case("tls13_aes128ccm", 15077, 13,
                                            "TLS_AES_128_CCM_SHA256"),
    "tls12_openssl_ecdhe_aes128_sha": lambda: openssl_case(
        "tls12_openssl_ecdhe_aes128_sha", 15078, 12, "ECDHE-RSA-AES128-SHA"),
    # a certificate for another name than the one asked for (no check at the
    # client, so the call goes on: only sipdx says so)
    "tls12_name_mismatch": lambda: py_case("tls12_name_mismatch", 15079, {"version": V12},
                                           {"ciphers": "ECDHE-RSA-AES128-GCM-SHA256"}, std_msgs,
                                           sni="pbx.example.net"),
    # failed handshakes (each alert that is diagnosed)
    "fail_unknown_ca": lambda: fail_case("fail_unknown_ca", 15080, {"version": V12},
                                         {"verify": True}),
    "fail_protocol_version": lambda: fail_case("fail_protocol_version", 15081,
                                               {"version": V13}, {"version": V12}),
    "fail_handshake_failure": lambda: fail_case("fail_handshake_failure", 15082,
                                                {"version": V12,
                                                 "ciphers": "ECDHE-RSA-AES128-GCM-SHA256"},
                                                {"version": V12,
                                                 "ciphers": "ECDHE-RSA-CHACHA20-POLY1305"}),
    "fail_cert_expired": lambda: fail_case("fail_cert_expired", 15083,
                                           {"version": V12, "cert": EXPIRED, "key": EXPIRED_KEY},
                                           {"verify": True, "cafile": EXPIRED}),
}


def truth(name):
    pcap = os.path.join(HERE, name + ".pcap")
    keys = os.path.join(HERE, name + ".keys")
    # The SIP inside TLS on a port that is not 5061: decode-as, as a user would.
    out = subprocess.run(["tshark", "-r", pcap, "-o", f"tls.keylog_file:{keys}",
                          "-d", f"tls.port=={PORTS[name]},sip", "-Y", "sip",
                          "-T", "fields", "-E", "header=y", "-E", "occurrence=a",
                          "-E", "aggregator=|"] + sum([["-e", f] for f in TRUTH_FIELDS], []),
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=True).stdout
    with open(os.path.join(HERE, name + ".truth.tsv"), "wb") as f:
        f.write(out)


def main():
    if not os.path.exists(CERT):
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                        KEY, "-out", CERT, "-days", "36500", "-subj", "/CN=sip.example.com",
                        "-addext", "subjectAltName=DNS:sip.example.com"], check=True,
                       capture_output=True)
    if not os.path.exists(EXPIRED):
        # Valid for one day in 2020: expired whenever the test runs
        # (openssl 3.0's req has no -not_after: a self-signed `openssl ca`).
        import tempfile
        with tempfile.TemporaryDirectory() as d:
            open(os.path.join(d, "index.txt"), "w").close()
            with open(os.path.join(d, "serial"), "w") as f:
                f.write("01\n")
            with open(os.path.join(d, "ca.cnf"), "w") as f:
                f.write("[ca]\ndefault_ca = d\n[d]\ndatabase = index.txt\nserial = serial\n"
                        "new_certs_dir = .\ndefault_md = sha256\npolicy = p\n"
                        "copy_extensions = copy\n[p]\ncommonName = supplied\n"
                        "[req]\ndistinguished_name = dn\n[dn]\n")
            subprocess.run(["openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout",
                            EXPIRED_KEY, "-out", "e.csr", "-subj", "/CN=sip.example.com",
                            "-addext", "subjectAltName=DNS:sip.example.com"], cwd=d, check=True,
                           capture_output=True)
            subprocess.run(["openssl", "ca", "-batch", "-config", "ca.cnf", "-selfsign",
                            "-keyfile", EXPIRED_KEY, "-in", "e.csr", "-out", EXPIRED,
                            "-startdate", "20200101000000Z", "-enddate", "20200102000000Z",
                            "-notext"], cwd=d, check=True, capture_output=True)
    names = sys.argv[1:] or list(CASES)
    if sys.argv[1:] == ["--from"] or (len(sys.argv) > 2 and sys.argv[1] == "--from"):
        names = list(CASES)[list(CASES).index(sys.argv[2]):]
    for n in names:
        CASES[n]()
        truth(n)
        print(n, "done")


if __name__ == "__main__":
    main()
