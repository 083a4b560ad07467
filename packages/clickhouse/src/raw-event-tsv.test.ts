import { describe, expect, it } from 'vitest'
import { ATTRIBUTION_COLUMNS, RAW_EVENT_COLUMNS, rawEventColumns } from './raw-event-columns.ts'
import type { RawEventRow } from './raw-event-store.ts'
import {
  dateTimeText,
  encodeRawEventsTsv,
  encodeRawEventsTsvBuffer,
  tsvNullable,
  tsvString,
} from './raw-event-tsv.ts'

const row: RawEventRow = {
  event_id: 'e1',
  source: 'web',
  type: 'conversion',
  occurred_at: Date.UTC(2026, 10, 22, 10, 0, 0, 7),
  channel: 'search',
  campaign_id: 'c1',
  action: 'purchase',
  cost_micros: 2n ** 100n,
  value_micros: 25_000_000n,
  currency: 'USD',
  received_at: Date.UTC(2026, 10, 22, 10, 0, 1, 123),
  topic: 'events',
  partition: 2,
  offset: '18446744073709551615',
}

describe('encodeRawEventsTsv', () => {
  it('writes one line per row, the columns in order, money and offsets exact', () => {
    const [line, rest] = encodeRawEventsTsv([row]).split('\n')
    expect(rest).toBe('')
    const fields = (line ?? '').split('\t')
    expect(fields).toHaveLength(RAW_EVENT_COLUMNS.length)
    expect(Object.fromEntries(RAW_EVENT_COLUMNS.map((c, i) => [c, fields[i]]))).toEqual({
      event_id: 'e1',
      source: 'web',
      type: 'conversion',
      occurred_at: '2026-11-22 10:00:00.007',
      channel: 'search',
      campaign_id: 'c1',
      // No ids given: NULL.
      ad_id: '\\N',
      click_id: '\\N',
      user_id: '\\N',
      action: 'purchase',
      cost_micros: '1267650600228229401496703205376',
      value_micros: '25000000',
      currency: 'USD',
      // No originals given: sent in the reporting currency.
      original_currency: 'USD',
      original_cost_micros: '1267650600228229401496703205376',
      original_value_micros: '25000000',
      received_at: '2026-11-22 10:00:01.123',
      topic: 'events',
      partition: '2',
      offset: '18446744073709551615',
    })
  })

  it('writes what an attributed conversion reported beside its credited keys', () => {
    const credited = {
      ...row,
      ad_id: 'ad-7',
      reported_channel: '',
      reported_campaign_id: '',
      reported_ad_id: null,
      attribution: 'click' as const,
      resolution: 3,
    }
    const fields = (encodeRawEventsTsv([credited, row]).split('\n')[1] ?? '').split('\t')
    const columns = rawEventColumns([credited, row])
    expect(columns).toEqual([...RAW_EVENT_COLUMNS, ...ATTRIBUTION_COLUMNS])
    expect(fields).toHaveLength(columns.length)
    const at = (column: string) => fields[columns.indexOf(column)]
    // A row without attribution in such an insert: reported what it is credited to.
    expect([at('reported_channel'), at('reported_ad_id'), at('attribution'), at('resolution')]).toEqual([
      'search',
      '\\N',
      '',
      '0',
    ])
    const first = (encodeRawEventsTsv([credited, row]).split('\n')[0] ?? '').split('\t')
    const credit = (column: string) => first[columns.indexOf(column)]
    expect([credit('channel'), credit('campaign_id'), credit('ad_id')]).toEqual(['search', 'c1', 'ad-7'])
    expect([credit('reported_channel'), credit('reported_campaign_id'), credit('reported_ad_id')]).toEqual([
      '',
      '',
      '\\N',
    ])
    expect([credit('attribution'), credit('resolution')]).toEqual(['click', '3'])
  })

  it('writes an engagement with its type, action and priced cost', () => {
    const engagement: RawEventRow = {
      ...row,
      type: 'engagement',
      action: 'video_view',
      ad_id: 'ad-2',
      cost_micros: 12_500n,
      value_micros: 0n,
      original_cost_micros: null,
    }
    const fields = (encodeRawEventsTsv([engagement]).split('\n')[0] ?? '').split('\t')
    const column = (name: (typeof RAW_EVENT_COLUMNS)[number]) => fields[RAW_EVENT_COLUMNS.indexOf(name)]
    expect([column('type'), column('action'), column('ad_id'), column('cost_micros')]).toEqual([
      'engagement',
      'video_view',
      'ad-2',
      '12500',
    ])
    expect([column('value_micros'), column('original_cost_micros')]).toEqual(['0', '\\N'])
  })

  it('writes the amounts as sent, and NULL for a cost the pricing model set', () => {
    const sent = {
      ...row,
      original_currency: 'EUR',
      original_cost_micros: null,
      original_value_micros: 23_000_000n,
    }
    const fields = (encodeRawEventsTsv([sent]).split('\n')[0] ?? '').split('\t')
    const at = (column: (typeof RAW_EVENT_COLUMNS)[number]) => fields[RAW_EVENT_COLUMNS.indexOf(column)]
    expect([at('original_currency'), at('original_cost_micros'), at('original_value_micros')]).toEqual([
      'EUR',
      '\\N',
      '23000000',
    ])
  })

  it('writes the ids as sent, escaped, and NULL for a null or omitted one', () => {
    const ids = (r: RawEventRow) => {
      const fields = (encodeRawEventsTsv([r]).split('\n')[0] ?? '').split('\t')
      expect(fields).toHaveLength(RAW_EVENT_COLUMNS.length)
      return ['ad_id', 'click_id', 'user_id'].map((c) => fields[RAW_EVENT_COLUMNS.indexOf(c as 'ad_id')])
    }
    expect(ids({ ...row, ad_id: 'ad-7', click_id: 'gclid-123', user_id: 'u 42' })).toEqual([
      'ad-7',
      'gclid-123',
      'u 42',
    ])
    // A backslash is escaped, so an id that reads `\N` stays that text, never NULL.
    expect(ids({ ...row, ad_id: '\\N', click_id: 'a\\b', user_id: null })).toEqual(['\\\\N', 'a\\\\b', '\\N'])
    expect(ids({ ...row, ad_id: 'x\ty', click_id: null, user_id: undefined })).toEqual([
      'x\\ty',
      '\\N',
      '\\N',
    ])
    expect(tsvNullable(null)).toBe('\\N')
    expect(tsvNullable(undefined)).toBe('\\N')
    expect(tsvNullable('')).toBe('')
  })

  it('escapes what would end a field or a line', () => {
    expect(tsvString('a\tb\nc\\d\re\u0000f')).toBe('a\\tb\\nc\\\\d\\re\\0f')
    expect(tsvString('plain "quotes" \'too\'')).toBe('plain "quotes" \'too\'')
    expect(encodeRawEventsTsv([{ ...row, event_id: 'x\ty' }]).split('\t')[0]).toBe('x\\ty')
  })

  it('formats times in UTC with milliseconds, the same from the cache', () => {
    expect(dateTimeText(0)).toBe('1970-01-01 00:00:00.000')
    expect(dateTimeText(1_795_353_828_678)).toBe('2026-11-22 13:23:48.678')
    expect(dateTimeText(1_795_353_828_050)).toBe('2026-11-22 13:23:48.050')
  })

  it("appends the writer's claim as the last column of every row when one is given", () => {
    const lines = encodeRawEventsTsv([row, { ...row, offset: '8' }], 'claim-1').split('\n')
    expect(lines.slice(0, 2).map((l) => l.split('\t'))).toEqual([
      [...(encodeRawEventsTsv([row]).split('\n')[0] ?? '').split('\t'), 'claim-1'],
      expect.arrayContaining(['8', 'claim-1']),
    ])
    expect(lines[1]?.split('\t')).toHaveLength(RAW_EVENT_COLUMNS.length + 1)
  })
})

describe('encodeRawEventsTsvBuffer', () => {
  it('is the UTF-8 of the text, also when ids outgrow the first buffer and hold multibyte characters', () => {
    const long = `${'é'.repeat(400)}\t€ ${'x'.repeat(2_000)}`
    const rows = Array.from({ length: 50 }, (_, i) => ({
      ...row,
      event_id: `${long}${i}`,
      offset: String(i),
    }))
    const bytes = encodeRawEventsTsvBuffer(rows, 'w-é')
    expect(bytes.toString('utf8')).toBe(encodeRawEventsTsv(rows, 'w-é'))
    expect(bytes.toString('utf8').split('\n')).toHaveLength(51)
    expect(bytes.toString('utf8')).toContain('\\t€')
  })
})
