// The guided demonstration: each step performs one real action against careflow and returns a
// sentence saying what it did and what to look at. A step that could not do its action, or whose
// effect did not show, throws with the reason (the server's message when the server refused), so
// the page shows it as not done.
import { api } from '../api/client'
import { withToken } from '../api/token'
import type { Alert, Analytics, Device, Health, Parameter, Patient, PipelinesStatus, Prescription, Reading, SimulationStatus } from '../api/types'
import { currentPrescription, describeParameters } from './prescriptions'

export interface DemoContext {
  deviceId: string // the device the demonstration breaks
}

export interface DemoStep {
  id: string
  title: string
  explain: string
  action: string // the button's label
  link?: { to: string; label: string }
  run: (ctx: DemoContext) => Promise<string>
}

async function deviceOf(ctx: DemoContext): Promise<Device> {
  if (!ctx.deviceId) throw new Error('choose a device for the demonstration first')
  return api.get<Device>(`/devices/${encodeURIComponent(ctx.deviceId)}`)
}

// Counts the readings the live stream delivers in `ms` milliseconds.
export function sampleStream(ms: number, url = '/telemetry/stream'): Promise<Reading[]> {
  return new Promise((resolve, reject) => {
    const readings: Reading[] = []
    const source = new EventSource(withToken(url))
    source.addEventListener('telemetry', (e) => readings.push(JSON.parse((e as MessageEvent<string>).data) as Reading))
    const timer = setTimeout(() => {
      source.close()
      resolve(readings)
    }, ms)
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) {
        clearTimeout(timer)
        reject(new Error('the live stream closed'))
      }
    }
  })
}

// The seeded insulin pump, and how long the insulin step waits for its bolus: the spike crosses
// the threshold in five rounds, the command reaches the pump with the job's next checkpoint.
const PUMP = 'DEV-P006'
export const INSULIN_WAIT_MS = 30_000

export const demoSteps: DemoStep[] = [
  {
    id: 'health',
    title: 'Check that careflow is up',
    explain: 'One binary runs the database, the topic log, the simulator and this API. /health reports each part.',
    action: 'Ask /health',
    link: { to: '/', label: 'Home' },
    async run() {
      const response = await fetch('/health', { headers: { Accept: 'application/json' } })
      const h = (await response.json().catch(() => null)) as Health | null
      if (!h?.components) throw new Error(`/health answered ${response.status} ${response.statusText} without a health report`)
      const parts = Object.entries(h.components).map(([name, c]) => `${name} ${c.status}${c.status === 'ok' || !c.message ? '' : ` (${c.message})`}`)
      const said = `careflow is ${h.status}: ${parts.join(', ')}.`
      if (!response.ok || h.status !== 'ok') throw new Error(said)
      return said
    },
  },
  {
    id: 'browse',
    title: 'Meet the patients and their devices',
    explain: 'The seed data: five patients, each with a home CPAP device and a prescription for it.',
    action: 'Load patients and devices',
    link: { to: '/patients', label: 'Patients' },
    async run(ctx) {
      const [patients, devices] = await Promise.all([api.get<Patient[]>('/patients'), api.get<Device[]>('/devices')])
      const d = devices.find((x) => x.deviceId === ctx.deviceId)
      if (!d) throw new Error(`device ${ctx.deviceId || '(none chosen)'} is not among careflow's ${devices.length} devices`)
      const owner = patients.find((p) => p.patientId === d.patientId)
      return `${patients.length} patients, ${devices.length} devices. Device ${ctx.deviceId} belongs to ${owner ? `${owner.patientId} ${owner.name}` : 'nobody'}.`
    },
  },
  {
    id: 'prescribe',
    title: 'Write a new prescription',
    explain: 'A prescription sets each metric’s target and tolerance. The newest one that has started is the device’s current one, and the simulator follows it.',
    action: 'Create a prescription',
    link: { to: '/prescriptions', label: 'Prescriptions' },
    async run(ctx) {
      const device = await deviceOf(ctx)
      const all = await api.get<Prescription[]>('/prescriptions')
      const current = currentPrescription(all, device.deviceId, Date.now())
      const parameters: Parameter[] = current?.parameters.map((p) => ({ ...p })) ?? [
        { parameter_name: 'Pressure', parameter_value: device.pressureSetting ?? 10, parameter_tolerance: 1, parameter_type: 'numeric', unit: 'cmH2O' },
      ]
      const created = await api.post<Prescription>('/prescriptions', {
        patientId: device.patientId,
        deviceId: device.deviceId,
        medicationOrTherapy: current?.medicationOrTherapy ?? 'Demonstration therapy',
        startDate: Date.now() - 60_000,
        parameters,
      })
      return `Created prescription ${created.prescriptionId} for device ${created.deviceId}: ${describeParameters(created.parameters)}. It is now the device’s current prescription.`
    },
  },
  {
    id: 'start',
    title: 'Start the simulation',
    explain: 'Every device sends one reading per metric each tick, into the topic hc_raw_device_metrics and the live stream.',
    action: 'Start the simulation',
    link: { to: '/telemetry', label: 'Device telemetry' },
    async run() {
      const status = await api.get<SimulationStatus>('/simulation/status')
      if (status.running) return `The simulation is already running (${status.readings} readings so far).`
      const started = await api.post<SimulationStatus>('/simulation/start', { simulation_type: 'all' })
      return `Simulation ${started.status ?? 'started'} for all patients.`
    },
  },
  {
    id: 'watch',
    title: 'Watch the readings arrive',
    explain: 'The browser listens to /telemetry/stream (Server-Sent Events) for three seconds.',
    action: 'Listen for 3 seconds',
    link: { to: '/telemetry', label: 'Device telemetry' },
    async run(ctx) {
      const readings = await sampleStream(3000)
      const mine = readings.filter((r) => r.device_id === ctx.deviceId)
      if (!mine.length) throw new Error(`${readings.length} readings in 3 s, none from device ${ctx.deviceId}: is the simulation running (step 4)?`)
      const latest = new Map(mine.map((r) => [r.metric_name, r.metric_value]))
      const values = [...latest].map(([m, v]) => `${m} ${v.toFixed(2)}`).join(', ')
      return `${readings.length} readings in 3 s; device ${ctx.deviceId} sent ${mine.length}${values ? `, latest ${values}` : ''}.`
    },
  },
  {
    id: 'break',
    title: 'Break the device',
    explain: 'A defect makes the device drift away from its prescription for a while: on the telemetry page its points leave the band and turn red.',
    action: 'Trigger pressure_oscillate',
    link: { to: '/telemetry', label: 'Device telemetry' },
    async run(ctx) {
      await api.post(`/device/${encodeURIComponent(ctx.deviceId)}/simulator/pressure_oscillate`)
      const status = await api.get<SimulationStatus>('/simulation/status')
      if (!status.running) throw new Error(`The defect was set on ${ctx.deviceId}, but the simulation is not running, so nothing drifts: start it (step 4) and try again.`)
      const active = status.activeDefects[ctx.deviceId]
      return `Defect pressure_oscillate triggered on ${ctx.deviceId}${active ? ` (active: ${active})` : ''}. Open Device telemetry and choose ${ctx.deviceId} to see Pressure leave its band.`
    },
  },
  {
    id: 'alerts',
    title: 'See drift become alerts and facts',
    explain: 'Streaming SQL pipelines turn drift into alerts and dashboard facts: drift at once, a non-adherence alert after 5 minutes out of range (event time), hourly facts as each hour of event time closes.',
    action: 'Check the pipelines and alerts',
    link: { to: '/alerts', label: 'Alerts' },
    async run(ctx) {
      const pipelines = await api.get<PipelinesStatus>('/pipelines')
      if (!pipelines.tables.length) {
        throw new Error('Not running yet: no pipeline is deployed. Start careflow up with --set pipelines.path=pipelines (scripts/demo does), or POST /pipelines/deploy.')
      }
      const running = pipelines.tables.filter((t) => t.state === 'RUNNING').length
      const alerts = await api.get<Analytics<Alert[]>>(`/analytics/alerts?device_id=${encodeURIComponent(ctx.deviceId)}&limit=1000`)
      if (!alerts.data.length) {
        return `${running} pipeline jobs are running; no alert for ${ctx.deviceId} yet (${alerts.message || 'its drift has not reached the topics'}). Break the device (step 6), wait a few seconds and check again.`
      }
      const kinds = [...new Set(alerts.data.map((a) => a.kind))].join(', ')
      return `${running} pipeline jobs are running; ${alerts.data.length} alerts for ${ctx.deviceId} so far (${kinds}). Open Alerts and Dashboards.`
    },
  },
  {
    id: 'insulin',
    title: 'Close the insulin loop',
    explain:
      "P006's insulin pump (DEV-P006) gets a glucose spike. The device.commands pipeline orders a bolus at the first reading above the pump's threshold, the pump follows the topic, delivers it, and the glucose falls: the closed loop, on the telemetry page and as an insulin_bolus alert.",
    action: 'Spike DEV-P006’s glucose',
    link: { to: '/telemetry', label: 'Device telemetry' },
    async run() {
      const pipelines = await api.get<PipelinesStatus>('/pipelines')
      if (!pipelines.tables.some((t) => t.table === 'device.commands')) {
        throw new Error('Not running yet: the device.commands pipeline is not deployed. Start careflow up with --set pipelines.path=pipelines (scripts/demo does).')
      }
      const before = (await api.get<SimulationStatus>('/simulation/status')).insulin?.[PUMP]?.boluses ?? 0
      await api.post(`/device/${PUMP}/simulator/glucose_spike`)
      const deadline = Date.now() + INSULIN_WAIT_MS
      for (;;) {
        const status = await api.get<SimulationStatus>('/simulation/status')
        if (!status.running) throw new Error(`The spike was set on ${PUMP}, but the simulation is not running: start it (step 4) and try again.`)
        const insulin = status.insulin?.[PUMP]
        if (insulin && insulin.boluses > before) {
          return `Glucose spike on ${PUMP}: the pipeline ordered a bolus and the pump delivered it (${insulin.boluses} so far, ${insulin.units} U in all). Open Device telemetry and choose ${PUMP} to see the glucose fall.`
        }
        if (Date.now() > deadline) {
          throw new Error(`No bolus reached ${PUMP} within ${INSULIN_WAIT_MS / 1000} s of the spike: check the device.commands job on the Pipelines page.`)
        }
        await new Promise((resolve) => setTimeout(resolve, 1000))
      }
    },
  },
  {
    id: 'stop',
    title: 'Stop the simulation',
    explain: 'Stopping is idempotent; the readings stay in the topic log.',
    action: 'Stop the simulation',
    async run() {
      const stopped = await api.post<SimulationStatus>('/simulation/stop')
      return `Simulation stopped after ${stopped.readings} readings.`
    },
  },
]
