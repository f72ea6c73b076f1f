/**
 * What the end-to-end adapter tests share: the hub with its scheduler loop and delivery workers running
 * on the live clock, a platform webhook receiver on loopback, a wait for a condition, and calls to the
 * hub's API.
 */
import * as DeliveryQueue from "@spacesync/core/DeliveryQueue"
import * as DeliveryWorker from "@spacesync/core/DeliveryWorker"
import * as OutboundGuard from "@spacesync/core/OutboundGuard"
import * as Scheduler from "@spacesync/core/Scheduler"
import { bundledAdapters } from "@spacesync/server/BundledAdapters"
import { Effect, Layer } from "effect"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import * as TestHub from "../../../packages/server/test/support/TestHub.js"

/** The platform's webhook receiver on loopback; closed with the scope. */
export const receiver = Effect.gen(function*() {
  const received: Array<{ readonly headers: Http.IncomingHttpHeaders; readonly body: string }> = []
  const server = yield* Effect.acquireRelease(
    Effect.async<Http.Server>((resume) => {
      const server = Http.createServer((req, res) => {
        let body = ""
        req.on("data", (chunk) => (body += chunk))
        req.on("end", () => {
          received.push({ headers: req.headers, body })
          res.writeHead(204)
          res.end()
        })
      })
      server.listen(0, "127.0.0.1", () => resume(Effect.succeed(server)))
    }),
    (server) =>
      Effect.async<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  )
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, received }
})

export const waitFor = <A>(get: () => A | undefined, timeoutMs = 20_000) =>
  Effect.gen(function*() {
    const deadline = Date.now() + timeoutMs
    while (Date.now() < deadline) {
      const value = get()
      if (value !== undefined) return value
      yield* Effect.promise(() => new Promise((r) => setTimeout(r, 50)))
    }
    return yield* Effect.dieMessage("timed out waiting")
  })

const Background = Layer.mergeAll(
  DeliveryWorker.layer({ pollInterval: "100 millis" }).pipe(
    Layer.provide(Layer.mergeAll(DeliveryQueue.layer, OutboundGuard.dispatcherLayer))
  ),
  Scheduler.layerLoop({ tick: "100 millis" })
)

/** The whole hub with the bundled adapters, its scheduler loop and delivery workers. */
export const hub = Layer.provideMerge(Background, TestHub.layer(bundledAdapters))

/** A call to the hub's API with an optional bearer token and JSON body. */
export const call = (path: string, init: { method?: string; token?: string; body?: unknown } = {}) =>
  TestHub.fetchHub(path, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: {
      ...(init.body === undefined ? {} : { "content-type": "application/json" }),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {})
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) })
  })
