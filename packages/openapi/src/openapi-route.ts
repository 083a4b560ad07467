import type { FastifyInstance } from 'fastify'
import { openApiJson } from './document.ts'

/** GET /openapi.json: the document, open like the health routes (the contract is public). */
export function registerOpenApiRoute(app: FastifyInstance): void {
  const body = openApiJson()
  app.get('/openapi.json', async (_request, reply) =>
    reply.type('application/json; charset=utf-8').send(body),
  )
}
