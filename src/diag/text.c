/*
 * text: the title, explanation and advice of every diagnostic rule, in
 * English and Russian.  A table in C rather than kb files: the texts go
 * with the code that decides when they apply (a new rule needs both), and
 * the facts of each finding (addresses, codes) are filled in by the rule.
 * Sources of the protocol facts: /work/shared/reference/domain.md §3
 * (RFC 3261 §17/§18, RFC 3581, RFC 4028, RFC 3264, RFC 4733).
 *
 * Static, read-only data: any thread.
 */
#include <string.h>

#include "diag_int.h"

static const struct diag_text en[DIAG_RULE__COUNT] = {
    [DIAG_NAT_PRIVATE] =
        {"NAT-01", "Private address behind NAT",
         "The message carries a private address (Via, Contact or SDP c=) that is not the "
         "address the packet came from: the sender is behind NAT and tells the far side an "
         "address nobody outside can reach. Replies, in-dialog requests or media sent there "
         "are lost (one-way audio, no ACK, calls dropping at 32 s).",
         "Make the server compensate (Asterisk force_rport, rewrite_contact, rtp_symmetric, "
         "local_net + external_*_address; Kamailio nat_uac_test/fix_nated_contact with "
         "rtpengine; FreeSWITCH NDLB-force-rport, ext-rtp-ip) or make the client learn its "
         "public address (STUN, ICE, an outbound proxy)."},
    [DIAG_NAT_RPORT] =
        {"NAT-02", "NATed client without rport",
         "The client is behind NAT and its Via has no ;rport, so the server answers to the "
         "Via port instead of the NAT's mapped port; the answers never arrive and the client "
         "retransmits, then gives up with 408 (RFC 3581).",
         "Enable rport on the client (Zoiper: \"rport\"), or force_rport / NDLB-force-rport on "
         "the server. Fixed when the response's Via shows rport=<port> and received=<ip>."},
    [DIAG_NAT_RECEIVED] =
        {"NAT-03", "Server ignored the NATed Via",
         "The request's Via host differs from its source address, but the response's Via "
         "has no received= (RFC 3261 §18.2.1 requires it) or no rport=<port> although the "
         "client asked for it (RFC 3581). The response may be sent to the private address.",
         "Enable rport/received handling on the server (Asterisk force_rport=yes, Kamailio "
         "force_rport(), FreeSWITCH NDLB-force-rport) and capture on the client side to see "
         "whether the responses arrive."},
    [DIAG_ALG] =
        {"ALG-01", "Signs of a SIP ALG rewriting messages",
         "Several addresses in the message disagree in the way a router's SIP helper leaves "
         "them: Contact/Via rewritten while SDP c= is not (or the reverse), o= differing from "
         "c=, a Content-Length that no longer matches the body. Partial rewriting breaks "
         "audio, ACK routing and registrations.",
         "Disable SIP ALG / \"SIP helper\" on the router or firewall (MikroTik /ip firewall "
         "service-port set sip disabled=yes; Cisco no ip nat service sip udp port 5060; "
         "FortiGate: remove the sip session-helper; EdgeRouter: set system conntrack modules "
         "sip disable), or move SIP off port 5060 or to TLS."},
    [DIAG_INVITE_TIMEOUT] =
        {"TIMER-B", "INVITE retransmitted, no response",
         "The INVITE was sent again and again (Timer A: 0.5, 1, 2, 4 ... s) and nothing came "
         "back; after 32 s (Timer B) the caller gives up with a local 408. The destination "
         "is unreachable or silently drops the request.",
         "Check the address, port and transport of the next hop, firewalls and IP bans "
         "(fail2ban, pike, carrier ACL), a SIP ALG, and whether a large INVITE is lost as IP "
         "fragments; try TCP or TLS."},
    [DIAG_INVITE_408] =
        {"TIMER-408", "Request Timeout after retransmissions",
         "A 408 came back after the INVITE was retransmitted towards the next hop without an "
         "answer, or after only provisional responses: the hop after the one that answered "
         "408 is unreachable or not answering.",
         "Find the hop that retransmitted (the sender of the repeated INVITE) and test the "
         "path from it to its destination: routing, firewall, the peer being down or "
         "registered at a stale Contact."},
    [DIAG_NO_ACK] =
        {"ACK-01", "200 OK retransmitted, no ACK",
         "The callee kept retransmitting its 200 OK because no ACK reached it; after 32 s it "
         "gives up and usually hangs up with BYE (RFC 3261 §13.3.1.4): the classic \"call "
         "drops after 30 seconds\". The ACK is sent to the 200's Contact, which is private or "
         "unreachable, or it bypasses the proxy that holds the NAT binding.",
         "Compare the 200 OK's Contact and Record-Route with where the ACK goes; fix NAT "
         "(rewrite_contact, external_signaling_address), make proxies record-route, disable "
         "the SIP ALG, check the firewall for inbound ACKs."},
    [DIAG_AUTH_REJECTED] =
        {"AUTH-01", "Credentials rejected",
         "The request was sent again with credentials and was challenged or refused again "
         "without stale=true: the username, password or realm is wrong (or the account is "
         "disabled). Repeated failures get the address banned on many servers.",
         "Check the password (and length limits on old phones), the authentication username "
         "versus the extension, and the realm; look at the server's log for the reason."},
    [DIAG_AUTH_NO_RETRY] =
        {"AUTH-02", "Challenge never answered",
         "The server asked for credentials (401/407) and the client never sent the request "
         "again with Authorization / Proxy-Authorization: it has no credentials for this "
         "realm, or gave up.",
         "Configure the credentials on the client for this realm; for trunks, check whether "
         "the provider expects IP authentication instead of digest."},
    [DIAG_AUTH_STALE] =
        {"AUTH-03", "Stale nonce",
         "The server re-challenged with stale=true: the nonce had expired, the credentials "
         "themselves were right. Benign when the next attempt succeeds; a problem when it "
         "repeats and the client never gets in (a stale-nonce loop).",
         "Nothing to do unless it repeats; then check the clocks of client and server (NTP), "
         "the nonce lifetime on the server, and a proxy or SBC that changes the nonce or the "
         "digest URI in between."},
    [DIAG_AUTH_BAN] =
        {"AUTH-04", "Authentication failures from one source (ban risk)",
         "One address failed authentication several times. fail2ban (FreePBX Intrusion "
         "Detection), Kamailio pike/ipban and carrier ACLs ban such addresses; once banned, "
         "its requests get no response at all.",
         "Fix the credentials first or the ban recurs; then check the ban lists (iptables -L "
         "-n, fail2ban-client status) and unban the address."},
    [DIAG_INTERVAL_BRIEF] =
        {"REG-01", "Registration interval too brief",
         "The registrar answered 423 with Min-Expires, and the client did not retry with at "
         "least that interval: the registration never succeeds.",
         "Raise the client's registration expiry to at least Min-Expires (or lower the "
         "server's minimum, Asterisk minimum_expiration, Kamailio min_expires)."},
    [DIAG_LOOP] =
        {"LOOP-01", "Routing loop",
         "The request came back to a server that had already seen it (482) or ran out of "
         "Max-Forwards (483), or was seen again and again with Max-Forwards going down: two "
         "systems forward it to each other.",
         "Fix the routing: a domain or alias not recognised as local, forwarding rules that "
         "point back, duplicate registrations pointing at the proxy itself."},
    [DIAG_CODEC] = {"CODEC-01", "No common codec",
                    "The offer and the answer share no codec (compared by name and clock rate, not "
                    "payload number), the answer refused the audio stream, or the callee answered "
                    "488/606/415 to the offer.",
                    "Enable at least one common codec on both sides (usually PCMA/PCMU); check "
                    "transcoding on the PBX and SRTP settings (RTP/AVP vs RTP/SAVP)."},
    [DIAG_DTMF] =
        {"DTMF-01", "DTMF mode mismatch",
         "Only one side offers telephone-event (RFC 4733): key presses fall back to in-band "
         "audio, which compressed codecs garble, or to SIP INFO. IVRs then do not react to "
         "keys.",
         "Align the DTMF mode on both sides (Asterisk dtmf_mode=rfc4733, FreeSWITCH "
         "rfc2833-pt / dtmf-type), or agree on SIP INFO."},
    [DIAG_SESSION_422] =
        {"ST-01", "Session interval too small",
         "The server answered 422 with Min-SE and the caller did not retry with a "
         "Session-Expires of at least that value (RFC 4028).",
         "Raise the session timer on the caller to at least Min-SE, or lower the minimum on "
         "the server (FreeSWITCH minimum-session-expires)."},
    [DIAG_SESSION_EXPIRED] =
        {"ST-02", "Session timer expired",
         "The call ended at its session interval without a successful refresh "
         "(re-INVITE/UPDATE), or after a refresh was refused: the refresher did not refresh "
         "or the other side could not handle the refresh.",
         "Check which side is refresher, that it sends the refresh at half the interval, "
         "and that the other side accepts it (UPDATE in Allow?); or disable session timers "
         "on the problem leg."},
    [DIAG_GLARE] =
        {"GLARE-01", "re-INVITE glare (491)",
         "Both sides sent a re-INVITE at the same time and one was refused with 491. Normal "
         "if the refused side retries after a random wait (2.1-4 s for the Call-ID owner, "
         "0-2 s otherwise) and succeeds.",
         "If the retry never comes or fails, check the retry timer of the refused side and "
         "whether both sides start re-INVITEs at the same moment (hold, session refresh)."},
    [DIAG_CANCEL_RACE] =
        {"CANCEL-01", "CANCEL crossed the 200 OK",
         "The caller cancelled while the callee answered: the 200 OK to the INVITE arrived "
         "after the CANCEL. The caller must ACK it and send BYE (RFC 3261 §9.1), otherwise "
         "the callee stays connected to nobody.",
         "Check that the caller ACKs and hangs up a 2xx after CANCEL; a ghost call at the "
         "callee points at the caller's stack."},
    [DIAG_UDP_MTU] =
        {"MTU-01", "SIP over UDP larger than the path MTU",
         "A message over UDP is larger than 1300 bytes, so it travels as IP fragments (RFC "
         "3261 §18.1.1 says to use TCP). Routers, NATs and firewalls that drop fragments lose "
         "it: the INVITE retransmits and times out.",
         "Use TCP or TLS, or trim the message: fewer codecs and ICE candidates in SDP, "
         "shorter Allow/Supported/User-Agent headers, compact header forms."},
    [DIAG_RTP_NONE] =
        {"RTP-01", "No RTP after the answer",
         "The call was answered and the SDP announced audio, but no RTP packet of the call "
         "was captured: both sides hear silence, or the capture point does not see the media "
         "path (media may go directly between phones or through another interface).",
         "Capture where the media flows (or on both ends); check that the c= addresses in "
         "offer and answer are reachable, and firewalls/NAT let the RTP ports through."},
    [DIAG_RTP_ONE_WAY] =
        {"RTP-02", "One-way audio",
         "RTP flows in one direction only although both sides announced sendrecv: one "
         "party hears the other, not the reverse.  Typical causes are NAT (the silent side "
         "announced a private address), a firewall closing the return ports, or a SIP ALG.",
         "Compare the c= address of the silent side with where its packets really come from; "
         "enable symmetric RTP / comedia on the far end or fix the announced address "
         "(externip / ext-rtp-ip, STUN)."},
    [DIAG_RTP_NAT] =
        {"RTP-03", "RTP from another address than the SDP",
         "The RTP of one side comes from an address or port its SDP did not announce: a NAT "
         "rewrote it.  It works only if the other side sends back to where the RTP comes "
         "from (symmetric RTP, RFC 4961) instead of to the announced address.",
         "Enable symmetric RTP on the far end (Asterisk rtp_symmetric / direct_media=no, "
         "FreeSWITCH auto-adjust RTP), or make the NATed side announce its public address."},
    [DIAG_RTP_PT] =
        {"RTP-04", "Payload type not negotiated",
         "RTP carries a payload type that the receiver did not list in its m= line: the "
         "receiver may drop those packets (no audio, or noise if it guesses the codec).",
         "Check the codec settings on the sender: it must send only what the answer "
         "accepted; a late re-INVITE or a transcoder that ignores the answer are common "
         "causes."},
    [DIAG_RTP_LOSS] =
        {"RTP-05", "Packet loss",
         "More than 2 % of the RTP packets of a stream are missing by sequence number "
         "(as Wireshark counts them): choppy or robotic audio.  Loss on the capture point "
         "itself is possible too.",
         "Find where packets are lost (capture on both ends), check link load, Wi-Fi and "
         "QoS marking (DSCP EF for RTP); compare with the RTCP receiver reports."},
    [DIAG_RTP_JITTER] =
        {"RTP-06", "High jitter",
         "The interarrival jitter of a stream went above 30 ms (RFC 3550 estimate, as "
         "Wireshark computes it): jitter buffers add delay or drop late packets.",
         "Check congestion and QoS on the path; a larger jitter buffer on the receiver hides "
         "it at the cost of delay."},
    [DIAG_RTP_DTMF] =
        {"RTP-07", "DTMF events not negotiated",
         "A side sends key presses as RFC 4733 telephone-events, but the receiver did not "
         "offer telephone-event in its SDP: the digits are likely ignored (IVR menus do not "
         "react).",
         "Offer telephone-event on both sides, or configure the sender for the mode the "
         "receiver uses (in-band or SIP INFO)."},
};

static const struct diag_text ru[DIAG_RULE__COUNT] = {
    [DIAG_NAT_PRIVATE] =
        {"NAT-01", "Частный адрес за NAT",
         "В сообщении частный адрес (Via, Contact или SDP c=), который не совпадает с адресом, "
         "откуда пришёл пакет: отправитель за NAT и сообщает другой стороне адрес, "
         "недоступный снаружи. Ответы, запросы внутри диалога и медиа туда теряются "
         "(односторонний звук, нет ACK, обрыв через 32 с).",
         "Пусть сервер это компенсирует (Asterisk force_rport, rewrite_contact, rtp_symmetric, "
         "local_net + external_*_address; Kamailio nat_uac_test/fix_nated_contact и "
         "rtpengine; FreeSWITCH NDLB-force-rport, ext-rtp-ip) или клиент узнаёт свой внешний "
         "адрес (STUN, ICE, outbound proxy)."},
    [DIAG_NAT_RPORT] =
        {"NAT-02", "Клиент за NAT без rport",
         "Клиент за NAT, а в его Via нет ;rport, поэтому сервер отвечает на порт из Via, а не "
         "на порт, выделенный NAT; ответы не доходят, клиент повторяет запрос и сдаётся с "
         "408 (RFC 3581).",
         "Включите rport на клиенте (в Zoiper — «rport») или force_rport / NDLB-force-rport "
         "на сервере. Признак исправления: в Via ответа есть rport=<порт> и received=<IP>."},
    [DIAG_NAT_RECEIVED] =
        {"NAT-03", "Сервер не учёл NAT в Via",
         "Адрес в Via запроса не совпадает с адресом источника, но в Via ответа нет "
         "received= (этого требует RFC 3261 §18.2.1) или нет rport=<порт>, хотя клиент его "
         "просил (RFC 3581). Ответ может уйти на частный адрес.",
         "Включите обработку rport/received на сервере (Asterisk force_rport=yes, Kamailio "
         "force_rport(), FreeSWITCH NDLB-force-rport) и снимите трафик на стороне клиента, "
         "чтобы увидеть, доходят ли ответы."},
    [DIAG_ALG] =
        {"ALG-01", "Признаки SIP ALG, переписывающего сообщения",
         "Адреса в сообщении не сходятся так, как их оставляет SIP-помощник роутера: Contact/Via "
         "переписаны, а SDP c= нет (или наоборот), o= отличается от c=, Content-Length не "
         "совпадает с телом. Частичная перезапись ломает звук, маршрут ACK и регистрации.",
         "Отключите SIP ALG / «SIP helper» на роутере или межсетевом экране (MikroTik /ip "
         "firewall service-port set sip disabled=yes; Cisco no ip nat service sip udp port "
         "5060; FortiGate: удалите sip session-helper; EdgeRouter: set system conntrack "
         "modules sip disable) или перенесите SIP с порта 5060 либо на TLS."},
    [DIAG_INVITE_TIMEOUT] =
        {"TIMER-B", "INVITE повторяется, ответа нет",
         "INVITE отправлялся снова и снова (таймер A: 0,5, 1, 2, 4 ... с), и ничего не "
         "вернулось; через 32 с (таймер B) вызывающий сдаётся с локальным 408. Адресат "
         "недоступен или молча отбрасывает запрос.",
         "Проверьте адрес, порт и транспорт следующего узла, межсетевые экраны и блокировки IP "
         "(fail2ban, pike, ACL оператора), SIP ALG и не теряется ли большой INVITE как "
         "IP-фрагменты; попробуйте TCP или TLS."},
    [DIAG_INVITE_408] =
        {"TIMER-408", "Request Timeout после повторов",
         "408 пришёл после того, как INVITE без ответа повторялся в сторону следующего узла, "
         "или после одних предварительных ответов: узел за тем, кто ответил 408, недоступен "
         "или не отвечает.",
         "Найдите узел, который повторял INVITE (отправитель повторов), и проверьте путь от "
         "него до адресата: маршрутизацию, межсетевой экран, не выключен ли абонент и не "
         "устарел ли его Contact в регистрации."},
    [DIAG_NO_ACK] =
        {"ACK-01", "200 OK повторяется, ACK нет",
         "Вызываемая сторона повторяла 200 OK, потому что ACK до неё не дошёл; через 32 с она "
         "сдаётся и обычно кладёт трубку BYE (RFC 3261 §13.3.1.4) — классический «обрыв "
         "через 30 секунд». ACK отправляется на Contact из 200 OK, а он частный или "
         "недоступен, либо ACK идёт мимо прокси, у которого привязка NAT.",
         "Сравните Contact и Record-Route в 200 OK с тем, куда уходит ACK; исправьте NAT "
         "(rewrite_contact, external_signaling_address), включите record-route на прокси, "
         "отключите SIP ALG, проверьте входящие ACK на межсетевом экране."},
    [DIAG_AUTH_REJECTED] =
        {"AUTH-01", "Учётные данные отвергнуты",
         "Запрос повторили с учётными данными, а сервер снова запросил аутентификацию без "
         "stale=true или отказал: неверны имя, пароль или realm (или учётная запись "
         "отключена). После нескольких неудач многие серверы блокируют адрес.",
         "Проверьте пароль (и ограничения длины на старых телефонах), имя для аутентификации "
         "в сравнении с номером и realm; причину смотрите в журнале сервера."},
    [DIAG_AUTH_NO_RETRY] =
        {"AUTH-02", "Запрос аутентификации без ответа",
         "Сервер запросил учётные данные (401/407), а клиент так и не повторил запрос с "
         "Authorization / Proxy-Authorization: у него нет данных для этого realm или он "
         "сдался.",
         "Настройте на клиенте учётные данные для этого realm; для транков проверьте, не "
         "ждёт ли оператор аутентификацию по IP вместо digest."},
    [DIAG_AUTH_STALE] =
        {"AUTH-03", "Устаревший nonce",
         "Сервер повторно запросил аутентификацию со stale=true: истёк nonce, сами учётные "
         "данные верны. Безвредно, если следующая попытка успешна; проблема, если это "
         "повторяется и клиент так и не проходит (петля устаревшего nonce).",
         "Ничего делать не нужно, если не повторяется; иначе проверьте часы клиента и "
         "сервера (NTP), срок жизни nonce на сервере и прокси или SBC, меняющий nonce или URI "
         "в digest по пути."},
    [DIAG_AUTH_BAN] =
        {"AUTH-04", "Неудачные аутентификации с одного адреса (риск блокировки)",
         "С одного адреса несколько раз не прошла аутентификация. fail2ban (Intrusion "
         "Detection во FreePBX), pike/ipban в Kamailio и ACL операторов блокируют такие "
         "адреса; после блокировки запросы с него остаются совсем без ответа.",
         "Сначала исправьте учётные данные, иначе блокировка повторится; затем проверьте "
         "списки блокировок (iptables -L -n, fail2ban-client status) и разблокируйте адрес."},
    [DIAG_INTERVAL_BRIEF] =
        {"REG-01", "Слишком короткий интервал регистрации",
         "Регистратор ответил 423 с Min-Expires, а клиент не повторил запрос хотя бы с этим "
         "интервалом: регистрация так и не проходит.",
         "Увеличьте срок регистрации на клиенте хотя бы до Min-Expires (или уменьшите "
         "минимум на сервере: Asterisk minimum_expiration, Kamailio min_expires)."},
    [DIAG_LOOP] =
        {"LOOP-01", "Петля маршрутизации",
         "Запрос вернулся на сервер, который его уже видел (482), или исчерпал Max-Forwards "
         "(483), или виден снова и снова с убывающим Max-Forwards: две системы пересылают "
         "его друг другу.",
         "Исправьте маршрутизацию: домен или алиас, не признанный локальным, правила "
         "переадресации, указывающие назад, регистрации, указывающие на сам прокси."},
    [DIAG_CODEC] =
        {"CODEC-01", "Нет общего кодека",
         "В предложении и ответе нет общего кодека (сравнение по имени и частоте, а не по "
         "номеру payload), ответ отклонил аудиопоток или вызываемый ответил 488/606/415 на "
         "предложение.",
         "Включите хотя бы один общий кодек на обеих сторонах (обычно PCMA/PCMU); проверьте "
         "транскодирование на АТС и настройки SRTP (RTP/AVP и RTP/SAVP)."},
    [DIAG_DTMF] =
        {"DTMF-01", "Несовпадение режима DTMF",
         "telephone-event (RFC 4733) предлагает только одна сторона: нажатия передаются "
         "в звуке (сжатые кодеки их искажают) или через SIP INFO. IVR перестаёт реагировать "
         "на кнопки.",
         "Согласуйте режим DTMF на обеих сторонах (Asterisk dtmf_mode=rfc4733, FreeSWITCH "
         "rfc2833-pt / dtmf-type) или договоритесь о SIP INFO."},
    [DIAG_SESSION_422] =
        {"ST-01", "Слишком короткий интервал сессии",
         "Сервер ответил 422 с Min-SE, а вызывающий не повторил запрос с Session-Expires не "
         "меньше этого значения (RFC 4028).",
         "Увеличьте таймер сессии у вызывающего хотя бы до Min-SE или уменьшите минимум на "
         "сервере (FreeSWITCH minimum-session-expires)."},
    [DIAG_SESSION_EXPIRED] =
        {"ST-02", "Истёк таймер сессии",
         "Вызов закончился на интервале сессии без успешного обновления (re-INVITE/UPDATE) "
         "или после отказа в обновлении: обновляющая сторона не обновила сессию или другая "
         "сторона не смогла обработать обновление.",
         "Проверьте, какая сторона обновляет (refresher), что она шлёт обновление на "
         "половине интервала и что другая сторона его принимает (UPDATE в Allow?); или "
         "отключите таймеры сессии на проблемном плече."},
    [DIAG_GLARE] =
        {"GLARE-01", "Встречные re-INVITE (491)",
         "Обе стороны одновременно отправили re-INVITE, и один отклонён с 491. Это нормально, "
         "если отклонённая сторона повторяет после случайной паузы (2,1-4 с для владельца "
         "Call-ID, 0-2 с для другой) и успешно.",
         "Если повтора нет или он тоже неудачен, проверьте таймер повтора отклонённой "
         "стороны и не начинают ли обе стороны re-INVITE в один момент (удержание, "
         "обновление сессии)."},
    [DIAG_CANCEL_RACE] =
        {"CANCEL-01", "CANCEL разминулся с 200 OK",
         "Вызывающий отменил вызов в момент ответа: 200 OK на INVITE пришёл после CANCEL. "
         "Вызывающий обязан подтвердить его ACK и отправить BYE (RFC 3261 §9.1), иначе "
         "вызываемый остаётся на связи ни с кем.",
         "Проверьте, что вызывающий отвечает ACK и кладёт трубку после 2xx на отменённый "
         "INVITE; «призрачный» вызов у вызываемого указывает на стек вызывающего."},
    [DIAG_UDP_MTU] =
        {"MTU-01", "SIP по UDP больше MTU пути",
         "Сообщение по UDP длиннее 1300 байт, поэтому идёт IP-фрагментами (RFC 3261 §18.1.1 "
         "требует TCP). Роутеры, NAT и межсетевые экраны, отбрасывающие фрагменты, теряют "
         "его: INVITE повторяется и истекает по таймауту.",
         "Используйте TCP или TLS либо сократите сообщение: меньше кодеков и ICE-кандидатов "
         "в SDP, короче Allow/Supported/User-Agent, компактные формы заголовков."},
    [DIAG_RTP_NONE] =
        {"RTP-01", "Нет RTP после ответа",
         "Вызов отвечен и SDP объявил аудио, но ни одного RTP-пакета этого вызова в захвате "
         "нет: обе стороны слышат тишину, либо точка захвата не видит медиапоток (он идёт "
         "напрямую между телефонами или через другой интерфейс).",
         "Снимайте трафик там, где идёт медиа (или на обоих концах); проверьте, что адреса "
         "c= в предложении и ответе достижимы, а межсетевые экраны и NAT пропускают порты RTP."},
    [DIAG_RTP_ONE_WAY] =
        {"RTP-02", "Односторонняя слышимость",
         "RTP идёт только в одну сторону, хотя обе стороны объявили sendrecv: один абонент "
         "слышит другого, но не наоборот.  Обычные причины: NAT (молчащая сторона объявила "
         "частный адрес), межсетевой экран закрыл обратные порты, SIP ALG.",
         "Сравните адрес c= молчащей стороны с тем, откуда реально приходят её пакеты; "
         "включите symmetric RTP / comedia на другой стороне или исправьте объявляемый адрес "
         "(externip / ext-rtp-ip, STUN)."},
    [DIAG_RTP_NAT] =
        {"RTP-03", "RTP не с того адреса, что в SDP",
         "RTP одной из сторон приходит с адреса или порта, которого нет в её SDP: его "
         "переписал NAT.  Связь будет, только если другая сторона отвечает туда, откуда "
         "пришёл RTP (symmetric RTP, RFC 4961), а не на объявленный адрес.",
         "Включите symmetric RTP на другой стороне (Asterisk rtp_symmetric / direct_media=no, "
         "FreeSWITCH auto-adjust RTP) или заставьте сторону за NAT объявлять внешний адрес."},
    [DIAG_RTP_PT] =
        {"RTP-04", "Тип нагрузки не согласован",
         "RTP несёт тип нагрузки, которого получатель не указал в своей строке m=: получатель "
         "может отбрасывать такие пакеты (нет звука или шум, если кодек угадан неверно).",
         "Проверьте кодеки отправителя: он должен слать только то, что принял ответ; частые "
         "причины — поздний re-INVITE или транскодер, игнорирующий ответ."},
    [DIAG_RTP_LOSS] =
        {"RTP-05", "Потери пакетов",
         "В потоке не хватает более 2 % RTP-пакетов по порядковым номерам (как считает "
         "Wireshark): звук прерывается или «булькает».  Возможны и потери в самой точке "
         "захвата.",
         "Найдите, где теряются пакеты (захват на обоих концах), проверьте загрузку каналов, "
         "Wi-Fi и маркировку QoS (DSCP EF для RTP); сравните с отчётами RTCP получателя."},
    [DIAG_RTP_JITTER] =
        {"RTP-06", "Большой джиттер",
         "Джиттер потока превысил 30 мс (оценка RFC 3550, как считает Wireshark): буфер "
         "джиттера добавляет задержку или отбрасывает опоздавшие пакеты.",
         "Проверьте перегрузку и QoS на пути; больший буфер джиттера у получателя скрывает "
         "джиттер ценой задержки."},
    [DIAG_RTP_DTMF] =
        {"RTP-07", "События DTMF не согласованы",
         "Сторона передаёт нажатия клавиш событиями RFC 4733 (telephone-event), но получатель "
         "не предложил telephone-event в своём SDP: цифры, скорее всего, игнорируются (меню "
         "IVR не реагирует).",
         "Предложите telephone-event с обеих сторон или настройте отправителя на режим "
         "получателя (в полосе или SIP INFO)."},
};

const struct diag_text *diag_rule_text(enum diag_rule r, const char *lang)
{
    bool russian = lang && strncmp(lang, "ru", 2) == 0;
    const struct diag_text *t;

    if ((unsigned)r >= DIAG_RULE__COUNT)
        r = DIAG_NAT_PRIVATE;
    t = diag_text_causes(r, russian);
    if (!t)
        t = diag_text_legs(r, russian);
    if (t)
        return t;
    return russian ? &ru[r] : &en[r];
}

const char *diag_ctx_label(enum diag_ctx ctx, const char *lang)
{
    bool is_ru = lang && strncmp(lang, "ru", 2) == 0;

    switch (ctx) {
    case DIAG_CTX_NORMAL:
        return is_ru ? "норма здесь" : "normal here";
    case DIAG_CTX_FAILURE:
        return is_ru ? "сбой здесь" : "failed here";
    default:
        return "";
    }
}
