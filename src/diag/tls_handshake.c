/*
 * tls_handshake: what a TLS handshake that went wrong says, in the kb's
 * two languages: the alert and who sent it, what it usually means for a
 * SIP peer, versions and suites offered against chosen, and the server
 * certificate's dates and name (include/capture.h: struct cap_tls_fact,
 * collected by the decoder whether or not the keys are known).
 *
 * Pure: any thread.  Written for sipdx (TLS owner: see issue 17); the
 * texts are ours.
 */
#include "diag.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "capture.h"
#include "kb.h"
#include "util.h"

struct alert_text {
    uint8_t code;
    const char *name;
    const char *en, *ru; /* what it means for the connection */
};

static const struct alert_text alerts[] = {
    {10, "unexpected_message", "a peer received a message out of protocol order",
     "сторона получила сообщение не в том порядке, который требует протокол"},
    {20, "bad_record_mac", "a record failed its integrity check (damage or a bug)",
     "запись не прошла проверку целостности (повреждение или ошибка реализации)"},
    {40, "handshake_failure",
     "no acceptable set of parameters: most often no cipher suite or group in common",
     "не нашлось общих параметров: чаще всего нет общего шифронабора или группы"},
    {42, "bad_certificate", "the certificate was refused (damaged, or a name that does not match)",
     "сертификат отвергнут (повреждён или имя не совпадает)"},
    {43, "unsupported_certificate", "the certificate is of a type the peer does not accept",
     "тип сертификата не поддерживается другой стороной"},
    {44, "certificate_revoked", "the certificate was revoked by its issuer",
     "сертификат отозван издателем"},
    {45, "certificate_expired", "the certificate has expired or is not valid yet",
     "срок действия сертификата истёк или ещё не начался"},
    {46, "certificate_unknown", "the certificate could not be accepted (often a name mismatch)",
     "сертификат не принят (часто из-за несовпадения имени)"},
    {47, "illegal_parameter", "a field of the handshake was out of range or inconsistent",
     "поле рукопожатия вне допустимых значений или противоречиво"},
    {48, "unknown_ca",
     "the peer does not trust the issuer of the certificate: its CA is missing from the trust "
     "store, or the intermediate certificates were not sent",
     "другая сторона не доверяет издателю сертификата: его CA нет в хранилище доверенных или "
     "не отправлены промежуточные сертификаты"},
    {49, "access_denied", "the certificate was valid but access was refused by policy",
     "сертификат действителен, но доступ запрещён политикой"},
    {50, "decode_error", "a handshake message could not be decoded",
     "сообщение рукопожатия не удалось разобрать"},
    {51, "decrypt_error", "a signature or the Finished check failed",
     "не прошла проверка подписи или сообщения Finished"},
    {70, "protocol_version",
     "no TLS version in common: one side requires a version the other does not offer",
     "нет общей версии TLS: одна сторона требует версию, которую другая не предлагает"},
    {71, "insufficient_security", "the offered cipher suites are too weak for the server",
     "предложенные шифронаборы слишком слабы для сервера"},
    {80, "internal_error", "the peer hit an internal error", "внутренняя ошибка у другой стороны"},
    {86, "inappropriate_fallback", "a downgraded retry was refused",
     "повтор с пониженной версией отвергнут"},
    {109, "missing_extension", "a required extension was not sent",
     "не отправлено обязательное расширение"},
    {110, "unsupported_extension", "an extension was sent that the peer did not ask for",
     "отправлено расширение, которого другая сторона не запрашивала"},
    {112, "unrecognized_name", "the server has no certificate for the requested name (SNI)",
     "у сервера нет сертификата для запрошенного имени (SNI)"},
    {116, "certificate_required", "the server requires a client certificate and none was sent",
     "сервер требует клиентский сертификат, а он не отправлен"},
    {120, "no_application_protocol", "no application protocol (ALPN) in common",
     "нет общего прикладного протокола (ALPN)"},
};

static const struct alert_text *alert_find(uint8_t code)
{
    size_t i;

    for (i = 0; i < sizeof(alerts) / sizeof(alerts[0]); i++)
        if (alerts[i].code == code)
            return &alerts[i];
    return NULL;
}

static const char *version_name(uint16_t v)
{
    switch (v) {
    case 0x0300:
        return "SSL 3.0";
    case 0x0301:
        return "TLS 1.0";
    case 0x0302:
        return "TLS 1.1";
    case 0x0303:
        return "TLS 1.2";
    case 0x0304:
        return "TLS 1.3";
    }
    return "?";
}

static void put_date(struct strbuf *b, int64_t t)
{
    char buf[32];
    time_t tt = (time_t)t;
    struct tm tm;

    gmtime_r(&tt, &tm);
    strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M UTC", &tm);
    sb_puts(b, buf);
}

void diag_tls_fact_text(const struct cap_tls_fact *f, const char *lang, struct strbuf *out)
{
    bool ru = strcmp(kb_lang_select(lang), "ru") == 0;
    char a[64], b[64];
    int64_t now = f->ts_ns / 1000000000;

    cap_addr_format(&f->cli, true, a, sizeof(a));
    cap_addr_format(&f->srv, true, b, sizeof(b));
    sb_printf(out, "TLS %s -> %s (frame %llu): ", a, b, (unsigned long long)f->frame);
    if (f->alert_from && f->alert != 0 && f->alert != 90) {
        const struct alert_text *t = alert_find(f->alert);
        const char *who =
            f->alert_from == 1 ? (ru ? "клиент" : "the client") : (ru ? "сервер" : "the server");

        const char *verb =
            ru ? (f->alert_fatal ? "отправил фатальное оповещение" : "отправил оповещение")
               : (f->alert_fatal ? "sent fatal alert" : "sent alert");

        sb_printf(out, "%s %s %s (%u)", who, verb, t ? t->name : "?", f->alert);
        if (t)
            sb_printf(out, ": %s", ru ? t->ru : t->en);
        if (f->alert == 70 && f->offered_max)
            sb_printf(out, ru ? "; клиент предлагал не выше %s" : "; the client offered up to %s",
                      version_name(f->offered_max));
        if (f->alert == 40 && !f->version && f->nsuites)
            sb_printf(out,
                      ru ? "; клиент предлагал %u шифронабор(ов), сервер не выбрал ни одного"
                         : "; the client offered %u cipher suites and the server chose none",
                      f->nsuites);
        if (f->version)
            sb_printf(out, ru ? "; согласовано: %s" : "; agreed: %s", version_name(f->version));
        sb_puts(out, ru ? ". Звонки и регистрации по этому соединению не проходят"
                        : ". Calls and registrations over this connection cannot go through");
    }
    if (f->cert_seen) {
        bool expired = now > f->not_after, early = now < f->not_before;

        if (f->alert_from && f->alert != 0 && f->alert != 90 && (expired || early || !f->name_ok))
            sb_puts(out, "; ");
        if (expired) {
            sb_puts(out, ru ? "сертификат сервера истёк " : "the server's certificate expired on ");
            put_date(out, f->not_after);
            sb_puts(out, ru ? " (время захвата " : " (capture time ");
            put_date(out, now);
            sb_putc(out, ')');
        } else if (early) {
            sb_puts(out, ru ? "сертификат сервера действует только с "
                            : "the server's certificate is valid only from ");
            put_date(out, f->not_before);
        }
        if (f->name_checked && !f->name_ok) {
            if (expired || early)
                sb_puts(out, "; ");
            sb_puts(out, ru ? "имя в сертификате (" : "the certificate's name (");
            sb_append_escaped(out, f->cert_name, strlen(f->cert_name));
            sb_puts(out, ru ? ") не совпадает с запрошенным доменом "
                            : ") does not match the domain asked for, ");
            sb_append_escaped(out, f->sni, strlen(f->sni));
        }
    }
}
