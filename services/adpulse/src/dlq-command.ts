import type { CommandIo } from './backtest-command.ts'
import { commandConfig } from './command-config.ts'
import { parseDlqReplayArgs, parseDlqTailArgs } from './dlq-args.ts'
import { describeKafkaFailure, eventSchemas, openDlqKafka } from './dlq-kafka.ts'
import { replayDeadLetters } from './dlq-replay.ts'
import { formatReplayReport } from './dlq-replay-plan.ts'
import { tailDeadLetters } from './dlq-tail.ts'

export interface DlqIo extends CommandIo {
  /** `tail --follow` stops when this settles (the CLI: SIGINT or SIGTERM). */
  until?: Promise<unknown>
  /** Epoch ms now, for `--since 1h`; default Date.now. */
  now?: () => number
}

/**
 * `adpulse dlq tail|replay`: reads the dead-letter topic, prints it, or sends
 * the recoverable dead letters back to the events topic (docs/dead-letters.md).
 * Exit code 2 for bad arguments (an unknown or unreplayable reason among them),
 * 1 when configuration or Kafka fail.
 */
export async function dlqCommand(argv: readonly string[], io: DlqIo): Promise<number> {
  const [action, ...rest] = argv
  const fail = (message: string, code: number): number => {
    io.stderr.write(
      `adpulse dlq${action === 'tail' || action === 'replay' ? ` ${action}` : ''}: ${message}\n`,
    )
    return code
  }
  const now = (io.now ?? Date.now)()
  const parsed =
    action === 'tail'
      ? parseDlqTailArgs(rest, now)
      : action === 'replay'
        ? parseDlqReplayArgs(rest, now)
        : { ok: false as const, error: 'expected `adpulse dlq tail` or `adpulse dlq replay`' }
  if (!parsed.ok) {
    const command = action === 'tail' || action === 'replay' ? `dlq ${action}` : 'dlq'
    return fail(`${parsed.error}\n(adpulse ${command} --help shows the usage)`, 2)
  }

  const configured = commandConfig(io.env)
  if (!configured.ok) return fail(configured.error, 1)
  const { config } = configured
  let opened: Awaited<ReturnType<typeof openDlqKafka>>
  try {
    opened = await openDlqKafka(config)
  } catch (err) {
    return fail(`cannot start the local broker: ${err instanceof Error ? err.message : String(err)}`, 1)
  }
  const { kafka, brokers } = opened
  try {
    if ('since' in parsed.args) {
      const printed = await tailDeadLetters(kafka, config, parsed.args, io.stdout, io.until)
      io.stderr.write(`${printed} dead letter${printed === 1 ? '' : 's'} on ${config.kafka.topics.dlq}\n`)
      return 0
    }
    const schemas = await eventSchemas(config)
    const tally = await replayDeadLetters(kafka, config, schemas, parsed.args)
    io.stdout.write(formatReplayReport(tally, config.kafka.topics.events, parsed.args.dryRun))
    return 0
  } catch (err) {
    return fail(describeKafkaFailure(err, config, brokers), 1)
  } finally {
    await opened.close()
  }
}
