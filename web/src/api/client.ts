// A thin fetch wrapper: JSON in, JSON out, and careflow's error body
//   {"error": {"code", "message", "field"?}}
// turned into an ApiError that forms can show at the field it names. With careflow's api.token set,
// the token (token.ts) goes with every request.

import { askForToken, authHeaders, storedToken } from './token'

export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly field?: string

  constructor(status: number, code: string, message: string, field?: string) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.field = field
  }
}

// `detail` is the reference API's (FastAPI's) error string; careflow may send it beside `error`.
interface ErrorBody {
  error?: { code?: string; message?: string; field?: string }
  detail?: unknown
}

export async function toApiError(response: Response): Promise<ApiError> {
  const text = await response.text()
  let body: ErrorBody = {}
  try {
    const parsed: unknown = JSON.parse(text)
    if (parsed !== null && typeof parsed === 'object') body = parsed as ErrorBody
  } catch {
    // not JSON: keep the text as the message
  }
  const e = body.error
  return new ApiError(
    response.status,
    e?.code ?? `http_${response.status}`,
    e?.message ?? (typeof body.detail === 'string' ? body.detail : undefined) ?? (text || `${response.status} ${response.statusText}`),
    e?.field,
  )
}

async function send(method: string, path: string, body?: unknown): Promise<Response> {
  try {
    return await fetch(path, {
      method,
      headers: {
        ...(body === undefined ? { Accept: 'application/json' } : { 'Content-Type': 'application/json', Accept: 'application/json' }),
        ...authHeaders(),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  } catch (e) {
    throw new ApiError(0, 'unreachable', `careflow did not answer ${method} ${path}: ${(e as Error).message}`)
  }
}

// A 401 asks for the API token (once for the session, see token.ts) and sends the request again.
export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const hadToken = storedToken() !== null
  let response = await send(method, path, body)
  if (response.status === 401 && (await askForToken(hadToken)) !== null) response = await send(method, path, body)
  if (!response.ok) throw await toApiError(response)
  return (await response.json()) as T
}

export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {}),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
  del: <T>(path: string) => request<T>('DELETE', path),
}

// Splits "parameters[2].parameter_value must be a number" into the row it names, so a form can
// show it beside that row; null when the message is about the field as a whole.
export function parameterRowOf(message: string): number | null {
  const m = /^parameters\[(\d+)\]/.exec(message)
  return m ? Number(m[1]) : null
}
