import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Fastify from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { OPENAPI_DOCUMENT, openApiJson } from './document.ts'
import { OPENAPI_FILE, readOpenApiFile, WRITE_OPENAPI_COMMAND, writeOpenApiFile } from './openapi-file.ts'
import { registerOpenApiRoute } from './openapi-route.ts'

describe('docs/openapi.json', () => {
  it('equals the document (document.ts)', async () => {
    const stale = `docs/openapi.json differs from packages/openapi/src/document.ts: run \`${WRITE_OPENAPI_COMMAND}\``
    expect(await readOpenApiFile(OPENAPI_FILE), stale).toBe(openApiJson())
  })

  describe('the writer', () => {
    let dir = ''
    afterEach(async () => rm(dir, { recursive: true, force: true }))

    it('writes the document as pretty JSON with a final newline', async () => {
      dir = await mkdtemp(join(tmpdir(), 'adpulse-openapi-'))
      const file = join(dir, 'openapi.json')
      await writeOpenApiFile(file)
      const text = await readOpenApiFile(file)
      expect(text.endsWith('}\n')).toBe(true)
      expect(JSON.parse(text)).toEqual(OPENAPI_DOCUMENT)
    })
  })
})

describe('GET /openapi.json', () => {
  it('serves the document as JSON, without a key', async () => {
    const app = Fastify()
    registerOpenApiRoute(app)
    const response = await app.inject({ method: 'GET', url: '/openapi.json' })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8')
    expect(response.json()).toEqual(OPENAPI_DOCUMENT)
    await app.close()
  })
})
