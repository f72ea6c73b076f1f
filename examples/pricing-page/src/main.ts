/**
 * Runs the pricing page from the environment:
 *
 *   HUB_URL=http://127.0.0.1:8787 PRICING_CLIENT_ID=… PRICING_CLIENT_SECRET=… \
 *     pnpm --filter @spacesync/example-pricing-page start
 *
 * | variable | meaning | default |
 * |---|---|---|
 * | `HUB_URL` | the hub's base URL | required |
 * | `PRICING_CLIENT_ID` / `PRICING_CLIENT_SECRET` | the platform's OAuth client credentials | required |
 * | `PORT` / `HOST` | listen address | `8790` / `127.0.0.1` |
 * | `PUBLIC_URL` | the page's public base URL (webhooks go to `${PUBLIC_URL}/webhooks`) | `http://HOST:PORT` |
 * | `PRICING_LOCALE` | locale of prices, units and dates | `en-GB` |
 * | `PRICING_PAGE_ID` | the listing id the page gives every location it shows | `website` |
 * | `PRICING_STORE` | JSON file that keeps the endpoint secret and fetched data, or `memory` | `.spacesync/pricing-page.json` |
 */
import { start } from "./app.js"

const env = process.env
const missing = ["HUB_URL", "PRICING_CLIENT_ID", "PRICING_CLIENT_SECRET"].filter((name) => !env[name])
if (missing.length > 0) {
  console.error(`pricing-page: set ${missing.join(", ")} (see examples/pricing-page/README.md)`)
  process.exit(2)
}
const port = Number(env.PORT ?? "8790")
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`pricing-page: PORT must be a port number, got ${JSON.stringify(env.PORT)}`)
  process.exit(2)
}
const storePath = env.PRICING_STORE ?? ".spacesync/pricing-page.json"

try {
  const page = await start({
    hubUrl: env.HUB_URL!,
    clientId: env.PRICING_CLIENT_ID!,
    clientSecret: env.PRICING_CLIENT_SECRET!,
    port,
    host: env.HOST ?? "127.0.0.1",
    publicUrl: env.PUBLIC_URL || undefined,
    locale: env.PRICING_LOCALE || undefined,
    pageId: env.PRICING_PAGE_ID || undefined,
    store: storePath === "memory" ? "memory" : { path: storePath },
    log: (line) => console.log(`pricing-page: ${line}`)
  })
  console.log(`pricing-page: open ${page.url}; register the platform with authorizationUrl ${page.authorizationUrl}`)
  const stop = () => {
    page.close().then(() => process.exit(0))
  }
  process.once("SIGINT", stop)
  process.once("SIGTERM", stop)
} catch (error) {
  console.error(`pricing-page: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
}
