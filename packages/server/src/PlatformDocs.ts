/**
 * The platform developers' guides (`docs/platforms` in the repository), served by the hub as Markdown at
 * `/docs/platforms/<page>.md` and linked from the API reference at `/docs`, so a platform developer finds
 * them where they find the reference.
 *
 * @since 0.1.0
 */
import { HttpApiBuilder, HttpRouter, HttpServerResponse } from "@effect/platform"
import { Effect } from "effect"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"

/** The guides, in reading order. @since 0.1.0 */
export const pages: ReadonlyArray<{ readonly file: string; readonly title: string }> = [
  { file: "README.md", title: "Overview" },
  { file: "connection-flow.md", title: "Connecting: how an operator gives you a location" },
  { file: "webhooks.md", title: "Webhooks: receiving and verifying" },
  { file: "events.md", title: "Event types, with real bodies" },
  { file: "data.md", title: "Data (apiUrl, ETags) and catching up with /v1/events" },
  { file: "retries.md", title: "Retries, replay and recovery" }
]

/** Where the guides are read from: the repository's `docs/platforms`. @since 0.1.0 */
export const directory = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "../../../docs/platforms")

/** The Markdown list of links the API reference's introduction carries. @since 0.1.0 */
export const links = pages.map((page) => `- [${page.title}](/docs/platforms/${page.file})`).join("\n")

const notFound = (detail: string) =>
  HttpServerResponse.unsafeJson(
    { type: "about:blank", title: "Not Found", status: 404, detail },
    { status: 404, contentType: "application/problem+json" }
  )

const serve = (file: string) =>
  Effect.sync(() => {
    const page = pages.find((p) => p.file === file)
    if (page === undefined) return notFound(`No guide ${JSON.stringify(file)}; see /docs/platforms`)
    try {
      return HttpServerResponse.text(Fs.readFileSync(Path.join(directory, page.file), "utf8"), {
        contentType: "text/markdown; charset=utf-8"
      })
    } catch {
      return notFound(`The guide ${page.file} is not installed with this hub`)
    }
  })

/**
 * `GET /docs/platforms` (the overview) and `GET /docs/platforms/:page`. Only the listed pages are served:
 * the name is looked up, never joined into a path as given.
 *
 * @since 0.1.0
 */
export const PlatformDocsLive = HttpApiBuilder.Router.use((router) =>
  Effect.all([
    router.get("/docs/platforms", serve("README.md")),
    router.get(
      "/docs/platforms/:page",
      Effect.flatMap(HttpRouter.params, (params) => serve(params.page ?? ""))
    )
  ])
)
