/*
 * test_sdp: sdp_parse() on bodies of real captured messages and on a
 * hand-written offer with several m= lines, session- and media-level c=,
 * rtpmap, rtcp and direction attributes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
/* cmocka 1.1 needs the four headers above first */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip.h"
#include "util.h"

#include "sip_testutil.h"

static void parses_several_media_with_their_attributes(void **state)
{
    struct sip_msg m;
    struct sdp s;
    size_t len;
    char *buf = load("sdp_multi.sip", &len);
    const struct sdp_media *a, *v, *img;

    (void)state;
    assert_int_equal(sip_parse(buf, len, &m), 0);
    assert_int_equal(m.problems, 0);
    assert_int_equal(sdp_parse(&m, m.body, &s), 0);
    str_eq(&m, s.origin_user, "-");
    assert_true(s.sess_id == 3724394400ULL);
    assert_true(s.sess_version == 3724394401ULL);
    str_eq(&m, s.origin_addr, "192.0.2.10");
    str_eq(&m, s.conn, "192.0.2.10");
    assert_int_equal(s.dir, SDP_DIR_SENDRECV);
    assert_int_equal(s.nmedia, 3);
    assert_int_equal(s.problems, 1); /* "this line is not sdp" */

    a = &s.media[0];
    str_eq(&m, a->type, "audio");
    assert_int_equal(a->port, 49170);
    str_eq(&m, a->proto, "RTP/AVP");
    assert_int_equal(a->npts, 3);
    assert_int_equal(a->pts[0], 0);
    assert_int_equal(a->pts[1], 8);
    assert_int_equal(a->pts[2], 101);
    assert_int_equal(a->nmaps, 3);
    assert_int_equal(a->maps[2].pt, 101);
    str_eq(&m, a->maps[2].encoding, "telephone-event");
    assert_int_equal(a->maps[2].rate, 8000);
    assert_int_equal(a->rtcp_port, 49171);
    assert_int_equal(a->dir, SDP_DIR_SENDONLY);
    assert_false(SIP_STR_PRESENT(a->conn)); /* falls back to session c= */

    v = &s.media[1];
    str_eq(&m, v->type, "video");
    assert_int_equal(v->port, 51372);
    assert_int_equal(v->nports, 2);
    str_eq(&m, v->conn, "198.51.100.20"); /* "/127" TTL stripped */
    str_eq(&m, v->maps[0].encoding, "H264");
    assert_int_equal(v->maps[0].rate, 90000);
    assert_int_equal(v->dir, SDP_DIR_RECVONLY);
    assert_int_equal(v->rtcp_port, -1);

    img = &s.media[2];
    str_eq(&m, img->type, "image");
    str_eq(&m, img->proto, "udptl");
    assert_int_equal(img->npts, 0); /* "t38" is not a payload type */
    assert_int_equal(img->dir, SDP_DIR_NONE);
    sdp_fini(&s);
    sip_msg_fini(&m);
    free(buf);
}

static void parses_sdp_from_captured_messages(void **state)
{
    struct sip_msg m;
    struct sdp s;
    size_t len;
    char *buf = load("sdp_200.sip", &len); /* PcapPlusPlus sdp.pcap */

    (void)state;
    assert_int_equal(sip_parse(buf, len, &m), 0);
    assert_int_equal(sdp_parse(&m, m.body, &s), 0);
    assert_true(s.nmedia >= 1);
    assert_true(s.media[0].npts >= 1);
    assert_true(SIP_STR_PRESENT(s.conn) || SIP_STR_PRESENT(s.media[0].conn));
    sdp_fini(&s);
    sip_msg_fini(&m);
    free(buf);

    /* suricata multi_val: l: 272 cuts the body inside the rtpmap list. */
    buf = load("multi_val_invite.sip", &len);
    assert_int_equal(sip_parse(buf, len, &m), 0);
    assert_int_equal(sdp_parse(&m, m.body, &s), 0);
    str_eq(&m, s.origin_user, "SIPPS");
    str_eq(&m, s.conn, "192.168.1.2");
    assert_int_equal(s.dir, SDP_DIR_NONE); /* a=sendrecv lies past byte 272 */
    assert_int_equal(s.nmedia, 0);
    sdp_fini(&s);
    sip_msg_fini(&m);
    free(buf);
}

static void refuses_bodies_that_are_not_sdp(void **state)
{
    struct sip_msg m;
    struct sdp s;
    size_t len;
    char *buf = load("not_sdp_publish.sip", &len); /* PUBLISH with PIDF */

    (void)state;
    assert_int_equal(sip_parse(buf, len, &m), 0);
    assert_true(m.body.len > 0);
    assert_int_equal(sdp_parse(&m, m.body, &s), -1);
    assert_int_equal(s.nmedia, 0);
    sdp_fini(&s);
    assert_int_equal(sdp_parse(&m, m.version, &s), -1);
    sdp_fini(&s);
    sip_msg_fini(&m);
    free(buf);

    buf = load("binary_body.sip", &len);
    assert_int_equal(sip_parse(buf, len, &m), 0);
    assert_int_equal(sdp_parse(&m, m.body, &s), -1);
    sdp_fini(&s);
    sip_msg_fini(&m);
    free(buf);
}

static void names_static_payload_types(void **state)
{
    (void)state;
    assert_string_equal(sdp_static_pt_name(0), "PCMU");
    assert_string_equal(sdp_static_pt_name(8), "PCMA");
    assert_string_equal(sdp_static_pt_name(18), "G729");
    assert_null(sdp_static_pt_name(96));
    assert_null(sdp_static_pt_name(-1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_several_media_with_their_attributes),
        cmocka_unit_test(parses_sdp_from_captured_messages),
        cmocka_unit_test(refuses_bodies_that_are_not_sdp),
        cmocka_unit_test(names_static_payload_types),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
