/**
 * Runs the app from the environment:
 * - `DATABASE_URL` (required): the app's PostgreSQL database; core's migrations are applied at start;
 * - `SPACESYNC_SECRET_KEY` (required, at least 32 characters): encrypts credentials and webhook secrets;
 * - `HOST` / `PORT` (default 127.0.0.1 / 8790), `PUBLIC_URL` (default `http://HOST:PORT`);
 * - `SPACESYNC_ALLOW_PRIVATE_TARGETS=true` lets feeds and webhook endpoints be on loopback (development).
 */
import { start } from "./app.js"

const required = (name: string): string => {
  const value = process.env[name]?.trim()
  if (value === undefined || value === "") {
    console.error(`embed-core: set ${name} (see examples/embed-core/README.md)`)
    process.exit(1)
  }
  return value
}

const app = await start({
  databaseUrl: required("DATABASE_URL"),
  secretKey: required("SPACESYNC_SECRET_KEY"),
  host: process.env.HOST ?? "127.0.0.1",
  port: Number(process.env.PORT ?? "8790"),
  publicUrl: process.env.PUBLIC_URL,
  allowPrivateTargets: process.env.SPACESYNC_ALLOW_PRIVATE_TARGETS === "true"
})
console.log(`embed-core listening on ${app.url}`)

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    app.close().then(() => process.exit(0), (error) => {
      console.error(error)
      process.exit(1)
    })
  })
}
