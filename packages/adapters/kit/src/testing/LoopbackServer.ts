/**
 * A tiny HTTP server on 127.0.0.1 for upstream simulators and client tests: a plain `node:http` handler,
 * a random free port, closed with its scope.
 *
 * @since 0.1.0
 */
import { Effect, type Scope } from "effect"
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import type { WebhookRequest } from "../Adapter.js"

/** A request as the handler sees it: the node request plus its whole body. @since 0.1.0 */
export interface Request {
  readonly method: string
  /** Path and query, e.g. `/locations?page=2`. */
  readonly url: string
  readonly path: string
  readonly query: URLSearchParams
  /** Header names in lower case. */
  readonly headers: IncomingMessage["headers"]
  readonly body: string
}

/** What a handler answers. @since 0.1.0 */
export interface Response {
  readonly status?: number
  readonly headers?: Readonly<Record<string, string>>
  /** A string is sent as is; anything else as JSON. `undefined`: no body. */
  readonly body?: unknown
}

/** @since 0.1.0 */
export type Handler = (request: Request) => Response | Promise<Response> | "hang"

/** A running server. @since 0.1.0 */
export interface LoopbackServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  readonly port: number
  /** Every request received so far, oldest first. */
  readonly requests: ReadonlyArray<Request>
}

const send = (res: ServerResponse, response: Response) => {
  const body = response.body === undefined
    ? undefined
    : typeof response.body === "string"
    ? response.body
    : JSON.stringify(response.body)
  const headers: Record<string, string> = { ...response.headers }
  if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === "content-type")) {
    headers["content-type"] = typeof response.body === "string" ? "text/plain" : "application/json"
  }
  res.writeHead(response.status ?? 200, headers)
  res.end(body)
}

/**
 * Starts a server with `handler` on a free loopback port; it stops (dropping open connections) when the
 * scope closes. A handler that answers `"hang"` never responds (for timeout tests).
 *
 * @since 0.1.0
 */
export const make = (handler: Handler): Effect.Effect<LoopbackServer, never, Scope.Scope> =>
  Effect.gen(function*() {
    const requests: Array<Request> = []
    const server = createServer((req, res) => {
      const chunks: Array<Buffer> = []
      req.on("data", (chunk: Buffer) => chunks.push(chunk))
      req.on("end", () => {
        const url = new URL(req.url ?? "/", "http://127.0.0.1")
        const request: Request = {
          method: req.method ?? "GET",
          url: req.url ?? "/",
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          body: Buffer.concat(chunks).toString("utf8")
        }
        requests.push(request)
        Promise.resolve()
          .then(() => handler(request))
          .then((response) => {
            if (response !== "hang") send(res, response)
          })
          .catch((error) => send(res, { status: 500, body: String(error) }))
      })
    })
    const port = yield* Effect.acquireRelease(
      Effect.async<number>((resume) => {
        server.listen(0, "127.0.0.1", () => resume(Effect.succeed((server.address() as AddressInfo).port)))
      }),
      () =>
        Effect.async<void>((resume) => {
          server.closeAllConnections()
          server.close(() => resume(Effect.void))
        })
    )
    return { url: `http://127.0.0.1:${port}`, port, requests }
  })

/**
 * POSTs a webhook a simulator built (its headers and raw body, exactly) to `url`, as the upstream system
 * would: redirects are not followed. Answers the request with the receiver's status and body.
 *
 * @since 0.1.0
 */
export const deliver = (request: WebhookRequest, url: string) =>
  Effect.promise(async () => {
    const response = await fetch(url, {
      method: "POST",
      headers: request.headers,
      body: request.body,
      redirect: "manual"
    })
    return { request, status: response.status, body: await response.text() }
  })
