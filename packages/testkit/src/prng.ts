/**
 * mulberry32 (Tommy Ettinger): a seeded uniform draw in [0, 1), 32 bits of
 * state, fast, good enough for simulated traffic; not for cryptography. Tests
 * and benchmarks draw their data from it so that a run can be replayed draw
 * for draw. One implementation: the creative tests' Monte Carlo draws from it too.
 */
export { seededUniform as mulberry32 } from '@adpulse/experiments'
