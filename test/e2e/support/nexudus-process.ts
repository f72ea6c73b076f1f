/**
 * The Nexudus simulator as a process of its own (for tests that run the hub, the upstream and a platform
 * as separate processes). Prints one JSON line `{url, control, credentials}` when ready; the test drives it
 * over HTTP on `control`:
 * - `POST /change` changes one tariff's price (the simulator's `changeOnePrice`) and answers the price's
 *   location and external id, its name and new price;
 * - `POST /webhook?to=<url>` sends Nexudus's signed booking webhook naming that business to `to` and
 *   answers the receiver's status.
 */
import * as NexudusSimulator from "@spacesync/adapter-nexudus/testing/NexudusSimulator"
import { Effect } from "effect"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"

const program = Effect.gen(function*() {
  const simulator = yield* NexudusSimulator.make()
  let last: { locationExternalId: string; priceExternalId: string } | undefined
  const server = Http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://control")
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body))
    }
    if (req.method === "POST" && url.pathname === "/change") {
      Effect.runPromise(simulator.changeOnePrice).then((target) => {
        last = target
        const id = Number(target.priceExternalId.replace(/^tariff-/, ""))
        const tariff = simulator.data.tariffs.find((t) => t.Id === id)
        answer(200, { ...target, name: tariff?.Name, price: tariff?.Price })
      }, (error) => answer(500, { error: String(error) }))
    } else if (req.method === "POST" && url.pathname === "/webhook" && last !== undefined) {
      const record = {
        Id: 1_600_000 + Math.floor(Math.random() * 1000),
        BusinessId: Number(last.locationExternalId),
        ResourceName: "Room 1",
        UpdatedOn: new Date().toISOString()
      }
      Effect.runPromise(simulator.deliverWebhook({ record }, url.searchParams.get("to")!)).then(
        (delivery) => answer(200, { status: delivery.status }),
        (error) => answer(500, { error: String(error) })
      )
    } else {
      answer(404, { error: "POST /change, then POST /webhook?to=<url>" })
    }
  })
  yield* Effect.async<void>((resume) => {
    server.listen(0, "127.0.0.1", () => resume(Effect.void))
  })
  process.stdout.write(
    `${
      JSON.stringify({
        url: simulator.url,
        control: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        credentials: simulator.goodCredentials
      })
    }\n`
  )
  return yield* Effect.never
})

Effect.runFork(Effect.scoped(program))
