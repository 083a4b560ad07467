import type { FastifyInstance } from 'fastify'

/** A route as registered: its method and its URL pattern (`/subjects/:subject/versions`). */
export interface RegisteredRoute {
  method: string
  url: string
}

const routeLists = new WeakMap<FastifyInstance, RegisteredRoute[]>()

/**
 * Records every route registered on the app from now on, in any plugin, so
 * the routes a process serves can be listed (the OpenAPI document is checked
 * against them). Call before registering routes.
 */
export function recordRoutes(app: FastifyInstance): void {
  const routes: RegisteredRoute[] = []
  routeLists.set(app, routes)
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url })
  })
}

/** The routes registered on an app made by createHttpServer, in the order registered. */
export function registeredRoutes(app: FastifyInstance): readonly RegisteredRoute[] {
  return routeLists.get(app) ?? []
}
