/** Closed list of what can go wrong talking to Kafka. */
export type KafkaErrorCode =
  | 'CONNECT_FAILED'
  | 'PRODUCE_FAILED'
  /** The produce buffer is full: Kafka does not keep up (or is down). */
  | 'BUFFER_FULL'
  /** No acknowledgement before the caller's deadline; the records may still be written later. */
  | 'PRODUCE_TIMEOUT'
  | 'TOPIC_SETUP_FAILED'
  | 'COMMIT_FAILED'
  /** The topic does not exist (auto-creation is off: the services create theirs at start). */
  | 'UNKNOWN_TOPIC'
  /** Reading a range of a topic (readTopic) failed. */
  | 'READ_FAILED'
  /** The brokers refused the SASL credentials or mechanism; not retriable (securityFailureOf says more). */
  | 'AUTH_FAILED'
  /** The TLS handshake failed: certificate not trusted, misnamed, expired, or no TLS on the port; not retriable. */
  | 'TLS_FAILED'

/** An infrastructure failure: a code to branch on, whether a retry can help, and the cause. */
export class KafkaAdapterError extends Error {
  override name = 'KafkaAdapterError'
  /** host:port of the broker concerned, when one is. */
  readonly broker: string | undefined
  constructor(
    readonly code: KafkaErrorCode,
    message: string,
    readonly retriable: boolean,
    options?: { cause?: unknown; broker?: string },
  ) {
    super(message, options)
    this.broker = options?.broker
  }
}

/** kafkajs marks its errors with `retriable`; anything else is treated as retriable. */
export function isRetriable(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'retriable' in err ? Boolean(err.retriable) : true
}
