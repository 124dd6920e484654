package io.gmtls.brokeradapter.gate;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

import io.gmtls.brokeradapter.authn.BrokerAuthenticator;
import io.gmtls.brokeradapter.config.GateConfig;

/** What every connection of one gate shares: configuration, CA client, broker connector, meters, logs. */
record GateServices(GateConfig config, BrokerAuthenticator authenticator, BrokerConnector brokers,
                    GateMetrics metrics, NotGatewayLog notGatewayLog, AtomicLong connectionIds, Clock clock) {
}
