import type { IncomingBatch } from '@adpulse/kafka'
import type { Logger } from '@adpulse/observability'
import type { PricingTable } from '@adpulse/pricing'
import type { RateSource } from '../currency-rates.ts'
import { type RetryPolicy, retryUntilDone } from '../write/insert-retry.ts'
import type { DecodedBatch } from './decode.ts'
import { type PricedBatch, priceBatch } from './price.ts'

export interface SlicePricerDeps {
  pricing: PricingTable
  rates: RateSource
  reportingCurrency: string
  retry: RetryPolicy
  /** Aborted on shutdown: a wait for the rates gives up then. */
  signal: AbortSignal
  log: Logger
}

/** Converts a decoded slice to the reporting currency and prices it, with the rates it needs read first. */
export type SlicePricer = (batch: IncomingBatch, decoded: DecodedBatch) => Promise<PricedBatch>

export function createSlicePricer({
  pricing,
  rates,
  reportingCurrency,
  retry,
  signal,
  log,
}: SlicePricerDeps): SlicePricer {
  return async (batch, decoded) => {
    // A rate imported since the last refresh applies at once: one re-read (rate-limited)
    // before an event is declared missing_rate. Waits out a ClickHouse failure, as a write does.
    await retryUntilDone(
      () => rates.ensure(decoded.decoded.map((d) => d.event)),
      retry,
      signal,
      (err, attempts, delayMs) =>
        log.warn({ err, partition: batch.partition, attempts, delayMs }, 'exchange rates not read; retrying'),
    )
    return priceBatch(decoded, pricing, { reportingCurrency, rates: rates.current() })
  }
}
