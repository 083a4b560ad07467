/**
 * Seeded random numbers for the simulated market, so that a benchmark run can
 * be reproduced draw for draw (Math.random cannot be seeded).
 */

/** A uniform draw in [0, 1). */
export type Rng = () => number

/** The seeded generator every draw here starts from (shared with the tests' data). */
// The subpath, not the index: the index also exports test helpers that import vitest.
export { mulberry32 } from '@adpulse/testkit/prng'

/**
 * A seed for one stream of a run (e.g. one channel's traffic), mixed with
 * murmur3's finaliser so that neighbouring streams are unrelated. Giving each
 * channel its own stream keeps its traffic independent of how many other
 * channels the market has.
 */
export function streamSeed(seed: number, stream: number): number {
  let h = (Math.imul(seed >>> 0, 0x9e3779b1) + Math.imul(stream + 1, 0x85ebca6b)) >>> 0
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/** A standard normal draw (Box–Muller; the second value of the pair is dropped for simplicity). */
export function normal(rng: Rng): number {
  const u = 1 - rng() // (0, 1]: the logarithm stays finite
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng())
}

export const uniform = (rng: Rng, low: number, high: number): number => low + (high - low) * rng()

/**
 * A lognormal draw with the given *mean* (not median) and log-scale sigma:
 * mu = ln(mean) − sigma²/2, since E[e^X] = e^(mu + sigma²/2) for X ~ N(mu, sigma²).
 * At sigma 1.5 the mean is 3.1 times the median: most orders are small, a few
 * are very large, as order values are.
 */
export function lognormalWithMean(rng: Rng, mean: number, sigma: number): number {
  return Math.exp(Math.log(mean) - (sigma * sigma) / 2 + sigma * normal(rng))
}

/**
 * A Poisson draw of mean lambda: by inversion below 30 (exact), and by the
 * normal approximation above, where it is within a fraction of a percent and
 * only impression counts get there (they feed no decision but CTR).
 */
export function poisson(rng: Rng, lambda: number): number {
  if (lambda <= 0) return 0
  if (lambda >= 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * normal(rng)))
  const u = rng()
  let k = 0
  let p = Math.exp(-lambda)
  let cumulative = p
  while (u > cumulative && k < 1000) {
    k += 1
    p *= lambda / k
    cumulative += p
  }
  return k
}
