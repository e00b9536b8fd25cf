#!/usr/bin/env python3
"""Regenerates the corpus-derived fixtures in tests/data/sip/ (needs tshark).

corpus/<name>.hex : "frame<TAB>hex of the UDP payload" for every UDP frame
                    tshark dissects as SIP, plus (fuzz capture) every other
                    port-5060 frame, so the test also sees what tshark refuses.
*.sip             : single real messages with their real line ends.
Usage: extract.py CORPUS_DIR
"""
import os, subprocess, sys

corpus = sys.argv[1]
here = os.path.dirname(os.path.abspath(__file__))

HEX = {
    'fuzz': ('public/ntop-nDPI/fuzz-2006-06-26-2594.pcap', 'sip || udp.port==5060'),
    'aaa': ('public/irontec-sngrep/aaa.pcap', 'sip'),
    'multi_val': ('public/OISF-suricata-verify/sip_header_multi_val.pcap', 'sip'),
    'compact': ('public/OISF-suricata-verify/sip_compact_form.pcap', 'sip'),
    'invalid_cl': ('public/zeek-zeek/invalid-content-length.pcap', 'sip'),
    'junk': ('public/zeek-zeek/sip-junk-before-request.pcap', 'udp'),
    'sip_resp': ('public/seladb-PcapPlusPlus/sip_resp.pcap', 'sip && udp'),
    'sip_reqs': ('public/seladb-PcapPlusPlus/sip_reqs.pcap', 'sip'),
    'fax_t38': ('public/ntop-nDPI/FAX-Call-t38-CA-TDM-SIP-FB-1.pcap', 'sip'),
    'erspan': ('public/sipcapture-heplify/erspan_sip_ipv4_udp.pcapng', 'sip'),
    'ipv6frag': ('public/irontec-sngrep/ipv6frag.pcap', 'sip'),
    'long_paths': ('public/zeek-zeek/sip-long-request-response-paths.pcap', 'sip'),
    'busy_head': ('generated/busy_2000_calls.pcap', 'sip && frame.number <= 150'),
    'fail_403': ('generated/call_fail_403.pcap', 'sip'),
    'fail_500': ('generated/call_fail_500.pcap', 'sip'),
    'auth_407': ('generated/call_proxy_auth_407.pcap', 'sip'),
}

def payloads(path, flt):
    out = subprocess.run(['tshark', '-r', os.path.join(corpus, path), '-Y', flt, '-T',
                          'fields', '-e', 'frame.number', '-e', 'udp.payload'],
                         capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        parts = line.split('\t')
        if len(parts) == 2 and parts[1]:
            # innermost UDP when tunnelled
            yield int(parts[0]), parts[1].split(',')[-1]

for name, (path, flt) in HEX.items():
    with open(os.path.join(here, 'corpus', name + '.hex'), 'w') as f:
        f.write('# ' + path + '\n')
        for fr, hx in payloads(path, flt):
            f.write('%d\t%s\n' % (fr, hx))

SIP = {
    'multi_val_invite.sip': ('public/OISF-suricata-verify/sip_header_multi_val.pcap', 1),
    'compact_invite.sip': ('public/OISF-suricata-verify/sip_compact_form.pcap', 1),
    'reg_401_digest.sip': ('public/OISF-suricata-verify/sip-pattern-matching__sip.pcap', 2),
    'inv_403_q850.sip': ('generated/call_fail_403.pcap', 3),
    'inv_500_warning.sip': ('generated/call_fail_500.pcap', 3),
    'sdp_200.sip': ('public/seladb-PcapPlusPlus/sdp.pcap', 1),
    'not_sdp_publish.sip': ('public/seladb-PcapPlusPlus/sip_not_sdp.pcap', 1),
}
for name, (path, frame) in SIP.items():
    for fr, hx in payloads(path, 'frame.number == %d' % frame):
        with open(os.path.join(here, name), 'wb') as f:
            f.write(bytes.fromhex(hx))
