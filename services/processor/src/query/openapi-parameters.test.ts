import { OPENAPI_DOCUMENT } from '@adpulse/openapi'
import { describe, expect, it } from 'vitest'
import { CAMPAIGN_PARAMETERS } from './campaign-query.ts'
import { EXPERIMENT_PARAMETERS } from './experiment-query.ts'
import { KPI_PARAMETERS } from './kpi-query.ts'

const documentedParameters = (path: string) =>
  (OPENAPI_DOCUMENT.paths[path]?.get?.parameters ?? []).map((p) => p.name).sort()

describe('the OpenAPI document of the query routes', () => {
  it('documents every parameter GET /v1/kpis reads, and no other', () => {
    expect(documentedParameters('/v1/kpis')).toEqual([...KPI_PARAMETERS].sort())
  })

  it('documents every parameter GET /v1/campaigns reads, and no other', () => {
    expect(documentedParameters('/v1/campaigns')).toEqual([...CAMPAIGN_PARAMETERS].sort())
  })

  it('documents every parameter GET /v1/experiments reads, and no other', () => {
    expect(documentedParameters('/v1/experiments')).toEqual([...EXPERIMENT_PARAMETERS].sort())
  })
})
