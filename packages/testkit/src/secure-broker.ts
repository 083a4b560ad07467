import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { ensureLocalKafka } from '@adpulse/local-kafka'
import { freePortPair } from './ports.ts'

const run = promisify(execFile)

/**
 * A broker of one test file's own with a SASL_SSL listener, for the tests of
 * adpulse's security settings: deploy/local/kafka.sh with a certificate
 * authority, broker and client certificates made here with openssl, a SCRAM
 * user created by Kafka's own `kafka-storage format --add-scram`, and a PLAIN
 * user in the listener's JAAS config. The listener requires a client
 * certificate (mutual TLS). Never the run's shared broker.
 */
export interface SecureBroker {
  /** 127.0.0.1:port of the SASL_SSL listener (the certificate names 127.0.0.1 and localhost). */
  brokers: string[]
  /** PEM files: the CA that signed the broker's and the client's certificates, and one that signed neither. */
  files: { ca: string; otherCa: string; clientCert: string; clientKey: string }
  /** A SCRAM-SHA-512 user, created through Kafka's tooling. */
  scram: { username: string; password: string }
  /** A PLAIN user, from the listener's JAAS config. */
  plain: { username: string; password: string }
  /** Stops the broker and removes its data and certificates. */
  cleanup(): Promise<void>
}

export async function startSecureBroker(): Promise<SecureBroker> {
  const dir = await mkdtemp(join(tmpdir(), 'adpulse-secure-broker-'))
  try {
    const files = await makeCertificates(dir)
    const scram = { username: 'adpulse-scram', password: 'scram-secret-0001' }
    const plain = { username: 'adpulse-plain', password: 'plain-secret-0001' }
    const port = await freePortPair()
    const securePort = await portOtherThan([port, port + 1])
    const properties = join(dir, 'secure.properties')
    await writeFile(properties, serverProperties(port, securePort, files, plain))
    const broker = await ensureLocalKafka({
      KAFKA_LOCAL_DATA: join(dir, 'data'),
      KAFKA_LOCAL_PORT: String(port),
      KAFKA_LOCAL_EXTRA_PROPERTIES: properties,
      KAFKA_LOCAL_SCRAM: `SCRAM-SHA-512=[name=${scram.username},password=${scram.password}]`,
    })
    return {
      brokers: [`127.0.0.1:${securePort}`],
      files: {
        ca: files.ca,
        otherCa: files.otherCa,
        clientCert: files.clientCert,
        clientKey: files.clientKey,
      },
      scram,
      plain,
      async cleanup() {
        await broker.stop()
        await rm(dir, { recursive: true, force: true })
      },
    }
  } catch (err) {
    await rm(dir, { recursive: true, force: true })
    throw err
  }
}

/** A free port that is none of the taken ones (they are free until the broker binds them, so a second pick may repeat one). */
async function portOtherThan(taken: number[]): Promise<number> {
  for (;;) {
    const port = await freePortPair()
    if (!taken.includes(port)) return port
  }
}

interface CertificateFiles {
  ca: string
  otherCa: string
  /** The broker's key followed by its certificate: a PEM keystore (ssl.keystore.type=PEM). */
  brokerKeystore: string
  clientCert: string
  clientKey: string
}

/**
 * The PLAINTEXT listener stays (the script's liveness check and a place for tools); clients use SASL_SSL.
 * Kafka ignores a bare ssl.client.auth on a SASL_SSL listener: only the listener-prefixed one counts.
 */
function serverProperties(
  port: number,
  securePort: number,
  files: CertificateFiles,
  plain: { username: string; password: string },
): string {
  const listener = 'listener.name.sasl_ssl'
  return `
listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${port + 1},SASL_SSL://127.0.0.1:${securePort}
advertised.listeners=PLAINTEXT://127.0.0.1:${port},SASL_SSL://127.0.0.1:${securePort}
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL
sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-512
ssl.keystore.type=PEM
ssl.keystore.location=${files.brokerKeystore}
ssl.truststore.type=PEM
ssl.truststore.location=${files.ca}
${listener}.ssl.client.auth=required
${listener}.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_${plain.username}="${plain.password}";
${listener}.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
`
}

/** A CA, a broker certificate for 127.0.0.1 and localhost and a client certificate signed by it, and a CA that signed nothing here. */
async function makeCertificates(dir: string): Promise<CertificateFiles> {
  const path = (name: string) => join(dir, name)
  const openssl = (...args: string[]) => run('openssl', args, { cwd: dir })
  const makeCa = (name: string) =>
    openssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
      '-keyout',
      path(`${name}.key`),
      '-out',
      path(`${name}.pem`),
    )
  await Promise.all([makeCa('adpulse-test-ca'), makeCa('adpulse-other-ca')])
  const issue = async (name: string, extensions: string) => {
    await writeFile(path(`${name}.ext`), extensions)
    await openssl(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      `/CN=${name}`,
      '-keyout',
      path(`${name}.key`),
      '-out',
      path(`${name}.csr`),
    )
    await openssl(
      'x509',
      '-req',
      '-in',
      path(`${name}.csr`),
      '-days',
      '2',
      '-CA',
      path('adpulse-test-ca.pem'),
      '-CAkey',
      path('adpulse-test-ca.key'),
      '-CAcreateserial',
      '-extfile',
      path(`${name}.ext`),
      '-out',
      path(`${name}.pem`),
    )
  }
  await issue('broker', 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n')
  await issue('adpulse-client', 'extendedKeyUsage=clientAuth\n')
  const brokerKeystore = path('broker-keystore.pem')
  await writeFile(
    brokerKeystore,
    (await readFile(path('broker.key'), 'utf8')) + (await readFile(path('broker.pem'), 'utf8')),
  )
  return {
    ca: path('adpulse-test-ca.pem'),
    otherCa: path('adpulse-other-ca.pem'),
    brokerKeystore,
    clientCert: path('adpulse-client.pem'),
    clientKey: path('adpulse-client.key'),
  }
}
