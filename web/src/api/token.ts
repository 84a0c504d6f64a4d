// careflow's API token (api.token) as the web app keeps it: asked for once, when the API first
// answers 401, and kept in sessionStorage for the tab's session (never in localStorage, so it goes
// when the tab does). Every request carries it as "Authorization: Bearer <token>"; the live stream
// carries it as ?token=, because a browser's EventSource cannot send headers.

const storageKey = 'careflow.apiToken'

export type TokenPrompt = (reason: string) => string | null | Promise<string | null>

let prompt: TokenPrompt = (reason) => window.prompt(reason)
let asking: Promise<string | null> | null = null

export function storedToken(): string | null {
  try {
    return sessionStorage.getItem(storageKey)
  } catch {
    return null // storage disabled: the person is asked again on the next 401
  }
}

export function storeToken(token: string): void {
  try {
    sessionStorage.setItem(storageKey, token)
  } catch {
    // storage disabled: the token lives only as long as this request
  }
}

export function forgetToken(): void {
  try {
    sessionStorage.removeItem(storageKey)
  } catch {
    // nothing stored
  }
}

// How the person is asked (a test or a nicer dialog can replace window.prompt).
export function setTokenPrompt(p: TokenPrompt): void {
  prompt = p
}

export function authHeaders(): Record<string, string> {
  const token = storedToken()
  return token ? { Authorization: `Bearer ${token}` } : {}
}

// `url` with ?token= when a token is kept: for EventSource only.
export function withToken(url: string): string {
  const token = storedToken()
  if (!token) return url
  return `${url}${url.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`
}

// Asks for the token after a 401 and keeps it. Requests failing at the same time share one
// question. `rejected` says the kept token was refused (it is forgotten first). Null when the
// person gave none.
export function askForToken(rejected = false): Promise<string | null> {
  if (asking) return asking
  if (rejected) forgetToken()
  const reason = rejected
    ? 'careflow refused the API token. Enter its API token (api.token):'
    : 'This careflow needs its API token (api.token). Enter it:'
  asking = Promise.resolve(prompt(reason))
    .then((given) => {
      const token = given?.trim() ?? ''
      if (!token) return null
      storeToken(token)
      return token
    })
    .finally(() => {
      asking = null
    })
  return asking
}
