/**
 * The platforms' webhook receiver on loopback: one path per endpoint (`/hooks/<key>`), every delivery
 * recorded with whether its Standard Webhooks signature verified against that endpoint's secret. It
 * misbehaves as real receivers do: a few percent of first attempts are answered 500, and a few hang
 * (no answer until the hub gives up). Only an event's first attempt misbehaves, so one retry (5 s later)
 * always gets through and the run stays bounded (a second failure would wait 5 minutes).
 */
import * as Webhook from "@spacesync/core/Webhook"
import { Effect, Either } from "effect"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"

export interface Delivery {
  readonly endpoint: string
  readonly eventId: string
  readonly type: string
  readonly locationId: string | null
  readonly version: number | null
  readonly verified: boolean
  readonly answered: "ok" | "500" | "hang"
  readonly at: number
}

export interface Options {
  /** Share of first attempts answered 500. */
  readonly failShare: number
  /** Share of first attempts left without an answer. */
  readonly hangShare: number
  readonly random: () => number
}

export const make = (options: Options) =>
  Effect.gen(function*() {
    const secrets = new Map<string, string>()
    const deliveries: Array<Delivery> = []
    const attempted = new Set<string>()
    const hanging = new Set<Http.ServerResponse>()
    let unknownPaths = 0

    const handle = (req: Http.IncomingMessage, res: Http.ServerResponse, body: string) => {
      const endpoint = /^\/hooks\/([\w-]+)$/.exec(req.url ?? "")?.[1]
      const secret = endpoint === undefined ? undefined : secrets.get(endpoint)
      if (endpoint === undefined || secret === undefined) {
        unknownPaths++
        res.writeHead(404).end()
        return
      }
      const headers = {
        "webhook-id": String(req.headers["webhook-id"] ?? ""),
        "webhook-timestamp": String(req.headers["webhook-timestamp"] ?? ""),
        "webhook-signature": String(req.headers["webhook-signature"] ?? "")
      }
      const verified = Either.isRight(Webhook.verify({ payload: body, headers, secrets: secret }))
      let event: { type?: string; data?: { eventId?: string; locationId?: string | null; version?: number | null } } =
        {}
      try {
        event = JSON.parse(body)
      } catch {
        // Recorded as unverifiable below.
      }
      const key = `${endpoint} ${headers["webhook-id"]}`
      const first = !attempted.has(key)
      attempted.add(key)
      const draw = options.random()
      const answered = first && draw < options.failShare
        ? "500" as const
        : first && draw < options.failShare + options.hangShare
        ? "hang" as const
        : "ok" as const
      deliveries.push({
        endpoint,
        eventId: event.data?.eventId ?? headers["webhook-id"],
        type: event.type ?? "",
        locationId: event.data?.locationId ?? null,
        version: event.data?.version ?? null,
        verified: verified && event.data?.eventId === headers["webhook-id"],
        answered,
        at: Date.now()
      })
      if (answered === "500") res.writeHead(500).end("failing on purpose")
      else if (answered === "hang") hanging.add(res)
      else res.writeHead(204).end()
    }

    const server = yield* Effect.acquireRelease(
      Effect.async<Http.Server>((resume) => {
        const server = Http.createServer((req, res) => {
          let body = ""
          req.setEncoding("utf8")
          req.on("data", (chunk) => (body += chunk))
          req.on("end", () => handle(req, res, body))
        })
        server.listen(0, "127.0.0.1", () => resume(Effect.succeed(server)))
      }),
      (server) =>
        Effect.async<void>((resume) => {
          for (const res of hanging) res.destroy()
          server.closeAllConnections()
          server.close(() => resume(Effect.void))
        })
    )
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    return {
      /** The URL of endpoint `key`; its deliveries verify against `secret` once `register` is called. */
      url: (key: string) => `${base}/hooks/${key}`,
      register: (key: string, secret: string) => void secrets.set(key, secret),
      deliveries,
      unknownPaths: () => unknownPaths
    }
  })
