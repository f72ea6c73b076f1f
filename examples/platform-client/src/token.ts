/**
 * An access token for the platform (OAuth2 client credentials, `client_secret_basic`). Tokens last at
 * most an hour: keep one and ask again when it is close to expiry or a call answers 401.
 */
export interface Token {
  readonly accessToken: string
  readonly expiresAt: number
}

export const getToken = async (
  hubUrl: string,
  clientId: string,
  clientSecret: string,
  scope = "locations:read webhooks:manage connections:manage"
): Promise<Token> => {
  const res = await fetch(`${hubUrl}/oauth/token`, {
    method: "POST",
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString("base64")}`,
      "content-type": "application/x-www-form-urlencoded"
    },
    body: new URLSearchParams({ grant_type: "client_credentials", scope })
  })
  if (!res.ok) throw new Error(`token request failed: ${res.status} ${await res.text()}`)
  const body = (await res.json()) as { access_token: string; expires_in: number }
  return { accessToken: body.access_token, expiresAt: Date.now() + body.expires_in * 1000 }
}
