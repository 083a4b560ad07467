import { isIP } from 'node:net'
import { type ConnectionOptions, connect } from 'node:tls'
import { KafkaAdapterError } from './errors.ts'
import { securityFailureOf } from './security-failure.ts'

/**
 * ApiVersions v0, the one request a broker answers before SASL: length 10,
 * api_key 18, api_version 0, correlation_id 1, client_id null.
 */
const API_VERSIONS_REQUEST = Buffer.from([0, 0, 0, 10, 0, 18, 0, 0, 0, 0, 0, 1, 0xff, 0xff])

/**
 * One TLS handshake with a broker, with the client's own TLS options, and one
 * request over it, before kafkajs connects: kafkajs takes an untrusted or
 * misnamed certificate for a network failure and retries it for its whole
 * budget, though no retry can help. The request is there because under TLS 1.3
 * a broker refuses a client certificate only after the client's handshake is
 * done, with an alert on the next read. Resolves when the broker answers, or the
 * attempt fails for another reason (unreachable, timeout: kafkajs retries
 * those); rejects, not retriable, on a certificate or protocol failure.
 */
export function probeTls(broker: string, ssl: ConnectionOptions, timeoutMs: number): Promise<void> {
  const separator = broker.lastIndexOf(':')
  const host = broker.slice(0, separator)
  const port = Number(broker.slice(separator + 1))
  return new Promise((resolve, reject) => {
    // kafkajs's socket factory does the same: SNI with a host name, never with an address.
    const socket = connect({ host, port, ...(isIP(host) ? {} : { servername: host }), ...ssl })
    const done = (err?: KafkaAdapterError) => {
      clearTimeout(timer)
      socket.destroy()
      if (err) reject(err)
      else resolve()
    }
    const timer = setTimeout(() => done(), timeoutMs)
    socket.once('secureConnect', () => socket.write(API_VERSIONS_REQUEST))
    socket.once('data', () => done())
    socket.once('close', () => done())
    socket.once('error', (err) => {
      const failure = securityFailureOf(err)
      if (failure === undefined) return done()
      done(
        new KafkaAdapterError('TLS_FAILED', `TLS handshake with ${broker} failed: ${err.message}`, false, {
          cause: err,
          broker,
        }),
      )
    })
  })
}
