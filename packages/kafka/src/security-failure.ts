/**
 * What a refused connection says about the security settings. kafkajs reports
 * a certificate it cannot trust as a retriable connection error (and retries
 * it for its whole budget), and a refused login as KafkaJSSASLAuthenticationError;
 * both are told apart here by error name and Node's TLS error code, never by message text.
 */
export type TlsFailureReason =
  /** The broker's chain does not lead to a trusted CA. */
  | 'untrusted'
  /** The certificate is trusted but names another host. */
  | 'hostname'
  /** The certificate is expired or not yet valid. */
  | 'expired'
  /** The port does not speak TLS (a PLAINTEXT or SASL_PLAINTEXT listener). */
  | 'not-tls'
  /** The broker ended the handshake: usually it wants a client certificate it does not get or trust. */
  | 'refused-by-broker'

export type SecurityFailure =
  | { kind: 'sasl'; detail: string }
  | { kind: 'tls'; reason: TlsFailureReason; broker: string | undefined; detail: string }

/** Node's (OpenSSL's) certificate verification codes, by what they mean for the operator. */
const TLS_REASONS: Readonly<Record<string, TlsFailureReason>> = {
  SELF_SIGNED_CERT_IN_CHAIN: 'untrusted',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'untrusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'untrusted',
  UNABLE_TO_GET_ISSUER_CERT: 'untrusted',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'untrusted',
  CERT_UNTRUSTED: 'untrusted',
  CERT_SIGNATURE_FAILURE: 'untrusted',
  CERT_REJECTED: 'untrusted',
  ERR_TLS_CERT_ALTNAME_INVALID: 'hostname',
  CERT_HAS_EXPIRED: 'expired',
  CERT_NOT_YET_VALID: 'expired',
  ERR_SSL_WRONG_VERSION_NUMBER: 'not-tls',
  ERR_SSL_PACKET_LENGTH_TOO_LONG: 'not-tls',
}

function tlsReason(code: string): TlsFailureReason | undefined {
  // A TLS alert from the peer, e.g. ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED, ERR_SSL_TLSV1_ALERT_UNKNOWN_CA.
  return TLS_REASONS[code] ?? (/^ERR_SSL_\w*_ALERT_/.test(code) ? 'refused-by-broker' : undefined)
}

/** The security failure somewhere in an error's cause chain, if that is what it is. */
export function securityFailureOf(err: unknown): SecurityFailure | undefined {
  let broker: string | undefined
  for (let current = err, depth = 0; isObject(current) && depth < 10; current = current.cause, depth++) {
    if (typeof current.broker === 'string') broker ??= current.broker
    if (current.name === 'KafkaJSSASLAuthenticationError') {
      return { kind: 'sasl', detail: String(current.message) }
    }
    const reason = typeof current.code === 'string' ? tlsReason(current.code) : undefined
    if (reason !== undefined) return { kind: 'tls', reason, broker, detail: String(current.message) }
  }
  return undefined
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}
