import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { createLogger } from './logger.ts'
import { chooseLogFormat, formatPrettyLine } from './pretty-log.ts'

describe('chooseLogFormat', () => {
  it('is pretty at a terminal and JSON lines into a pipe or a file, unless LOG_FORMAT says', () => {
    expect(chooseLogFormat(undefined, true)).toBe('pretty')
    expect(chooseLogFormat(undefined, false)).toBe('json')
    expect(chooseLogFormat('json', true)).toBe('json')
    expect(chooseLogFormat('pretty', false)).toBe('pretty')
  })
})

describe('formatPrettyLine', () => {
  const time = Date.UTC(2026, 10, 22, 10, 42, 7, 123)

  it('puts time, level, logger and message on one line, and each other field below it', () => {
    const line = JSON.stringify({
      level: 30,
      time,
      pid: 42,
      hostname: 'h',
      name: 'adpulse',
      component: 'processor',
      msg: 'partition assigned',
      partition: 2,
      topic: 'adpulse.events.v1',
    })
    expect(formatPrettyLine(line, { colors: false })).toBe(
      '10:42:07.123Z INFO  adpulse/processor: partition assigned\n' +
        '    partition: 2\n' +
        '    topic: adpulse.events.v1\n',
    )
  })

  it('colours the level only when asked (a terminal)', () => {
    const line = JSON.stringify({ level: 50, time, name: 'adpulse', msg: 'failed' })
    expect(formatPrettyLine(line, { colors: true })).toBe(
      '10:42:07.123Z \u001b[31mERROR\u001b[0m adpulse: failed\n',
    )
  })

  it('shows an error as its stack, and keeps a multi-line message readable', () => {
    const line = JSON.stringify({
      level: 60,
      time,
      name: 'adpulse',
      msg: 'invalid configuration:\n  - LOG_FORMAT: bad',
      err: { type: 'Error', message: 'boom', stack: 'Error: boom\n    at main (cli.ts:1:1)', code: 'E_X' },
    })
    expect(formatPrettyLine(line, { colors: false })).toBe(
      '10:42:07.123Z FATAL adpulse: invalid configuration:\n' +
        '        - LOG_FORMAT: bad\n' +
        '    err: Error: boom\n' +
        '          at main (cli.ts:1:1)\n' +
        '      {"code":"E_X"}\n',
    )
  })

  it('passes a line that is not a JSON object as it is', () => {
    expect(formatPrettyLine('not json', { colors: false })).toBe('not json\n')
    expect(formatPrettyLine('[1]\n', { colors: false })).toBe('[1]\n')
  })
})

describe('createLogger', () => {
  const collect = () => {
    const chunks: string[] = []
    const stream = new Writable({
      write(chunk, _encoding, done) {
        chunks.push(chunk.toString())
        done()
      },
    })
    return { chunks, stream }
  }

  it('writes JSON lines by default into a stream that is not a terminal', () => {
    const { chunks, stream } = collect()
    createLogger('t', { destination: stream }).info({ n: 1 }, 'hello')
    expect(JSON.parse(chunks.join(''))).toMatchObject({ name: 't', msg: 'hello', n: 1 })
  })

  it('writes pretty lines, without colours, when asked to into a stream', () => {
    const { chunks, stream } = collect()
    createLogger('t', { destination: stream, format: 'pretty' }).warn({ n: 1 }, 'hello')
    expect(chunks.join('')).toMatch(/^\d\d:\d\d:\d\d\.\d{3}Z WARN {2}t: hello\n {4}n: 1\n$/)
  })
})
