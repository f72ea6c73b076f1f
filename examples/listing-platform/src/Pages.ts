/** The platform's HTML: small server-rendered pages, every value escaped. */
import type { ProfilePrice, ProfileResource } from "./Webhooks.js"

export const escape = (value: unknown): string =>
  String(value ?? "").replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" })[c]!
  )

const style = `
body{font-family:system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
header{background:#1d3557;color:#fff;padding:14px 28px;display:flex;justify-content:space-between;align-items:center}
header a{color:#fff;text-decoration:none}
main{max-width:880px;margin:24px auto;padding:0 20px}
.card{background:#fff;border-radius:10px;padding:18px 22px;margin:14px 0;box-shadow:0 1px 3px rgba(0,0,0,.08)}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin:.2rem 0}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:6px 8px;border-bottom:1px solid #e5e7eb}
label{display:block;margin:8px 0 4px;font-weight:600}
input,select{font-size:1rem;padding:6px 8px;border:1px solid #c7ccd6;border-radius:6px;min-width:260px}
button{font-size:1rem;padding:8px 16px;border:0;border-radius:6px;background:#e63946;color:#fff;cursor:pointer;margin-top:12px}
.muted{color:#6b7280}.error{background:#fde8e8;color:#8a1c1c;padding:10px 14px;border-radius:8px}
.ok{background:#e6f6ec;color:#14532d;padding:10px 14px;border-radius:8px}
code{background:#eef0f4;padding:1px 5px;border-radius:4px}
`

export const layout = (title: string, body: string, user?: { readonly name: string; readonly csrf: string }) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)} · Deskfinder</title>
<meta name="viewport" content="width=device-width,initial-scale=1"><style>${style}</style></head><body>
<header><a href="/"><strong>Deskfinder</strong> · workspaces near you</a><span>${
    user
      ? `${
        escape(user.name)
      } · <a href="/account">My listings</a> <form method="post" action="/logout" style="display:inline"><input type="hidden" name="_csrf" value="${
        escape(user.csrf)
      }"><button style="margin:0 0 0 8px;padding:4px 10px;background:#457b9d">Sign out</button></form>`
      : `<a href="/login">Operator sign-in</a>`
  }</span></header><main>${body}</main></body></html>`

export const priceText = (p: ProfilePrice) =>
  `${p.amount} ${p.currency} / ${p.count === 1 ? "" : `${p.count} `}${p.per.replace(/_/g, " ")}`

/** Compares two non-negative decimal strings exactly (money is never a float). */
const compareDecimal = (a: string, b: string) => {
  const [ai = "", af = ""] = a.split(".")
  const [bi = "", bf = ""] = b.split(".")
  const width = Math.max(af.length, bf.length)
  const x = BigInt(ai + af.padEnd(width, "0"))
  const y = BigInt(bi + bf.padEnd(width, "0"))
  return x < y ? -1 : x > y ? 1 : 0
}

/** The lowest price in the profile's first currency, for the "from" line. */
const cheapest = (prices: ReadonlyArray<ProfilePrice>) =>
  prices.filter((p) => p.currency === prices[0]?.currency && /^\d+(\.\d+)?$/.test(p.amount))
    .reduce<ProfilePrice | undefined>(
      (min, p) => (!min || compareDecimal(p.amount, min.amount) < 0 ? p : min),
      undefined
    )

export interface ProfileRow {
  readonly id: string
  readonly title: string
  readonly city: string
  readonly company: string
  readonly location_name: string | null
  readonly address: string | null
  readonly prices: ReadonlyArray<ProfilePrice>
  readonly resources: ReadonlyArray<ProfileResource>
  readonly version: number | null
  readonly synced_at: Date | null
}

export const home = (profiles: ReadonlyArray<ProfileRow>) =>
  `<h1>Workspaces</h1>${profiles.length === 0 ? `<p class="muted">No workspace is listed yet.</p>` : ""}${
    profiles.map((p) => {
      const from = cheapest(p.prices)
      return `<div class="card listing"><h2><a href="/listings/${encodeURIComponent(p.id)}">${escape(p.title)}</a></h2>
<div class="muted">${escape(p.company)} · ${escape(p.address ?? p.city)}</div>${
        from ? `<div>from <strong class="price">${escape(priceText(from))}</strong></div>` : ""
      }</div>`
    }).join("")
  }`

export const listing = (p: ProfileRow) =>
  `<h1>${escape(p.title)}</h1><div class="card"><div class="muted">${escape(p.company)}</div>
<p>${escape(p.location_name ?? "")}${p.address ? ` · ${escape(p.address)}` : escape(p.city ? ` · ${p.city}` : "")}</p>
<h2>Prices</h2>${
    p.prices.length === 0
      ? `<p class="muted">Prices are not available yet.</p>`
      : `<table id="prices"><thead><tr><th>Offer</th><th>Price</th><th>Tax</th></tr></thead><tbody>${
        p.prices.map((price) =>
          `<tr data-price-id="${escape(price.id)}"><td>${escape(price.name)}</td><td class="amount">${
            escape(priceText(price))
          }</td><td>${escape(price.tax)}</td></tr>`
        ).join("")
      }</tbody></table>`
  }${
    p.resources.length === 0 ?
      "" :
      `<h2 style="margin-top:16px">Spaces</h2><ul>${
        p.resources.map((r) =>
          `<li>${escape(r.name)} <span class="muted">(${escape(r.kind.replace(/_/g, " "))}${
            r.capacity ? `, ${r.capacity} people` : ""
          })</span></li>`
        ).join("")
      }</ul>`
  }<p class="muted">${
    p.synced_at ? `Kept current by spacesync · version ${escape(p.version)}` : "Not connected to a management system"
  }</p></div>`

export const login = (options: {
  readonly csrf: string
  readonly next: string
  readonly error?: string | undefined
  readonly email?: string | undefined
}) =>
  `<h1>Operator sign-in</h1><div class="card">${
    options.next.startsWith("/connect")
      ? `<p>Sign in to choose which of your listings the locations you are connecting are.</p>`
      : ""
  }${options.error ? `<p class="error" role="alert">${escape(options.error)}</p>` : ""}
<form method="post" action="/login"><input type="hidden" name="_csrf" value="${escape(options.csrf)}">
<input type="hidden" name="next" value="${escape(options.next)}">
<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required value="${
    escape(options.email ?? "")
  }">
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<div><button type="submit">Sign in</button></div></form></div>`

export const message = (title: string, text: string, kind: "error" | "ok" = "error") =>
  `<h1>${escape(title)}</h1><div class="card"><p class="${kind}" role="${kind === "error" ? "alert" : "status"}">${
    escape(text)
  }</p><p><a href="/">Back to Deskfinder</a></p></div>`

export interface ConnectLocation {
  readonly locationId: string
  readonly name: string | null
}

export const connect = (options: {
  readonly csrf: string
  readonly connectionId: string
  readonly state: string
  readonly locations: ReadonlyArray<ConnectLocation>
  readonly listings: ReadonlyArray<{ readonly id: string; readonly title: string; readonly taken: boolean }>
  readonly error?: string | undefined
}) =>
  `<h1>Connect your locations</h1><div class="card">
<p>spacesync asks to keep ${
    options.locations.length === 1 ? "this location" : `these ${options.locations.length} locations`
  } current on Deskfinder (connection <code>${
    escape(options.connectionId)
  }</code>). Choose which of your listings each one is:
its name, address and prices will follow your management system from now on.</p>${
    options.error ? `<p class="error" role="alert">${escape(options.error)}</p>` : ""
  }
<form method="post" action="/connect" id="connect-form"><input type="hidden" name="_csrf" value="${
    escape(options.csrf)
  }">
<input type="hidden" name="connection_id" value="${escape(options.connectionId)}">
<input type="hidden" name="state" value="${escape(options.state)}">
<table><thead><tr><th>Location</th><th>Your listing</th></tr></thead><tbody>${
    options.locations.map((l) =>
      `<tr><td>${l.name ? `${escape(l.name)}<br>` : ""}<code>${escape(l.locationId)}</code></td><td>
<select name="listing:${escape(l.locationId)}" aria-label="Listing for ${escape(l.name ?? l.locationId)}" required>
<option value="">— choose a listing —</option>${
        options.listings.map((x) =>
          `<option value="${escape(x.id)}"${x.taken ? " disabled" : ""}>${escape(x.title)}${
            x.taken ? " (already connected)" : ""
          }</option>`
        ).join("")
      }</select></td></tr>`
    ).join("")
  }</tbody></table>
<div><button type="submit">Connect</button></div></form></div>`

export const done = (options: {
  readonly csrf: string
  readonly connectionId: string
  readonly rows: ReadonlyArray<{
    readonly locationId: string
    readonly listingId: string
    readonly title: string
    readonly name: string | null
    readonly resources: ReadonlyArray<ProfileResource>
  }>
  readonly notice?: string | undefined
  readonly error?: string | undefined
}) =>
  `<h1>Connected</h1><div class="card"><p class="ok" role="status">${
    escape(options.notice ?? "Your locations are connected. Your listings now follow your management system.")
  }</p>${options.error ? `<p class="error" role="alert">${escape(options.error)}</p>` : ""}
<table id="mappings"><thead><tr><th>Location</th><th>Listing</th></tr></thead><tbody>${
    options.rows.map((r) =>
      `<tr data-location-id="${escape(r.locationId)}"><td>${
        escape(r.name ?? r.locationId)
      }</td><td><a href="/listings/${encodeURIComponent(r.listingId)}">${escape(r.title)}</a></td></tr>`
    ).join("")
  }</tbody></table></div>${
    options.rows.some((r) => r.resources.length > 0)
      ? `<div class="card"><h2>Optional: your own ids for rooms and desks</h2>
<p class="muted">If your listing has its own ids for spaces, enter them; spacesync then names them in every update.</p>
<form method="post" action="/connect/resources"><input type="hidden" name="_csrf" value="${escape(options.csrf)}">
<input type="hidden" name="connection_id" value="${escape(options.connectionId)}">${
        options.rows.filter((r) => r.resources.length > 0).map((r) =>
          `<h3>${escape(r.name ?? r.locationId)}</h3>${
            r.resources.map((res) =>
              `<label for="res-${escape(res.id)}">${escape(res.name)} <span class="muted">(${
                escape(res.id)
              })</span></label>
<input id="res-${escape(res.id)}" name="res:${escape(r.locationId)}:${escape(res.id)}" value="${
                escape(res.listingResourceId ?? "")
              }" maxlength="100">`
            ).join("")
          }`
        ).join("")
      }<div><button type="submit">Save space ids</button></div></form></div>`
      : ""
  }<p><a href="/account">My listings</a></p>`

export const account = (options: {
  readonly company: string
  readonly listings: ReadonlyArray<{
    readonly id: string
    readonly title: string
    readonly published: boolean
    readonly location_id: string | null
    readonly version: number | null
  }>
}) =>
  `<h1>${
    escape(options.company)
  }: my listings</h1><div class="card"><table><thead><tr><th>Listing</th><th>Status</th><th>Connected location</th></tr></thead><tbody>${
    options.listings.map((l) =>
      `<tr><td><a href="/listings/${encodeURIComponent(l.id)}">${escape(l.title)}</a></td><td>${
        l.published ? "published" : "unpublished"
      }</td><td>${
        l.location_id ? `<code>${escape(l.location_id)}</code> (version ${escape(l.version ?? "–")})` : "—"
      }</td></tr>`
    ).join("")
  }</tbody></table><p class="muted">To connect a location, create a connection to Deskfinder in spacesync and follow its authorization link.</p></div>`
