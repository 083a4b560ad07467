/**
 * Deterministic random draws for the probability of being best: the same sums
 * give the same answer on every call and every machine.
 */

/** mulberry32: a small 32-bit generator, uniform on [0, 1); plenty for 10⁴ draws. */
export function seededUniform(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A standard normal draw (Box–Muller; the uniforms are kept off 0). */
function normal(uniform: () => number): number {
  const u = 1 - uniform()
  const v = uniform()
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
}

/** A Gamma(shape, 1) draw by Marsaglia and Tsang's method (shape ≥ 1; boosted below 1). */
export function gammaDraw(shape: number, uniform: () => number): number {
  if (shape < 1) return gammaDraw(shape + 1, uniform) * (1 - uniform()) ** (1 / shape)
  const d = shape - 1 / 3
  const c = 1 / Math.sqrt(9 * d)
  for (;;) {
    const x = normal(uniform)
    const v = (1 + c * x) ** 3
    if (v <= 0) continue
    const u = 1 - uniform()
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v
  }
}

/** A Beta(a, b) draw as X / (X + Y), X ~ Gamma(a), Y ~ Gamma(b). */
export function betaDraw(a: number, b: number, uniform: () => number): number {
  const x = gammaDraw(a, uniform)
  return x / (x + gammaDraw(b, uniform))
}
