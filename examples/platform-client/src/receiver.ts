import type * as Webhook from "@spacesync/core/Webhook"
import * as Http from "node:http"
import { verifyWithCore } from "./verifyWithCore.js"

/**
 * A platform's webhook endpoint: verify, answer 2xx at once, and do the work afterwards. Deliveries are
 * at least once, so the `webhook-id` (the event id, the same on every retry) is remembered and a repeat
 * is acknowledged without being handled twice. Keep the seen ids in your database in production.
 */
export const receiver = (options: {
  readonly secrets: () => ReadonlyArray<string>
  readonly handle: (event: Webhook.WebhookEvent) => void
}) => {
  const seen = new Set<string>()
  return Http.createServer((req, res) => {
    const chunks: Array<Buffer> = []
    req.on("data", (chunk: Buffer) => chunks.push(chunk))
    req.on("end", () => {
      const result = verifyWithCore(options.secrets(), Buffer.concat(chunks), req.headers as Record<string, string>)
      if (result._tag === "Left") {
        res.writeHead(401, { "content-type": "text/plain" }).end(result.left.reason)
        return
      }
      res.writeHead(204).end()
      if (seen.has(result.right.data.eventId)) return
      seen.add(result.right.data.eventId)
      options.handle(result.right)
    })
  })
}
