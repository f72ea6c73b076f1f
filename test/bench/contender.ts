/**
 * One contender of `compare.ts` in a process of its own (so that its CPU and peak memory are its own),
 * sending the same signed requests as spacesync (Standard Webhooks, `Webhook.headers` of
 * `@spacesync/core`) to the same receiver, `POST /e<endpoint>` on an undici pool:
 *
 * - `ceiling`: no queue and no database, a plain loop with `CONTENDER_CONCURRENCY` requests in flight;
 *   `{type: "send", count, endpoints}` makes `count` requests (round robin over the endpoints), each body
 *   time-stamped and signed when it is made;
 * - `pgboss`: pg-boss 10.4.2 workers on queue `webhooks` (jobs `{id, endpoint, body}` enqueued by the parent);
 * - `graphile`: graphile-worker 0.17.3 running task `deliver` (the same payload, added by the parent).
 *
 * Configured by `CONTENDER` and `DATABASE_URL` in the environment, then `{type: "config", port, secrets,
 * template, concurrency}` over IPC (answered `{type: "config"}` once its workers run).
 */
import * as Webhook from "@spacesync/core/Webhook"
import { run as graphileRun } from "graphile-worker"
import PgBoss from "pg-boss"
import { Pool } from "undici"
import { contenderSettings as settings, freshBody, type Job } from "./support.js"

interface Config {
  readonly port: number
  readonly secrets: ReadonlyArray<string>
  /** A `pricing.updated` body as spacesync signs it. */
  readonly template: string
  readonly concurrency: number
}

const start = async (config: Config) => {
  const keys = config.secrets.map((secret) => Webhook.secretKey(secret)!)
  const pool = new Pool(`http://127.0.0.1:${config.port}`, { connections: config.concurrency })
  const deliver = async ({ body, endpoint, id }: Job) => {
    const response = await pool.request({
      method: "POST",
      path: `/e${endpoint}`,
      headers: Webhook.headers({ id, timestamp: Math.floor(Date.now() / 1000), body, keys: [keys[endpoint]!] }),
      body
    })
    await response.body.dump()
    if (response.statusCode >= 300) throw new Error(`HTTP ${response.statusCode}`)
  }
  const url = process.env.DATABASE_URL!
  switch (process.env.CONTENDER) {
    case "ceiling": {
      const template = JSON.parse(config.template) as Webhook.WebhookEvent
      const queue: Array<Job> = []
      let inFlight = 0
      const pump = () => {
        while (inFlight < config.concurrency && queue.length > 0) {
          inFlight++
          deliver(queue.shift()!).catch((error) => console.error(error)).finally(() => {
            inFlight--
            pump()
          })
        }
      }
      let next = 0
      process.on("message", (message: { type: string; count?: number; endpoints?: number }) => {
        if (message.type !== "send") return
        for (let i = 0; i < message.count!; i++) {
          queue.push({ ...freshBody(template), endpoint: next++ % message.endpoints! })
        }
        pump()
      })
      break
    }
    case "pgboss": {
      const { batchSize, max, pollingIntervalSeconds, workers } = settings.pgboss
      const boss = new PgBoss({ connectionString: url, max, schedule: false, supervise: false })
      boss.on("error", (error) => console.error(error))
      await boss.start()
      await boss.createQueue("webhooks")
      for (let w = 0; w < workers; w++) {
        await boss.work<Job>("webhooks", { batchSize, pollingIntervalSeconds }, async (batch) => {
          await Promise.all(batch.map((job) => deliver(job.data)))
        })
      }
      break
    }
    case "graphile": {
      // The same concurrency as the others, its batching on (a local queue of concurrency + 1, as its
      // documentation suggests, and batched completion).
      const { completeJobBatchDelay, maxPoolSize } = settings.graphile
      await graphileRun({
        connectionString: url,
        concurrency: config.concurrency,
        maxPoolSize,
        noHandleSignals: true,
        preset: { worker: { localQueue: { size: config.concurrency + 1 }, completeJobBatchDelay } },
        taskList: { deliver: (payload) => deliver(payload as Job) }
      })
      break
    }
    default:
      throw new Error(`Unknown contender ${process.env.CONTENDER}`)
  }
  process.send!({ type: "config" })
}

process.on("message", (message: { type: string } & Partial<Config>) => {
  if (message.type === "config") {
    start(message as Config).catch((error) => {
      console.error(error)
      process.exit(1)
    })
  }
})
process.on("disconnect", () => process.exit(0))
// A clean exit when the bench ends it, so that a CPU profile (BENCH_CPU_PROF) is written.
process.on("SIGTERM", () => process.exit(0))
process.send?.({ type: "started" })
