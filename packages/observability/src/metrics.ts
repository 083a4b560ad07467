import { collectDefaultMetrics, Gauge, Registry } from 'prom-client'

export { Counter, Gauge, Histogram, Registry } from 'prom-client'

/**
 * A fresh registry (never the global one, so several services and tests can
 * live in one process) with Node process metrics and `adpulse_build_info`.
 */
export function createRegistry(service: string, version = '0.1.0'): Registry {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const buildInfo = new Gauge({
    name: 'adpulse_build_info',
    help: 'Always 1; labels tell which service and version is running.',
    labelNames: ['service', 'version', 'node_version'],
    registers: [registry],
  })
  buildInfo.set({ service, version, node_version: process.version }, 1)
  return registry
}
