import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { api } from '../src/api/client'
import { askForToken, setTokenPrompt, storedToken, withToken } from '../src/api/token'

// A careflow with api.token = "s3cret": 401 without it, the patients with it.
function careflowWithToken() {
  return vi.fn(async (_path: string, init?: RequestInit) => {
    const headers = (init?.headers ?? {}) as Record<string, string>
    if (headers.Authorization !== 'Bearer s3cret') {
      return new Response(JSON.stringify({ error: { code: 'unauthorized', message: 'needs the token' } }), { status: 401 })
    }
    return new Response(JSON.stringify([{ patientId: 'P001' }]), { status: 200 })
  })
}

describe('the API token', () => {
  let fetchMock: ReturnType<typeof careflowWithToken>
  let prompt: ReturnType<typeof vi.fn>

  beforeEach(() => {
    sessionStorage.clear()
    fetchMock = careflowWithToken()
    vi.stubGlobal('fetch', fetchMock)
    prompt = vi.fn(() => 's3cret')
    setTokenPrompt(prompt)
  })
  afterEach(() => {
    vi.unstubAllGlobals()
  })

  it('is asked for once on a 401, kept for the session and sent with every request after', async () => {
    expect(await api.get('/patients')).toEqual([{ patientId: 'P001' }])
    expect(prompt).toHaveBeenCalledTimes(1)
    expect(storedToken()).toBe('s3cret')
    expect(sessionStorage.getItem('careflow.apiToken')).toBe('s3cret')

    await api.post('/patients', { patientId: 'P7' })
    await api.del('/patients/P7')
    expect(prompt).toHaveBeenCalledTimes(1)
    const sent = fetchMock.mock.calls.slice(-2).map(([, init]) => (init?.headers as Record<string, string>).Authorization)
    expect(sent).toEqual(['Bearer s3cret', 'Bearer s3cret'])
  })

  it('asks once for requests refused at the same time', async () => {
    await Promise.all([api.get('/patients'), api.get('/devices'), api.get('/prescriptions')])
    expect(prompt).toHaveBeenCalledTimes(1)
  })

  it('asks again when the kept token is refused, and fails with the 401 when none is given', async () => {
    sessionStorage.setItem('careflow.apiToken', 'stale')
    expect(await api.get('/patients')).toEqual([{ patientId: 'P001' }])
    expect(prompt.mock.calls[0]?.[0]).toMatch(/refused/)
    expect(storedToken()).toBe('s3cret')

    sessionStorage.clear()
    setTokenPrompt(() => null)
    await expect(api.get('/patients')).rejects.toMatchObject({ status: 401, code: 'unauthorized' })
    expect(storedToken()).toBeNull()
  })

  it('goes on the event stream as ?token=, since EventSource cannot send headers', async () => {
    expect(withToken('/telemetry/stream')).toBe('/telemetry/stream')
    await askForToken()
    expect(withToken('/telemetry/stream')).toBe('/telemetry/stream?token=s3cret')
    sessionStorage.setItem('careflow.apiToken', 'a&b c')
    expect(withToken('/telemetry/stream?x=1')).toBe('/telemetry/stream?x=1&token=a%26b%20c')
  })
})
