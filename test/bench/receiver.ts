/**
 * The benchmark's webhook receiver, in a process of its own (so it does not share the sender's event
 * loop): `node:http` on 127.0.0.1, verifying every request's Standard Webhooks signature with plain
 * HMAC-SHA256 against the secret of the endpoint it is addressed to (the request path), and recording the
 * latency from the body's `timestamp` (event creation) to arrival. Paths under `/hang` are never
 * answered (a platform that stopped responding: deliveries stay in flight and queued).
 *
 * Talks to its parent over IPC (the secrets come this way, not on the command line or in the environment,
 * so 10,000 endpoints fit): `{type: "secrets", secrets: {path: secret}}` adds endpoints;
 * `{type: "count"}` → `{cpu, count, unique, invalid, hanging, lastArrived}` (cheap, for polling);
 * `{type: "stats"}` adds `{p50, p99, max}`; `{type: "reset"}` clears.
 */
import { createHmac, timingSafeEqual } from "node:crypto"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"

/** The decoded secret of each endpoint, by request path. */
const keys = new Map<string, Buffer>()

const timestampKey = "\"timestamp\":\""

let latencies: Array<number> = []
let count = 0
let invalid = 0
let hanging = 0
let lastArrived = 0
let seen = new Set<string>()
let cpuAtReset = process.cpuUsage()

const verify = (key: Buffer | undefined, id: string, timestamp: string, body: Buffer, signatures: string) => {
  if (key === undefined) return false
  const expected = createHmac("sha256", key).update(`${id}.${timestamp}.`).update(body).digest()
  return signatures.split(" ").some((s) => {
    const offered = Buffer.from(s.slice(3), "base64")
    return offered.length === expected.length && timingSafeEqual(offered, expected)
  })
}

const server = createServer((req, res) => {
  const chunks: Array<Buffer> = []
  req.on("data", (chunk: Buffer) => chunks.push(chunk))
  req.on("end", () => {
    const path = req.url ?? "/"
    if (path.startsWith("/hang")) {
      hanging++
      return
    }
    const body = Buffer.concat(chunks)
    const id = String(req.headers["webhook-id"])
    const signatures = String(req.headers["webhook-signature"])
    if (!verify(keys.get(path), id, String(req.headers["webhook-timestamp"]), body, signatures)) {
      invalid++
      res.writeHead(401).end()
      return
    }
    const arrived = Date.now()
    // The body's `timestamp` (event creation), found without parsing the whole body.
    const at = body.indexOf(timestampKey) + timestampKey.length
    latencies.push(arrived - Date.parse(body.toString("latin1", at, at + 24)))
    count++
    lastArrived = arrived
    seen.add(`${path} ${id}`)
    res.writeHead(200, { "content-type": "text/plain" }).end("ok")
  })
})
server.keepAliveTimeout = 30_000
server.requestTimeout = 0

const percentile = (sorted: Array<number>, p: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!

const progress = () => {
  const cpu = process.cpuUsage(cpuAtReset)
  return { cpu: (cpu.user + cpu.system) / 1e6, count, unique: seen.size, invalid, hanging, lastArrived }
}

process.on("message", (message: { type: string; secrets?: Record<string, string> }) => {
  if (message.type === "secrets") {
    for (const [path, secret] of Object.entries(message.secrets ?? {})) {
      keys.set(path, Buffer.from(secret.replace(/^whsec_/, ""), "base64"))
    }
    process.send!({ type: "secrets" })
  } else if (message.type === "reset") {
    latencies = []
    count = 0
    invalid = 0
    hanging = 0
    lastArrived = 0
    seen = new Set()
    cpuAtReset = process.cpuUsage()
    process.send!({ type: "reset" })
  } else if (message.type === "count") {
    process.send!({ type: "count", ...progress() })
  } else if (message.type === "stats") {
    const list = Array.from(Float64Array.from(latencies).sort())
    process.send!({
      type: "stats",
      ...progress(),
      p50: percentile(list, 0.5),
      p99: percentile(list, 0.99),
      max: list.length === 0 ? 0 : list[list.length - 1]
    })
  }
})
process.on("disconnect", () => process.exit(0))
// A clean exit when the bench ends it, so that a CPU profile (BENCH_CPU_PROF) is written.
process.on("SIGTERM", () => process.exit(0))

server.listen(0, "127.0.0.1", () => {
  process.send!({ type: "ready", port: (server.address() as AddressInfo).port })
})
