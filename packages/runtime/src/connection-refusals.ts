import type { KafkaSecurityConfig, SchemaRegistryConfig } from '@adpulse/config'
import { securityFailureOf } from '@adpulse/kafka'
import { SchemaRegistryError } from '@adpulse/schema-registry'

/**
 * A connection refused for its credentials or certificates, in one line that
 * names the variables to fix; undefined for any other failure (the network,
 * a broker down), which the caller reports as it always did. Such a refusal
 * does not pass with a retry, so a process refuses to start on it.
 */
export function describeRefusal(
  err: unknown,
  config: { kafka: { security: KafkaSecurityConfig }; schemaRegistry: SchemaRegistryConfig },
): string | undefined {
  if (err instanceof SchemaRegistryError && err.code === 'UNAUTHORIZED') {
    const auth = config.schemaRegistry.auth
    const settings =
      auth === undefined
        ? 'no credentials set: SCHEMA_REGISTRY_USERNAME / SCHEMA_REGISTRY_PASSWORD or SCHEMA_REGISTRY_TOKEN'
        : auth.kind === 'bearer'
          ? 'SCHEMA_REGISTRY_TOKEN'
          : 'SCHEMA_REGISTRY_USERNAME / SCHEMA_REGISTRY_PASSWORD, or the user in SCHEMA_REGISTRY_URL'
    return `the schema registry refused the credentials (${settings}): ${err.message}`
  }
  const failure = securityFailureOf(err)
  if (failure === undefined) return undefined
  const { sasl, tls } = config.kafka.security
  if (failure.kind === 'sasl') {
    const mechanism = sasl
      ? `mechanism ${sasl.mechanism}, KAFKA_SASL_MECHANISM`
      : 'KAFKA_SASL_MECHANISM unset'
    return `Kafka refused the SASL credentials (KAFKA_SASL_USERNAME / KAFKA_SASL_PASSWORD, ${mechanism}): ${failure.detail}`
  }
  const of = `certificate of ${failure.broker ?? 'the broker'}`
  switch (failure.reason) {
    case 'untrusted': {
      const ca = tls?.ca ? `KAFKA_TLS_CA_FILE=${tls.ca.path}` : "KAFKA_TLS_CA_FILE unset: Node's trusted CAs"
      return `TLS: ${of} not trusted (${ca}): ${failure.detail}`
    }
    case 'hostname':
      return `TLS: ${of} does not name that host (KAFKA_BROKERS; KAFKA_TLS_VERIFY_HOSTNAME=false accepts it): ${failure.detail}`
    case 'expired':
      return `TLS: ${of} is expired or not yet valid (the broker's certificate, checked against KAFKA_TLS_CA_FILE): ${failure.detail}`
    case 'not-tls':
      return `TLS: ${failure.broker ?? 'the broker'} does not answer TLS on that port (KAFKA_TLS=true; KAFKA_BROKERS names a plaintext listener?): ${failure.detail}`
    case 'refused-by-broker': {
      const cert = tls?.cert ? `KAFKA_TLS_CERT_FILE=${tls.cert.path}` : 'KAFKA_TLS_CERT_FILE unset'
      return `TLS: ${failure.broker ?? 'the broker'} refused the handshake, usually the client certificate (${cert}, KAFKA_TLS_KEY_FILE): ${failure.detail}`
    }
  }
}
