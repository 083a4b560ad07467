/**
 * mulberry32 (Tommy Ettinger): a seeded uniform draw in [0, 1), 32 bits of
 * state, fast, good enough for simulated traffic; not for cryptography. Tests
 * and benchmarks draw their data from it so that a run can be replayed draw for draw.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}
