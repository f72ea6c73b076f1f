import { HttpApiBuilder } from "@effect/platform"
import * as WebhookEndpoints from "@spacesync/core/WebhookEndpoints"
import { Effect } from "effect"
import { Api } from "../Api.js"
import { requireScope } from "../Auth.js"

export const HttpWebhooksLive = HttpApiBuilder.group(Api, "webhooks", (handlers) =>
  Effect.gen(function*() {
    const endpoints = yield* WebhookEndpoints.WebhookEndpoints
    const platform = Effect.map(requireScope("webhooks:manage"), (p) => p.platformId)
    return handlers
      .handle("createEndpoint", ({ payload }) =>
        Effect.gen(function*() {
          const { endpoint, secret } = yield* endpoints.create(yield* platform, payload)
          return { ...endpoint, secret }
        }))
      .handle("listEndpoints", () => Effect.map(Effect.flatMap(platform, endpoints.list), (data) => ({ data })))
      .handle("getEndpoint", ({ path }) => Effect.flatMap(platform, (p) => endpoints.get(p, path.endpointId)))
      .handle("updateEndpoint", ({ path, payload }) =>
        Effect.flatMap(platform, (p) => endpoints.update(p, path.endpointId, payload)))
      .handle("deleteEndpoint", ({ path }) =>
        Effect.flatMap(platform, (p) => endpoints.delete(p, path.endpointId)))
      .handle("rotateSecret", ({ path }) => Effect.flatMap(platform, (p) => endpoints.rotateSecret(p, path.endpointId)))
      .handle("listDeliveries", ({ path, urlParams }) =>
        Effect.flatMap(platform, (p) =>
          Effect.map(endpoints.deliveries(p, path.endpointId, urlParams), (data) => ({
            data,
            next: data.length > 0 && data.length === (urlParams.limit ?? 50) ? data[data.length - 1]!.id : null
          }))))
      .handle("recover", ({ path, payload }) =>
        Effect.flatMap(platform, (p) =>
          endpoints.recover(p, path.endpointId, payload.since)))
      .handle("getDelivery", ({ path }) =>
        Effect.flatMap(platform, (p) =>
          endpoints.delivery(p, path.deliveryId)))
      .handle("resend", ({ path }) =>
        Effect.flatMap(platform, (p) =>
          endpoints.resend(p, path.deliveryId)))
  }))
