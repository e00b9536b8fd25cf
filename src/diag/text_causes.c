/*
 * text_causes: titles, explanations and advice of the rules in causes.c
 * (the far end's answer as the cause, SDP refusals, PRACK, unreachable
 * Contact) and sweep.c (capture-wide: lapsed registrations, scanners, dead
 * destinations, a trunk failing from a moment), in English and Russian.
 * Written for this program from RFC 3261, 3262, 3264, 3326, 3398, 4028,
 * 4568, 5763 and the field notes of domain.md; text.c holds the others.
 *
 * Static, read-only data: any thread.
 */
#include <stddef.h>

#include "diag_int.h"

static const struct diag_text en[DIAG_RULE__COUNT] = {
    [DIAG_CAUSE_NUMBER] =
        {"NUM-01", "Number unknown to the dial plan",
         "The far end says the dialled number or user does not exist there (404 Not Found, "
         "604 Does Not Exist Anywhere, 410 Gone, 485 Ambiguous, or a Q.850 'unallocated "
         "number'). The call reached a server that answered; it has no route, extension or "
         "subscriber for this number.",
         "Check the number as it left the caller (Request-URI in the INVITE: prefixes, "
         "+country code, leading 0/8), the dial plan or routing table of the server that "
         "answered, and the callee's registration (some servers answer 404 for a user who "
         "is not registered)."},
    [DIAG_CAUSE_INCOMPLETE] =
        {"NUM-02", "Number incomplete",
         "The far end answered 484 Address Incomplete (or Q.850 28): the number has too few "
         "digits for its dial plan. Phones that dial as you type (overlap) or a dial plan "
         "that sends before the last digit cause it.",
         "Check the number of digits the caller sent against the destination's numbering "
         "plan; on the phone, fix the dial-plan/digit-map timeout; on the PBX, the pattern "
         "that sends the call before the number is complete."},
    [DIAG_CAUSE_ROUTE] =
        {"ROUTE-01", "No route to the destination",
         "The server that answered has no route or gateway for this destination (Empty Route "
         "Set, No Route, Out of Look-Ahead Retries, destination not in the tariff plan, 478, "
         "Q.850 2/3): the number exists, the routing to it does not.",
         "Check the outbound routes and trunk groups for this prefix on the server that "
         "answered; for a carrier, ask whether the destination is enabled on your account "
         "and tariff plan."},
    [DIAG_CAUSE_BILLING] =
        {"BILL-01", "Account out of credit",
         "The carrier or softswitch refused the call for money: 402, or a vendor phrase such "
         "as 'No money left', 'No Money Left on RFC Account' or 'insufficient funds' on a "
         "403/480/503. The network works; the account does not allow the call.",
         "Top up or check the balance and credit limit of the account with the carrier; "
         "check which account the trunk authenticates as."},
    [DIAG_CAUSE_UNAVAILABLE] =
        {"UNAV-01", "Callee unavailable (not registered, offline or DND)",
         "The far end answered 480 Temporarily Unavailable (or Q.850 18/20/27) without "
         "ringing: the callee is known but cannot take calls now: no registered device, "
         "the phone is offline, do-not-disturb is on, or the route to it is down.",
         "Look at the callee's registrations (sipdx --registrations: did it expire, was it "
         "removed or refused?), its DND setting, and the network path to its phone."},
    [DIAG_CAUSE_OVERLOAD] =
        {"OVL-01", "Server overloaded or at a limit",
         "The far end refused the call for capacity: 503 Service Unavailable (with "
         "Retry-After, overload or maintenance), or a phrase about a call-rate, quota, "
         "licence or channel limit, or Q.850 34/41/42/44/47 (no circuit, congestion). "
         "Calls fail in bursts while the limit holds.",
         "Check the load and the limits of the server that answered (CPS, concurrent calls, "
         "licences, channels); respect Retry-After; spread calls over trunks; ask the "
         "carrier about their limits on your account."},
    [DIAG_CAUSE_SERVER] =
        {"SRV-01", "Fault on the far end",
         "The far end failed internally: 500 Server Internal Error (often with a vendor "
         "phrase: database error, DB timeout), 502 Bad Gateway or 504 Server Time-out (its "
         "next hop answered it badly or not at all; Q.850 38, network out of order). The "
         "problem is not in this call's signalling.",
         "Read the server's own log at the time of the call; for a carrier, open a ticket "
         "with the time, Call-ID and the response quoted here. Repeated 500/504 lower ASR "
         "and raise PDD for the whole route."},
    [DIAG_CAUSE_POLICY] =
        {"POL-01", "Refused by policy",
         "The far end refused the request outright (403 Forbidden without asking for a "
         "password, 607/608, or 404 to a REGISTER): the caller, its address or the "
         "destination is not allowed (ACL, account disabled, caller not registered, "
         "unknown account, call barring).",
         "Check on the server that answered: the caller's account and whether it is "
         "enabled, the permit/deny lists for the source address, the From user it expects, "
         "and call-barring for this destination."},
    [DIAG_CAUSE_METHOD] =
        {"METH-01", "Method not supported by the far end",
         "The far end answered 405 Method Not Allowed or 501 Not Implemented: it does not "
         "handle this kind of request (the Allow header of the answer lists what it does).",
         "Configure the sender to use a method the far end allows (re-INVITE instead of "
         "UPDATE, RFC 4733 DTMF instead of INFO), or enable the method on the far end."},
    [DIAG_CAUSE_EXTENSION] =
        {"EXT-01", "SIP extension not supported",
         "The request required an extension the far end does not support (420 Bad "
         "Extension, with the tags in Unsupported), or the far end requires one the "
         "request did not offer (421 Extension Required: its Require header). Typical tags: "
         "100rel, timer, replaces, precondition.",
         "Remove the option tag from Require on the sender (e.g. disable 100rel or session "
         "timers as 'required'), or enable the extension on the far end."},
    [DIAG_CAUSE_BAD_REQUEST] =
        {"REQ-01", "Request refused as malformed or too large",
         "The far end could not accept the request itself: 400 Bad Request (a header it "
         "could not parse; the reason phrase or Warning often says which), 413/513 too "
         "large, 414 URI too long, 416 URI scheme, 505 SIP version.",
         "Compare the request with the reason phrase; look for an ALG or SBC rewriting "
         "headers, a broken Content-Length, a URI with characters left unescaped; for "
         "413/513 trim the SDP and headers or use TCP."},
    [DIAG_CAUSE_REDIRECT] =
        {"REDIR-01", "Redirect not completed",
         "The far end redirected the call (3xx with a Contact) and the redirect did not "
         "complete: the caller never tried the new target, the target points back where the "
         "call came from (a redirect loop), or the INVITE sent to the target was not "
         "answered.",
         "Check the call forwarding that produced the 3xx (a forward to itself or between "
         "two users loops), whether the caller follows redirects (many PBXs ignore them by "
         "default), and whether the target address is reachable."},
    [DIAG_CAUSE_OTHER] =
        {"RESP-01", "Call refused by the far end",
         "The call ended with this failure response from the far end; no more specific rule "
         "explains it. The response, its reason phrase and any Reason/Warning header are "
         "the far end's own statement of why.",
         "Read the explanation of the response above; look up the reason phrase in the "
         "vendor's documentation; check the log of the server that sent it at this time."},
    [DIAG_NO_ANSWER] =
        {"NOANS-01", "Rang, not answered",
         "The callee's phone rang (18x) and the far end then ended the attempt with 408 or 480 "
         "(often Q.850 18/19, no answer): nobody picked up before a ring timer. A user's "
         "outcome rather than a fault, unless the ringing was too short to answer.",
         "Nothing to fix if the callee was simply away; if the ring time is short (a few "
         "seconds), raise the dial/ring timeout on the PBX or the carrier's no-answer timer, "
         "or check the callee's forwarding on no answer."},
    [DIAG_DIALOG_481] =
        {"DLG-01", "Dialog unknown to the far end (481)",
         "A request inside an established call (BYE, re-INVITE, UPDATE, INFO) was answered "
         "481 Call/Transaction Does Not Exist: the far end does not know this dialog. The "
         "tags or Call-ID do not match what it holds, the request bypassed the proxy or B2BUA "
         "that owns the dialog (wrong route set), or the far end restarted or already ended "
         "the call.",
         "Compare the From/To tags and Route headers of the request with the 200 OK that "
         "set up the dialog; check that proxies Record-Route and that requests follow the "
         "route set; look for a restart of the far end."},
    [DIAG_CONTACT_UNREACHABLE] =
        {"ROUTE-02", "Contact or Record-Route unreachable",
         "Requests inside the call (ACK, BYE) go to the address in the 200 OK's Contact (or "
         "Record-Route), and nothing answers there: the callee retransmits its 200 OK for 32 "
         "s, or the BYE is retransmitted without a response. The Contact is a private, wrong "
         "or dead address.",
         "Make the callee advertise a reachable Contact (NAT: rewrite_contact, "
         "external_signaling_address; disable the SIP ALG), make proxies record-route so "
         "in-dialog requests pass them, and check the firewall for the port in the Contact."},
    [DIAG_SDP_SRTP] =
        {"SRTP-01", "Secure and plain media mismatch",
         "One side offered encrypted media (RTP/SAVP with a=crypto, or DTLS-SRTP with "
         "a=fingerprint) and the other accepts only plain RTP, or the reverse: the offer was "
         "refused (488/606) or answered with the other kind. This is not a codec problem.",
         "Make both sides agree: enable SRTP (SDES or DTLS) on the peer, or set the caller's "
         "media encryption to optional/none for this peer (Asterisk media_encryption, "
         "FreeSWITCH rtp_secure_media); WebRTC clients always need DTLS-SRTP."},
    [DIAG_SDP_T38] =
        {"FAX-01", "T.38 fax refused",
         "A fax call switched to T.38 with a (re-)INVITE offering m=image udptl t38, and the "
         "other side refused it (488/606/415) or answered without T.38. The voice call was "
         "fine; the fax falls back to G.711 pass-through or fails.",
         "Enable T.38 on the refusing side (Asterisk t38_udptl=yes, FreeSWITCH fax_enable_t38), "
         "or disable T.38 on the fax gateway and use G.711 pass-through (no compression, no "
         "VAD, jitter buffer fixed)."},
    [DIAG_SDP_VIDEO] =
        {"VIDEO-01", "Video refused",
         "The offer had a video stream and the answer set its port to 0 or left it out: the "
         "call goes on audio only. A problem only when video was expected, or when a "
         "video-only offer was refused.",
         "Enable a common video codec (H.264, VP8) on both sides, or stop offering video to a "
         "peer that has none."},
    [DIAG_SDP_PTIME] =
        {"PTIME-01", "Packetisation time differs",
         "The offer and the answer ask for different ptime (a=ptime): each side sends packets "
         "of its own size. Most phones cope; some gateways and carriers play choppy audio "
         "or refuse the stream.",
         "Set the same packetisation (usually 20 ms) on both sides, or let the PBX transcode."},
    [DIAG_PRACK_MISSING] =
        {"PRACK-01", "Reliable provisional response never acknowledged",
         "The callee sent a reliable 18x (Require: 100rel, RSeq, RFC 3262) and no PRACK came "
         "back: it retransmits the 18x and, after 32 s, gives up with a failure (often 5xx "
         "or 504), even though the caller saw it ringing.",
         "Make the caller support 100rel and send PRACK, or stop the callee from requiring "
         "it (Asterisk 100rel=no, FreeSWITCH disable-100rel); check that the PRACK is not "
         "lost on the way (NAT, a proxy without record-route)."},
    [DIAG_REG_LAPSED] =
        {"REG-02", "Callee's registration lapsed before the call",
         "The call could not reach the callee, and earlier in this capture its registration "
         "ended: it expired without a refresh, the phone removed it (Expires: 0), or the "
         "refresh was refused. At the time of the INVITE the server had no address for it.",
         "Find out why the phone stopped registering: powered off, lost network, NAT "
         "binding expired (shorter re-registration or keep-alives), a changed password "
         "(refresh refused), or a registration interval longer than the server allows."},
    [DIAG_SCAN] =
        {"SCAN-01", "SIP scanner or password guessing",
         "One source sent many requests for many different extensions (or many attempts for "
         "one), typical of friendly-scanner, sipvicious, sipcli and toll-fraud bots: it "
         "searches for extensions that answer and for weak passwords. The challenges and "
         "refusals it collects are the attack, not a fault of the PBX.",
         "Block the source (firewall, fail2ban, Kamailio pike/ipban, APIBan); do not answer "
         "unknown extensions differently from wrong passwords (alwaysauthreject); use long "
         "passwords and restrict registrations to known networks; check the PBX's CDRs for "
         "calls it placed."},
    [DIAG_DEAD_DEST] =
        {"DEST-01", "Destination never answers",
         "Every request sent to this address in the capture went unanswered, for several "
         "calls: the host is down, the address or port is wrong (DNS or a static route "
         "pointing at the wrong host), or a firewall drops the traffic. It is the address, "
         "not one call.",
         "Check what the destination name resolves to and the port and transport configured "
         "for it; test reachability from the sender (sipsak/sipp OPTIONS, traceroute); "
         "check firewalls and IP bans on the far side."},
    [DIAG_TRUNK_ONSET] =
        {"TRUNK-01", "Destination started failing at a moment",
         "Calls to this destination were answered normally until a moment, then every call "
         "after it failed: a trunk or peer went down, a limit was reached, or a "
         "configuration changed then. Earlier calls show the path used to work.",
         "Look at what changed at that time on both sides (restart, network, account, "
         "certificates), the failure of the first failing call, and the carrier's status."},
};

static const struct diag_text ru[DIAG_RULE__COUNT] = {
    [DIAG_CAUSE_NUMBER] =
        {"NUM-01", "Номер неизвестен плану нумерации",
         "Другая сторона сообщает, что набранного номера или пользователя у неё нет (404 Not "
         "Found, 604 Does Not Exist Anywhere, 410 Gone, 485 Ambiguous или Q.850 "
         "«неназначенный номер»). Вызов дошёл до сервера и получил ответ: маршрута, "
         "внутреннего номера или абонента для этого номера там нет.",
         "Проверьте номер в том виде, в каком он ушёл (Request-URI в INVITE: префиксы, код "
         "страны, ведущие 0/8), план нумерации или таблицу маршрутов ответившего сервера и "
         "регистрацию вызываемого (некоторые серверы отвечают 404 незарегистрированному "
         "абоненту)."},
    [DIAG_CAUSE_INCOMPLETE] =
        {"NUM-02", "Номер набран не полностью",
         "Другая сторона ответила 484 Address Incomplete (или Q.850 28): в номере меньше "
         "цифр, чем требует план нумерации. Причина — телефон, набирающий по мере ввода, или "
         "план набора, отправляющий вызов до последней цифры.",
         "Сравните число отправленных цифр с планом нумерации адресата; на телефоне "
         "исправьте dial plan / digit map и тайм-аут набора, на АТС — шаблон, отправляющий "
         "вызов раньше времени."},
    [DIAG_CAUSE_ROUTE] =
        {"ROUTE-01", "Нет маршрута до адресата",
         "У ответившего сервера нет маршрута или шлюза для этого направления (Empty Route "
         "Set, No Route, Out of Look-Ahead Retries, направления нет в тарифном плане, 478, "
         "Q.850 2/3): номер существует, маршрута к нему нет.",
         "Проверьте исходящие маршруты и группы транков для этого префикса на ответившем "
         "сервере; у оператора уточните, открыто ли направление для вашего счёта и тарифа."},
    [DIAG_CAUSE_BILLING] =
        {"BILL-01", "На счёте нет денег",
         "Оператор или софтсвич отказал по финансовой причине: 402 или фраза вроде «No money "
         "left», «No Money Left on RFC Account», «insufficient funds» в 403/480/503. Сеть "
         "работает, счёт не позволяет вызов.",
         "Пополните счёт или проверьте баланс и кредитный лимит у оператора; проверьте, под "
         "каким счётом аутентифицируется транк."},
    [DIAG_CAUSE_UNAVAILABLE] =
        {"UNAV-01", "Абонент недоступен (не зарегистрирован, выключен, DND)",
         "Другая сторона ответила 480 Temporarily Unavailable (или Q.850 18/20/27) без "
         "звонка: абонент известен, но сейчас не может принять вызов — нет "
         "зарегистрированного устройства, телефон выключен, включён режим «не беспокоить» "
         "или путь до него не работает.",
         "Посмотрите регистрации абонента (sipdx --registrations: истекла, снята или "
         "отклонена?), настройку DND и сетевой путь до телефона."},
    [DIAG_CAUSE_OVERLOAD] =
        {"OVL-01", "Сервер перегружен или упёрся в лимит",
         "Другая сторона отказала из-за ёмкости: 503 Service Unavailable (с Retry-After — "
         "перегрузка или обслуживание), фраза о лимите вызовов в секунду, квоте, лицензиях "
         "или каналах, либо Q.850 34/41/42/44/47 (нет каналов, перегрузка). Пока лимит "
         "действует, вызовы отбиваются пачками.",
         "Проверьте нагрузку и лимиты ответившего сервера (CPS, одновременные вызовы, "
         "лицензии, каналы); соблюдайте Retry-After; распределите вызовы по транкам; "
         "уточните лимиты у оператора."},
    [DIAG_CAUSE_SERVER] =
        {"SRV-01", "Сбой на другой стороне",
         "Другая сторона сломалась внутри: 500 Server Internal Error (часто с фразой "
         "производителя: ошибка базы данных, DB timeout), 502 Bad Gateway или 504 Server "
         "Time-out (её следующий узел ответил ей неверно или не ответил; Q.850 38 — сеть не "
         "работает). Проблема не в сигнализации этого вызова.",
         "Смотрите журнал ответившего сервера на момент вызова; оператору откройте заявку с "
         "временем, Call-ID и приведённым здесь ответом. Повторяющиеся 500/504 снижают ASR "
         "и увеличивают PDD всего направления."},
    [DIAG_CAUSE_POLICY] =
        {"POL-01", "Отказ по правилам доступа",
         "Другая сторона сразу отказала (403 Forbidden без запроса пароля, 607/608 или 404 "
         "на REGISTER): вызывающий, его адрес или направление не разрешены (ACL, учётная "
         "запись отключена, вызывающий не зарегистрирован, неизвестная учётная запись, "
         "запрет вызовов).",
         "Проверьте на ответившем сервере учётную запись вызывающего и включена ли она, "
         "списки permit/deny для адреса источника, ожидаемый пользователь в From и запреты "
         "на это направление."},
    [DIAG_CAUSE_METHOD] =
        {"METH-01", "Метод не поддерживается другой стороной",
         "Другая сторона ответила 405 Method Not Allowed или 501 Not Implemented: такой "
         "запрос она не обрабатывает (что поддерживается, перечислено в заголовке Allow "
         "ответа).",
         "Настройте отправителя на разрешённый метод (re-INVITE вместо UPDATE, DTMF по RFC "
         "4733 вместо INFO) или включите метод на другой стороне."},
    [DIAG_CAUSE_EXTENSION] =
        {"EXT-01", "Расширение SIP не поддерживается",
         "Запрос потребовал расширение, которого другая сторона не знает (420 Bad Extension, "
         "теги в Unsupported), или другая сторона требует расширение, которого нет в "
         "запросе (421 Extension Required, её заголовок Require). Типичные теги: 100rel, "
         "timer, replaces, precondition.",
         "Уберите тег из Require у отправителя (например, не требуйте 100rel или таймеры "
         "сессии) или включите расширение на другой стороне."},
    [DIAG_CAUSE_BAD_REQUEST] =
        {"REQ-01", "Запрос отвергнут как неверный или слишком большой",
         "Другая сторона не смогла принять сам запрос: 400 Bad Request (заголовок, который "
         "она не разобрала; часто это сказано во фразе или Warning), 413/513 — слишком "
         "большой, 414 — длинный URI, 416 — схема URI, 505 — версия SIP.",
         "Сравните запрос с фразой ответа; ищите ALG или SBC, переписывающий заголовки, "
         "неверный Content-Length, неэкранированные символы в URI; для 413/513 сократите SDP "
         "и заголовки или используйте TCP."},
    [DIAG_CAUSE_REDIRECT] =
        {"REDIR-01", "Переадресация не состоялась",
         "Другая сторона переадресовала вызов (3xx с Contact), и переадресация не удалась: "
         "вызывающий не попробовал новый адрес, адрес указывает туда, откуда пришёл вызов "
         "(петля переадресации), или INVITE по новому адресу остался без ответа.",
         "Проверьте переадресацию, давшую 3xx (на себя или между двумя абонентами — петля), "
         "следует ли вызывающий переадресациям (многие АТС по умолчанию их игнорируют) и "
         "доступен ли новый адрес."},
    [DIAG_CAUSE_OTHER] =
        {"RESP-01", "Другая сторона отклонила вызов",
         "Вызов закончился этим ответом об ошибке от другой стороны; более точного правила "
         "для него нет. Ответ, его фраза и заголовки Reason/Warning — собственное объяснение "
         "другой стороны.",
         "Прочитайте объяснение ответа выше; найдите фразу в документации производителя; "
         "посмотрите журнал отправившего сервера на это время."},
    [DIAG_NO_ANSWER] =
        {"NOANS-01", "Звонил, не ответили",
         "У вызываемого звонил телефон (18x), затем другая сторона закончила попытку 408 или "
         "480 (часто Q.850 18/19 — нет ответа): никто не снял трубку до истечения таймера. "
         "Это поведение абонента, а не неисправность, если только звонок не был слишком "
         "коротким, чтобы ответить.",
         "Исправлять нечего, если абонент просто отошёл; если звонок короткий (несколько "
         "секунд), увеличьте время набора/звонка на АТС или таймер неответа у оператора либо "
         "проверьте переадресацию абонента по неответу."},
    [DIAG_DIALOG_481] =
        {"DLG-01", "Другая сторона не знает диалог (481)",
         "Запрос внутри установленного вызова (BYE, re-INVITE, UPDATE, INFO) получил 481 "
         "Call/Transaction Does Not Exist: другая сторона не знает этот диалог. Теги или "
         "Call-ID не совпадают с её данными, запрос пошёл мимо прокси или B2BUA, которому "
         "принадлежит диалог (неверный route set), или другая сторона перезапустилась либо "
         "уже завершила вызов.",
         "Сравните теги From/To и заголовки Route запроса с 200 OK, установившим диалог; "
         "проверьте, что прокси делают Record-Route и запросы идут по route set; поищите "
         "перезапуск другой стороны."},
    [DIAG_CONTACT_UNREACHABLE] =
        {"ROUTE-02", "Contact или Record-Route недоступен",
         "Запросы внутри вызова (ACK, BYE) идут на адрес из Contact (или Record-Route) в 200 "
         "OK, и там никто не отвечает: вызываемый повторяет 200 OK 32 с или BYE повторяется "
         "без ответа. Contact — частный, неверный или мёртвый адрес.",
         "Пусть вызываемый объявляет достижимый Contact (NAT: rewrite_contact, "
         "external_signaling_address; отключите SIP ALG), прокси делают record-route, чтобы "
         "запросы диалога шли через них, и проверьте межсетевой экран для порта из Contact."},
    [DIAG_SDP_SRTP] =
        {"SRTP-01", "Шифрованное и открытое медиа не совпадают",
         "Одна сторона предложила шифрованное медиа (RTP/SAVP с a=crypto или DTLS-SRTP с "
         "a=fingerprint), а другая принимает только обычный RTP, или наоборот: предложение "
         "отклонено (488/606) или в ответе другой вид. Это не проблема кодеков.",
         "Согласуйте стороны: включите SRTP (SDES или DTLS) на другой стороне или сделайте "
         "шифрование у вызывающего необязательным/выключенным для неё (Asterisk "
         "media_encryption, FreeSWITCH rtp_secure_media); WebRTC всегда требует DTLS-SRTP."},
    [DIAG_SDP_T38] =
        {"FAX-01", "T.38 для факса отклонён",
         "Факсовый вызов перешёл на T.38 (re-)INVITE с m=image udptl t38, а другая сторона "
         "отказала (488/606/415) или ответила без T.38. Голосовой вызов был в порядке; факс "
         "идёт через G.711 или не проходит.",
         "Включите T.38 на отказавшей стороне (Asterisk t38_udptl=yes, FreeSWITCH "
         "fax_enable_t38) или выключите T.38 на факс-шлюзе и используйте G.711 (без сжатия, "
         "без VAD, фиксированный буфер джиттера)."},
    [DIAG_SDP_VIDEO] =
        {"VIDEO-01", "Видео отклонено",
         "В предложении был видеопоток, а в ответе его порт 0 или его нет: вызов идёт только "
         "со звуком. Проблема, только если видео ожидалось или отклонено предложение "
         "только с видео.",
         "Включите общий видеокодек (H.264, VP8) на обеих сторонах или не предлагайте видео "
         "стороне, у которой его нет."},
    [DIAG_SDP_PTIME] =
        {"PTIME-01", "Разный размер пакета (ptime)",
         "Предложение и ответ просят разный ptime (a=ptime): каждая сторона шлёт пакеты "
         "своего размера. Большинство телефонов справляются; некоторые шлюзы и операторы "
         "дают рваный звук или отвергают поток.",
         "Задайте одинаковую пакетизацию (обычно 20 мс) на обеих сторонах или пусть АТС "
         "транскодирует."},
    [DIAG_PRACK_MISSING] =
        {"PRACK-01", "Надёжный предварительный ответ без PRACK",
         "Вызываемый отправил надёжный 18x (Require: 100rel, RSeq, RFC 3262), а PRACK не "
         "пришёл: он повторяет 18x и через 32 с сдаётся с ошибкой (часто 5xx или 504), "
         "хотя вызывающий видел звонок.",
         "Пусть вызывающий поддерживает 100rel и шлёт PRACK, или вызываемый не требует его "
         "(Asterisk 100rel=no, FreeSWITCH disable-100rel); проверьте, не теряется ли PRACK "
         "по пути (NAT, прокси без record-route)."},
    [DIAG_REG_LAPSED] =
        {"REG-02", "Регистрация вызываемого прекратилась до вызова",
         "Вызов не дошёл до абонента, а раньше в этом захвате его регистрация закончилась: "
         "истекла без обновления, телефон снял её (Expires: 0) или обновление отклонено. В "
         "момент INVITE у сервера не было его адреса.",
         "Выясните, почему телефон перестал регистрироваться: выключен, пропала сеть, истекла "
         "привязка NAT (короче интервал перерегистрации или keep-alive), сменился пароль "
         "(обновление отклонено) или интервал длиннее разрешённого сервером."},
    [DIAG_SCAN] =
        {"SCAN-01", "SIP-сканер или подбор паролей",
         "Один источник прислал много запросов ко многим внутренним номерам (или много "
         "попыток к одному) — так работают friendly-scanner, sipvicious, sipcli и боты "
         "телефонного мошенничества: ищут отвечающие номера и слабые пароли. Собранные ими "
         "запросы пароля и отказы — это атака, а не неисправность АТС.",
         "Заблокируйте источник (межсетевой экран, fail2ban, Kamailio pike/ipban, APIBan); "
         "отвечайте на неизвестные номера так же, как на неверный пароль (alwaysauthreject); "
         "используйте длинные пароли и разрешайте регистрацию только из известных сетей; "
         "проверьте CDR АТС на сделанные им вызовы."},
    [DIAG_DEAD_DEST] =
        {"DEST-01", "Адрес назначения никогда не отвечает",
         "Все запросы на этот адрес в захвате остались без ответа, в нескольких вызовах: "
         "узел выключен, адрес или порт неверен (DNS или статический маршрут ведёт не туда) "
         "или межсетевой экран отбрасывает трафик. Дело в адресе, а не в одном вызове.",
         "Проверьте, во что разрешается имя назначения, настроенные порт и транспорт; "
         "проверьте доступность от отправителя (OPTIONS через sipsak/sipp, traceroute); "
         "проверьте межсетевые экраны и блокировки IP на другой стороне."},
    [DIAG_TRUNK_ONSET] =
        {"TRUNK-01", "Направление начало отказывать с определённого момента",
         "Вызовы на это направление нормально отвечались до какого-то момента, а после него "
         "все вызовы неудачны: транк или узел упал, достигнут лимит или в это время "
         "изменилась конфигурация. Ранние вызовы показывают, что путь работал.",
         "Посмотрите, что изменилось в это время на обеих сторонах (перезапуск, сеть, счёт, "
         "сертификаты), ответ первого неудачного вызова и статус оператора."},
};

const struct diag_text *diag_text_causes(enum diag_rule r, bool russian)
{
    const struct diag_text *t;

    if ((unsigned)r >= DIAG_RULE__COUNT)
        return NULL;
    t = russian ? &ru[r] : &en[r];
    return t->id ? t : NULL;
}
