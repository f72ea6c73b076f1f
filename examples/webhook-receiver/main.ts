/**
 * A platform's webhook receiver: verifies every request with `Webhook.verify` from @spacesync/core
 * (Standard Webhooks: raw body, `webhook-*` headers, the endpoint secret, 5-minute tolerance) and prints
 * what changed. Run: `WEBHOOK_SECRET=whsec_… PORT=9000 node --import tsx examples/webhook-receiver/main.ts`.
 */
import * as Webhook from "@spacesync/core/Webhook"
import { Either } from "effect"
import * as Http from "node:http"

const secret = process.env.WEBHOOK_SECRET ?? ""
const port = Number(process.env.PORT ?? 9000)
if (!secret.startsWith("whsec_")) {
  console.error("Set WEBHOOK_SECRET to the endpoint's whsec_… secret")
  process.exit(1)
}

Http.createServer((req, res) => {
  const chunks: Array<Buffer> = []
  req.on("data", (chunk: Buffer) => chunks.push(chunk))
  req.on("end", () => {
    const body = Buffer.concat(chunks)
    const result = Webhook.verify({ payload: body, headers: req.headers as Record<string, string>, secrets: secret })
    if (Either.isLeft(result)) {
      console.log(`rejected: ${result.left.message}`)
      res.writeHead(401).end()
      return
    }
    const event = JSON.parse(body.toString("utf8"))
    console.log(`${event.type} ${event.data.eventId} (signature verified)`)
    console.log(`  location ${event.data.locationId} listing ${event.data.listingId} version ${event.data.version}`)
    console.log(`  changes ${JSON.stringify(event.data.changes)}`)
    console.log(`  fetch ${event.data.apiUrl}`)
    res.writeHead(204).end()
  })
}).listen(port, "127.0.0.1", () => console.log(`Receiving webhooks on http://127.0.0.1:${port}/hooks`))
