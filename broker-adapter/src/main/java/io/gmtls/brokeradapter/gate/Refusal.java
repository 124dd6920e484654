package io.gmtls.brokeradapter.gate;

/** Why the gate refuses a CONNECT, and what the CONNACK says. */
enum Refusal {
    /** CA deny/ignore, unverified certificate, missing CN, ACL-forbidden will: 3.1.1 code 5, MQTT 5 0x87. */
    NOT_AUTHORIZED,
    /** CA unreachable, 5xx, timeout, unusable answer, broker unreachable: 3.1.1 code 3, MQTT 5 0x88. */
    SERVER_UNAVAILABLE,
    /** Too many CA requests in flight: 3.1.1 code 3, MQTT 5 0x89 (server busy). */
    SERVER_BUSY
}
