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

/** Standard normal draws by Box–Muller, both of each pair used (the uniforms are kept off 0). */
export function seededNormal(uniform: () => number): () => number {
  let spare: number | undefined
  return () => {
    if (spare !== undefined) {
      const z = spare
      spare = undefined
      return z
    }
    const r = Math.sqrt(-2 * Math.log(1 - uniform()))
    const angle = 2 * Math.PI * uniform()
    spare = r * Math.sin(angle)
    return r * Math.cos(angle)
  }
}

/**
 * Above this shape a Gamma draw is the Wilson–Hilferty cube of a normal draw:
 * shape · (1 − 1/(9 shape) + z / (3√shape))³, whose distribution is within
 * about 1e-4 of the gamma's there (skewness included), at a fraction of the cost.
 */
const WILSON_HILFERTY_SHAPE = 30

/**
 * A Gamma(shape, 1) draw: Marsaglia and Tsang's method (boosted below shape 1),
 * Wilson–Hilferty above WILSON_HILFERTY_SHAPE.
 */
export function gammaDraw(shape: number, uniform: () => number, normal: () => number): number {
  if (shape < 1) return gammaDraw(shape + 1, uniform, normal) * (1 - uniform()) ** (1 / shape)
  if (shape > WILSON_HILFERTY_SHAPE) {
    const root = 1 - 1 / (9 * shape) + normal() / (3 * Math.sqrt(shape))
    return root <= 0 ? 0 : shape * root * root * root
  }
  const d = shape - 1 / 3
  const c = 1 / Math.sqrt(9 * d)
  for (;;) {
    const x = normal()
    const v = (1 + c * x) ** 3
    if (v <= 0) continue
    const u = 1 - uniform()
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v
  }
}

/** A Beta(a, b) draw as X / (X + Y), X ~ Gamma(a), Y ~ Gamma(b). */
export function betaDraw(a: number, b: number, uniform: () => number, normal: () => number): number {
  const x = gammaDraw(a, uniform, normal)
  const y = gammaDraw(b, uniform, normal)
  return x + y === 0 ? 0 : x / (x + y)
}
