import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import DemoPage from '../src/pages/DemoPage.vue'
import { demoSteps } from '../src/lib/demoSteps'

const step = (id: string) => {
  const s = demoSteps.find((x) => x.id === id)
  if (!s) throw new Error(`no step ${id}`)
  return s
}
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status })

// Answers by path; anything else is a 404 in careflow's error shape.
function serve(routes: Record<string, () => Response>) {
  vi.stubGlobal('fetch', async (path: string) => routes[path]?.() ?? json({ error: { code: 'not_found', message: `no route ${path}` } }, 404))
}

describe('demonstration steps', () => {
  afterEach(() => vi.unstubAllGlobals())

  it('health: a degraded careflow is not done, and says which part is down and why', async () => {
    serve({ '/health': () => json({ status: 'degraded', failing: ['database'], components: { database: { status: 'down', message: 'connection refused' }, log: { status: 'ok' } } }, 503) })
    await expect(step('health').run({ deviceId: 'D' })).rejects.toThrow('careflow is degraded: database down (connection refused), log ok.')
    serve({ '/health': () => new Response('<html>', { status: 502, statusText: 'Bad Gateway' }) })
    await expect(step('health').run({ deviceId: 'D' })).rejects.toThrow('/health answered 502 Bad Gateway without a health report')
    serve({ '/health': () => json({ status: 'ok', components: { database: { status: 'ok' } } }) })
    await expect(step('health').run({ deviceId: 'D' })).resolves.toBe('careflow is ok: database ok.')
  })
  it('a refused request fails the step with the server’s message', async () => {
    serve({ '/prescriptions': () => json([]) })
    await expect(step('prescribe').run({ deviceId: 'DEV-GONE' })).rejects.toThrow('no route /devices/DEV-GONE')
  })
  it('break: a defect on a stopped simulation is not done', async () => {
    serve({
      '/device/D1/simulator/pressure_oscillate': () => json({ status: 'triggered' }),
      '/simulation/status': () => json({ running: false, activeDefects: { D1: 'pressure_oscillate' } }),
    })
    await expect(step('break').run({ deviceId: 'D1' })).rejects.toThrow(/simulation is not running/)
  })
  it('alerts: no pipeline deployed is not done; deployed, it counts the device\'s alerts', async () => {
    serve({ '/pipelines': () => json({ path: null, tables: [] }) })
    await expect(step('alerts').run({ deviceId: 'D1' })).rejects.toThrow(/^Not running yet: no pipeline is deployed/)
    const tables = [{ layer: 'fct', table: 'hc_fct_drift_events', ddl: 'created', job: 'started', jobId: 'j', error: null, state: 'RUNNING' }]
    serve({
      '/pipelines': () => json({ path: 'pipelines', tables }),
      '/analytics/alerts?device_id=D1&limit=1000': () => json({ available: false, data: [], message: 'topic hc_fct_drift_events has no rows yet' }),
    })
    await expect(step('alerts').run({ deviceId: 'D1' })).resolves.toMatch(/^1 pipeline jobs are running; no alert for D1 yet \(topic hc_fct_drift_events has no rows yet\)/)
    serve({
      '/pipelines': () => json({ path: 'pipelines', tables }),
      '/analytics/alerts?device_id=D1&limit=1000': () => json({ available: true, data: [{ kind: 'drift' }, { kind: 'non_adherence' }, { kind: 'drift' }], message: '' }),
    })
    await expect(step('alerts').run({ deviceId: 'D1' })).resolves.toBe('1 pipeline jobs are running; 3 alerts for D1 so far (drift, non_adherence). Open Alerts and Dashboards.')
  })
})

describe('the insulin step', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
    vi.useRealTimers()
  })
  const tables = [{ layer: 'alerts', table: 'device.commands', ddl: 'created', job: 'started', jobId: 'j', error: null, state: 'RUNNING' }]

  it('without the device.commands pipeline it is not done', async () => {
    serve({ '/pipelines': () => json({ path: null, tables: [] }) })
    await expect(step('insulin').run({ deviceId: 'D1' })).rejects.toThrow(/^Not running yet: the device.commands pipeline is not deployed/)
  })
  it('done once the pump has delivered a new bolus; not done on a stopped simulation', async () => {
    let polls = 0
    serve({
      '/pipelines': () => json({ path: 'pipelines', tables }),
      '/device/DEV-P006/simulator/glucose_spike': () => json({ status: 'triggered' }),
      '/simulation/status': () => {
        polls += 1
        // Before the spike one bolus is on record; the second poll after it sees a new one.
        const insulin = polls >= 3 ? { 'DEV-P006': { boluses: 2, units: 5.6 } } : { 'DEV-P006': { boluses: 1, units: 2.8 } }
        return json({ running: true, activeDefects: {}, insulin })
      },
    })
    vi.useFakeTimers()
    const done = step('insulin').run({ deviceId: 'D1' })
    await vi.runAllTimersAsync()
    await expect(done).resolves.toBe('Glucose spike on DEV-P006: the pipeline ordered a bolus and the pump delivered it (2 so far, 5.6 U in all). Open Device telemetry and choose DEV-P006 to see the glucose fall.')
    serve({
      '/pipelines': () => json({ path: 'pipelines', tables }),
      '/device/DEV-P006/simulator/glucose_spike': () => json({ status: 'triggered' }),
      '/simulation/status': () => json({ running: false, activeDefects: {} }),
    })
    await expect(step('insulin').run({ deviceId: 'D1' })).rejects.toThrow(/simulation is not running/)
  })
  it('not done when no bolus comes in time', async () => {
    serve({
      '/pipelines': () => json({ path: 'pipelines', tables }),
      '/device/DEV-P006/simulator/glucose_spike': () => json({ status: 'triggered' }),
      '/simulation/status': () => json({ running: true, activeDefects: {}, insulin: {} }),
    })
    vi.useFakeTimers()
    const late = step('insulin').run({ deviceId: 'D1' })
    const checked = expect(late).rejects.toThrow('No bolus reached DEV-P006 within 30 s of the spike')
    await vi.runAllTimersAsync()
    await checked
  })
})

describe('DemoPage', () => {
  afterEach(() => vi.unstubAllGlobals())

  it('shows a step that threw as not done, with the reason, and a step that ran as done', async () => {
    serve({
      '/devices': () => json([{ deviceId: 'D1', patientId: 'P1' }]),
      '/patients': () => json([{ patientId: 'P1', name: 'Ann' }]),
      '/health': () => json({ status: 'degraded', components: { database: { status: 'down' } } }, 503),
    })
    const w = mount(DemoPage, { global: { stubs: { RouterLink: true } } })
    await flushPromises()
    await w.find('[data-step="health"] button').trigger('click')
    await flushPromises()
    const health = w.find('[data-step="health"]')
    expect(health.attributes('data-state')).toBe('failed')
    expect(health.find('[data-test="verdict"]').text()).toBe('✗ Not done')
    expect(health.find('[data-test="result"]').text()).toBe('careflow is degraded: database down.')
    expect(health.find('[role="alert"]').exists()).toBe(true)
    await w.find('[data-step="browse"] button').trigger('click')
    await flushPromises()
    const browse = w.find('[data-step="browse"]')
    expect(browse.attributes('data-state')).toBe('done')
    expect(browse.find('[data-test="verdict"]').text()).toBe('✓ Done')
    expect(browse.find('[data-test="result"]').text()).toBe('1 patients, 1 devices. Device D1 belongs to P1 Ann.')
  })
})
