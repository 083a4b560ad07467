import type { AttributionSummaryRow } from '@adpulse/clickhouse'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { registerAttributionRoutes } from './attribution-routes.ts'

const NOW = Date.parse('2026-11-22T10:30:15.500Z')
const figures = (conversions: number, revenue_micros: string) => ({ conversions, revenue_micros })

let app: FastifyInstance | undefined
afterEach(async () => {
  await app?.close()
  app = undefined
})

async function serve(rows: AttributionSummaryRow[], ranges: Array<[number, number]>) {
  app = Fastify()
  registerAttributionRoutes(
    app,
    {
      summary: async (from, to) => {
        ranges.push([from, to])
        return rows
      },
    },
    () => NOW,
  )
  await app.ready()
  const server = app
  return async (url: string) => {
    const response = await server.inject({ method: 'GET', url })
    return { status: response.statusCode, body: response.json() as Record<string, unknown> }
  }
}

describe('GET /v1/attribution', () => {
  it('answers matched, waiting and unattributed in total and per channel, money as strings', async () => {
    const ranges: Array<[number, number]> = []
    const get = await serve(
      [
        { channel: '', matched: figures(0, '0'), waiting: figures(1, '30'), unattributed: figures(0, '0') },
        {
          channel: 'search',
          matched: figures(2, '9007199254740993'),
          waiting: figures(0, '0'),
          unattributed: figures(0, '0'),
        },
        {
          channel: 'unattributed',
          matched: figures(0, '0'),
          waiting: figures(0, '0'),
          unattributed: figures(3, '7'),
        },
      ],
      ranges,
    )
    const { status, body } = await get('/v1/attribution?window=24h')
    expect(status).toBe(200)
    expect(ranges).toEqual([[Date.parse('2026-11-21T10:31:00Z'), Date.parse('2026-11-22T10:31:00Z')]])
    expect(body).toMatchObject({
      window: '24h',
      from: '2026-11-21T10:31:00.000Z',
      to: '2026-11-22T10:31:00.000Z',
      matched: figures(2, '9007199254740993'),
      waiting: figures(1, '30'),
      unattributed: figures(3, '7'),
    })
    expect((body.channels as Array<{ channel: string }>).map((c) => c.channel)).toEqual([
      '',
      'search',
      'unattributed',
    ])
  })

  it('answers 400 naming the parameter, without reading', async () => {
    const ranges: Array<[number, number]> = []
    const get = await serve([], ranges)
    expect(await get('/v1/attribution?window=2h')).toMatchObject({
      status: 400,
      body: { error: 'bad_request', message: expect.stringContaining('window') },
    })
    expect(await get('/v1/attribution?channel=search')).toMatchObject({
      status: 400,
      body: { message: expect.stringContaining('"channel"') },
    })
    expect(ranges).toEqual([])
  })
})
