import { isIP } from 'node:net'
import { type ConnectionOptions, connect } from 'node:tls'
import { KafkaAdapterError } from './errors.ts'
import { securityFailureOf } from './security-failure.ts'

/**
 * One TLS handshake with a broker, with the client's own TLS options, before
 * kafkajs connects: kafkajs takes an untrusted or misnamed certificate for a
 * network failure and retries it for its whole budget, though no retry can
 * help. Resolves when the handshake succeeds, or fails for another reason
 * (unreachable, timeout: kafkajs retries those); rejects, not retriable, on a
 * certificate or protocol failure.
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
    socket.once('secureConnect', () => done())
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
