import type { ConnectionOptions } from 'node:tls'
import type { SASLOptions } from 'kafkajs'

/** SASL credentials; the mechanism as Kafka names it. */
export interface KafkaSasl {
  mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512'
  username: string
  password: string
}

/** TLS to the brokers: PEM texts (undefined: Node's trusted CAs, no client certificate). */
export interface KafkaTls {
  ca: { pem: string } | undefined
  cert: { pem: string } | undefined
  key: { pem: string } | undefined
  /** False accepts a trusted certificate that does not name the broker's host. */
  verifyHostname: boolean
}

/** How every connection of a client authenticates and encrypts (the config's `kafka.security`). */
export interface KafkaSecurity {
  sasl: KafkaSasl | undefined
  tls: KafkaTls | undefined
}

/** The `ssl` and `sasl` options of kafkajs for a security setting; none of either when undefined. */
export function kafkaJsSecurity(security: KafkaSecurity | undefined): {
  ssl?: ConnectionOptions
  sasl?: SASLOptions
} {
  const options: { ssl?: ConnectionOptions; sasl?: SASLOptions } = {}
  const tls = security?.tls
  if (tls !== undefined) {
    options.ssl = {
      // Never off: an untrusted chain is refused whatever verifyHostname says.
      rejectUnauthorized: true,
      ...(tls.ca && { ca: tls.ca.pem }),
      ...(tls.cert && { cert: tls.cert.pem }),
      ...(tls.key && { key: tls.key.pem }),
      ...(tls.verifyHostname ? {} : { checkServerIdentity: () => undefined }),
    }
  }
  const sasl = security?.sasl
  if (sasl !== undefined) {
    const { username, password } = sasl
    options.sasl =
      sasl.mechanism === 'PLAIN'
        ? { mechanism: 'plain', username, password }
        : sasl.mechanism === 'SCRAM-SHA-256'
          ? { mechanism: 'scram-sha-256', username, password }
          : { mechanism: 'scram-sha-512', username, password }
  }
  return options
}
