/**
 * An upper confidence bound of a Poisson mean that stays valid however often
 * it is looked at (a confidence sequence), for deciding on a window that is
 * evaluated again and again as it fills. See docs/decisions.md (Repeated looks).
 *
 * Having seen n events where λ were expected, the mixture likelihood ratio of
 * the lower rates r·λ (r uniform on (0, 1)) against λ is
 *   L(n, λ) = ∫₀¹ rⁿ e^{(1−r)λ} dr = Σ_{j≥0} λʲ · n! / (n + j + 1)!
 * (n = 0: (e^λ − 1)/λ; n = 1: (e^λ − 1 − λ)/λ²). Under any true rate at least
 * λ's it is a nonnegative supermartingale as exposure grows, so by Ville's
 * inequality it ever reaches 1/α with probability at most α. The bound is the
 * λ at which L(n, λ) = 1/α: every larger mean is rejected with that guarantee.
 */

/** Whether L(n, λ) ≥ threshold. The terms are positive: stop as soon as the partial sum gets there (no overflow). */
function mixtureReaches(n: number, lambda: number, threshold: number): boolean {
  let term = 1 / (n + 1)
  let sum = term
  for (let j = 0; sum < threshold; j++) {
    term *= lambda / (n + j + 2)
    sum += term
    // Past the largest term, what is left is below term · (1 + q + q² + …), q = λ / (n + j + 3).
    const q = lambda / (n + j + 3)
    if (q < 1 && sum + term * (q / (1 - q)) < threshold) return false
  }
  return true
}

/** L(n, λ) itself, for checks (the same series, summed to convergence). */
export function mixtureLikelihoodRatio(n: number, lambda: number): number {
  let term = 1 / (n + 1)
  let sum = term
  for (let j = 0; term > sum * 1e-17 || lambda > n + j + 2; j++) {
    term *= lambda / (n + j + 2)
    sum += term
  }
  return sum
}

const cache = new Map<string, number>()
const CACHE_LIMIT = 100_000

/**
 * The always-valid upper bound of a Poisson mean having seen n events, at error
 * α (0 < α < 1): the root of L(n, λ) = 1/α, by bisection to a relative 1e-10.
 * n = 0, α = 0.1: (e^λ − 1)/λ = 10 at λ = 3.6150 (the one-look bound is 2.30).
 */
export function anytimePoissonUpper(n: number, alpha: number): number {
  if (!(alpha > 0 && alpha < 1))
    throw new RangeError(`anytimePoissonUpper: alpha must be in (0, 1), got ${alpha}`)
  if (!(Number.isInteger(n) && n >= 0))
    throw new RangeError(`anytimePoissonUpper: n must be a count, got ${n}`)
  const key = `${n}:${alpha}`
  const known = cache.get(key)
  if (known !== undefined) return known
  const threshold = 1 / alpha
  // L(n, 0) = 1/(n+1) < 1/α; L grows without bound in λ.
  let low = 0
  let high = n + 2 + 4 * Math.sqrt(n + 1) + 2 * Math.log(threshold)
  while (!mixtureReaches(n, high, threshold)) {
    low = high
    high *= 2
  }
  while (high - low > 1e-10 * high) {
    const mid = (low + high) / 2
    if (mixtureReaches(n, mid, threshold)) high = mid
    else low = mid
  }
  if (cache.size >= CACHE_LIMIT) cache.clear()
  cache.set(key, high)
  return high
}
