/**
 * Runs Deskfinder, the example listing platform, from the environment:
 *
 *   HUB_URL=http://127.0.0.1:8787 LISTING_CLIENT_ID=… LISTING_CLIENT_SECRET=… node --import tsx src/main.ts
 */
import { start } from "./app.js"

const required = (name: string) => {
  const value = process.env[name]?.trim()
  if (!value) {
    console.error(
      `${name} is not set. Set HUB_URL, LISTING_CLIENT_ID and LISTING_CLIENT_SECRET (the platform's credentials from POST /admin/platforms).`
    )
    process.exit(2)
  }
  return value
}

const port = process.env.PORT?.trim() ? Number(process.env.PORT) : 8791
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number, not ${process.env.PORT}`)
  process.exit(2)
}

const platform = await start({
  hubUrl: required("HUB_URL"),
  clientId: required("LISTING_CLIENT_ID"),
  clientSecret: required("LISTING_CLIENT_SECRET"),
  port,
  host: process.env.HOST?.trim() || undefined,
  publicUrl: process.env.PUBLIC_URL?.trim() || undefined,
  databaseUrl: process.env.DATABASE_URL?.trim() || undefined,
  dataDir: process.env.LISTING_DATA_DIR?.trim() || undefined
}).catch((error) => {
  console.error(`Deskfinder could not start: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})

console.log(`Deskfinder is running at ${platform.url}`)
console.log(
  "Demo operators: ana@harbour-desks.example / harbour-demo-2026, ben@summit-cowork.example / summit-demo-2026"
)

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    platform.close().then(() => process.exit(0), () => process.exit(1))
  })
}
