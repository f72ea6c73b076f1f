/**
 * The benchmark's webhook receiver, in a process of its own (so it does not share the sender's event
 * loop): `node:http` on 127.0.0.1, verifying every request's Standard Webhooks signature against the
 * secrets in `RECEIVER_SECRETS` (JSON array) with plain HMAC-SHA256, and recording the latency from the
 * body's `timestamp` (event creation) to arrival. Talks to its parent over IPC:
 * `{type: "count"}` → `{cpu, count, unique, invalid}` (cheap, for polling); `{type: "stats"}` adds
 * `{p50, p99, max}`; `{type: "reset"}` clears.
 */
import { createHmac, timingSafeEqual } from "node:crypto"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"

const keys = (JSON.parse(process.env.RECEIVER_SECRETS ?? "[]") as Array<string>).map((secret) =>
  Buffer.from(secret.replace(/^whsec_/, ""), "base64")
)

const timestampKey = "\"timestamp\":\""

let latencies: Array<number> = []
let count = 0
let invalid = 0
let seen = new Set<string>()
let cpuAtReset = process.cpuUsage()

const verify = (id: string, timestamp: string, body: Buffer, signatures: string) => {
  const offered = signatures.split(" ").map((s) => Buffer.from(s.slice(3), "base64"))
  return keys.some((key) => {
    const expected = createHmac("sha256", key).update(`${id}.${timestamp}.`).update(body).digest()
    return offered.some((o) => o.length === expected.length && timingSafeEqual(o, expected))
  })
}

const server = createServer((req, res) => {
  const chunks: Array<Buffer> = []
  req.on("data", (chunk: Buffer) => chunks.push(chunk))
  req.on("end", () => {
    const body = Buffer.concat(chunks)
    const id = String(req.headers["webhook-id"])
    const ok = verify(id, String(req.headers["webhook-timestamp"]), body, String(req.headers["webhook-signature"]))
    if (!ok) {
      invalid++
      res.writeHead(401).end()
      return
    }
    const arrived = Date.now()
    // The body's `timestamp` (event creation), found without parsing the whole body.
    const at = body.indexOf(timestampKey) + timestampKey.length
    latencies.push(arrived - Date.parse(body.toString("latin1", at, at + 24)))
    count++
    seen.add(`${req.url} ${id}`)
    res.writeHead(200, { "content-type": "text/plain" }).end("ok")
  })
})
server.keepAliveTimeout = 30_000

const percentile = (sorted: Array<number>, p: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!

process.on("message", (message: { type: string }) => {
  if (message.type === "reset") {
    latencies = []
    count = 0
    invalid = 0
    seen = new Set()
    cpuAtReset = process.cpuUsage()
    process.send!({ type: "reset" })
  } else if (message.type === "count") {
    const cpu = process.cpuUsage(cpuAtReset)
    process.send!({ type: "count", cpu: (cpu.user + cpu.system) / 1e6, count, unique: seen.size, invalid })
  } else if (message.type === "stats") {
    const sorted = Float64Array.from(latencies).sort()
    const list = Array.from(sorted)
    const cpu = process.cpuUsage(cpuAtReset)
    process.send!({
      type: "stats",
      cpu: (cpu.user + cpu.system) / 1e6,
      count,
      unique: seen.size,
      invalid,
      p50: percentile(list, 0.5),
      p99: percentile(list, 0.99),
      max: list.length === 0 ? 0 : list[list.length - 1]
    })
  }
})
process.on("disconnect", () => process.exit(0))

server.listen(0, "127.0.0.1", () => {
  process.send!({ type: "ready", port: (server.address() as AddressInfo).port })
})
