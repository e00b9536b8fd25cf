#!/bin/sh
# Re-records the --compare captures: on each, a sipp caller (127.0.0.1)
# makes calls to a sipp callee (127.0.0.2) that answers them, and one call
# in the middle differs from the others in ONE planted way and is refused:
#   cmp_header     its INVITE lacks P-Asserted-Identity     -> 403
#   cmp_codec      it offers G729 only                      -> 488
#   cmp_number     it dials +49301234567, not 0301234567    -> 404
#   cmp_transport  it goes over TCP, not UDP                -> 503
#   cmp_size       its INVITE carries 1.4 kB more headers   -> 513
# The scenarios are written here from one template, so the planted
# difference is the only one by construction.  tshark writes the truth
# files as for tests/corpus.  Needs root (tcpdump), sipp, tcpdump, tshark.
#
#   tests/data/compare/record.sh [NAME ...]     (default: all)
set -eu
cd "$(dirname "$0")"
for t in sipp tcpdump tshark; do
    command -v $t >/dev/null || { echo "record.sh: $t is missing" >&2; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ $# -eq 0 ] && set -- cmp_header cmp_codec cmp_number cmp_transport cmp_size

# uac FILE PAI CODECS PAD: the caller's scenario.
uac() {
    u_hdrs=$2 codecs=$3 u_more=$4 maps=
    for c in $codecs; do
        case $c in
        0) maps="$maps      a=rtpmap:0 PCMU/8000
" ;;
        8) maps="$maps      a=rtpmap:8 PCMA/8000
" ;;
        18) maps="$maps      a=rtpmap:18 G729/8000
" ;;
        esac
    done
    cat >"$1" <<XML
<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="compare caller">
  <send retrans="500">
    <![CDATA[

      INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From: "Desk 100" <sip:100@[local_ip]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: 1 INVITE
      Contact: <sip:100@[local_ip]:[local_port];transport=[transport]>
      Max-Forwards: 70
$u_hdrs$u_more      User-Agent: cmp-phone/1.0
      Allow: INVITE, ACK, CANCEL, BYE, OPTIONS
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=- 1 1 IN IP4 [local_ip]
      s=-
      c=IN IP4 [local_ip]
      t=0 0
      m=audio 4000 RTP/AVP $codecs
$maps      a=ptime:20
      a=sendrecv

    ]]>
  </send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="403" optional="true" next="refused"/>
  <recv response="404" optional="true" next="refused"/>
  <recv response="488" optional="true" next="refused"/>
  <recv response="503" optional="true" next="refused"/>
  <recv response="513" optional="true" next="refused"/>
  <recv response="200" rrs="true"/>
  <send>
    <![CDATA[

      ACK [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From: "Desk 100" <sip:100@[local_ip]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 1 ACK
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <pause milliseconds="200"/>
  <send retrans="500">
    <![CDATA[

      BYE [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From: "Desk 100" <sip:100@[local_ip]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 2 BYE
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <recv response="200" crlf="true"/>
  <nop next="end"/>
  <label id="refused"/>
  <send>
    <![CDATA[

      ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From: "Desk 100" <sip:100@[local_ip]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 1 ACK
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <label id="end"/>
</scenario>
XML
}

# uas FILE CODE REASON: the callee; CODE 200 answers, others refuse.
uas() {
    if [ "$2" = 200 ]; then
        final='      SIP/2.0 180 Ringing
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0

    ]]>
  </send>
  <send retrans="500">
    <![CDATA[

      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:callee@[local_ip]:[local_port]>
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=callee 1 1 IN IP4 [local_ip]
      s=-
      c=IN IP4 [local_ip]
      t=0 0
      m=audio 6000 RTP/AVP 8
      a=rtpmap:8 PCMA/8000
      a=sendrecv
'
        tail='  <recv request="ACK" crlf="true"/>
  <recv request="BYE"/>
  <send>
    <![CDATA[

      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0

    ]]>
  </send>'
    else
        final="      SIP/2.0 $2 $3
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0
"
        tail='  <recv request="ACK"/>'
    fi
    cat >"$1" <<XML
<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="compare callee">
  <recv request="INVITE" crlf="true"/>
  <send>
    <![CDATA[

      SIP/2.0 100 Trying
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0

    ]]>
  </send>
  <pause milliseconds="30"/>
  <send>
    <![CDATA[

$final
    ]]>
  </send>
$tail
</scenario>
XML
}

# call NAME PORT UAC UAS NUMBER TRANSPORT: one call while tcpdump runs.
call() {
    t=u1
    [ "$6" = tcp ] && t=t1
    timeout 30 sipp -sf "$4" -t $t -i 127.0.0.2 -p "$2" -m 1 -nostdin -timeout 20 >/dev/null 2>&1 &
    sp=$!
    sleep 0.3
    timeout 30 sipp -sf "$3" -t $t -i 127.0.0.1 -p $(($2 + 1)) -m 1 -s "$5" -nostdin -timeout 20 \
        "127.0.0.2:$2" >/dev/null 2>&1 || echo "$1: caller sipp failed" >&2
    wait $sp || echo "$1: callee sipp failed" >&2
    sleep 0.4
}

pai='      P-Asserted-Identity: <sip:+49301110100@pbx.example>
'
pad=$(i=0; while [ $i -lt 14 ]; do printf '      X-Padding-%02d: %s\n' $i \
    "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890"; i=$((i + 1)); done)
pad="$pad
"
port=5600
for name in "$@"; do
    uac "$tmp/good_uac.xml" "$pai" "8 0" ""
    uas "$tmp/ok_uas.xml" 200 OK
    bad_num=0301234567 bad_tr=udp
    case $name in
    cmp_header) uac "$tmp/bad_uac.xml" "" "8 0" ""; uas "$tmp/bad_uas.xml" 403 Forbidden ;;
    cmp_codec) uac "$tmp/bad_uac.xml" "$pai" "18" ""; uas "$tmp/bad_uas.xml" 488 "Not Acceptable Here" ;;
    cmp_number) uac "$tmp/bad_uac.xml" "$pai" "8 0" ""; uas "$tmp/bad_uas.xml" 404 "Not Found"; bad_num=+49301234567 ;;
    cmp_transport) uac "$tmp/bad_uac.xml" "$pai" "8 0" ""; uas "$tmp/bad_uas.xml" 503 "Service Unavailable"; bad_tr=tcp ;;
    cmp_size) uac "$tmp/bad_uac.xml" "$pai$pad" "8 0" ""; uas "$tmp/bad_uas.xml" 513 "Message Too Large" ;;
    esac
    tcpdump -i lo -U --immediate-mode -s 0 -w "$tmp/$name.pcap" "port $port or port $((port + 1))" 2>"$tmp/$name.tcpdump" &
    tpid=$!
    i=0
    while ! grep -q "listening on" "$tmp/$name.tcpdump" 2>/dev/null; do
        i=$((i + 1)); [ $i -gt 100 ] && { kill $tpid; exit 1; }; sleep 0.1
    done
    call $name $port "$tmp/good_uac.xml" "$tmp/ok_uas.xml" 0301234567 udp
    call $name $port "$tmp/good_uac.xml" "$tmp/ok_uas.xml" 0301234567 udp
    call $name $port "$tmp/bad_uac.xml" "$tmp/bad_uas.xml" $bad_num $bad_tr
    call $name $port "$tmp/good_uac.xml" "$tmp/ok_uas.xml" 0301234567 udp
    sleep 0.3
    kill -INT $tpid; wait $tpid || true
    mv "$tmp/$name.pcap" "$name.pcap"
    ../legs/record.sh --truth-file "$PWD/$name.pcap"
    echo "$name: $(tcpdump -r "$name.pcap" 2>/dev/null | wc -l) packets"
    port=$((port + 10))
done
