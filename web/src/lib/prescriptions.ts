// Prescription logic the pages share: which one is current for a device (the same rule the
// simulator uses, src/sim/store_targets.cc), grouping, and the dates of the form.

import type { Device, Parameter, Prescription } from '../api/types'

// Current = started, not ended (end inclusive), latest start first, then the smallest id.
export function currentPrescription(prescriptions: readonly Prescription[], deviceId: string, nowMs: number): Prescription | null {
  const candidates = prescriptions
    .filter((p) => p.deviceId === deviceId && p.startDate <= nowMs && (p.endDate === null || p.endDate === undefined || p.endDate >= nowMs))
    .sort((a, b) => b.startDate - a.startDate || a.prescriptionId.localeCompare(b.prescriptionId))
  return candidates[0] ?? null
}

export interface Band {
  target: number
  tolerance: number
  unit: string
}

// An insulin pump's rule: it configures the pump and is not a measured metric (no band, no chart).
export const PUMP_RULE_PARAMETERS: readonly string[] = ['BolusThreshold', 'MaxBolusDose', 'BolusLockout']

// The target ± tolerance a device should hold for each metric, by the simulator's rule
// (src/sim/store_targets.h): each metric from the latest current prescription that names it, the
// device's own settings (no tolerance) for the metrics none of them names.
export function bandsFor(device: Device | undefined, prescriptions: readonly Prescription[], nowMs: number): Record<string, Band> {
  const bands: Record<string, Band> = {}
  if (!device) return bands
  const current = prescriptions
    .filter((p) => p.deviceId === device.deviceId && p.startDate <= nowMs && (p.endDate === null || p.endDate === undefined || p.endDate >= nowMs))
    .sort((a, b) => b.startDate - a.startDate || a.prescriptionId.localeCompare(b.prescriptionId))
  for (const rx of current) {
    for (const p of rx.parameters) {
      if (PUMP_RULE_PARAMETERS.includes(p.parameter_name) || p.parameter_name in bands) continue
      bands[p.parameter_name] = { target: p.parameter_value, tolerance: p.parameter_tolerance, unit: p.unit ?? '' }
    }
  }
  const settings: [string, number | null | undefined][] = [
    ['Pressure', device.pressureSetting],
    ['FlowRate', device.flowRateSetting],
    ['FlowLevel', device.flowLevelSetting],
  ]
  for (const [name, value] of settings) {
    if (typeof value === 'number' && !(name in bands)) bands[name] = { target: value, tolerance: 0, unit: '' }
  }
  return bands
}

export function outsideBand(value: number, band: Band | undefined): boolean {
  if (!band) return false
  return Math.abs(value - band.target) > band.tolerance
}

export interface DeviceGroup {
  deviceId: string
  patientId: string
  prescriptions: Prescription[]
}

// Prescriptions by device (devices in id order), newest start first inside a device.
export function groupByDevice(prescriptions: readonly Prescription[]): DeviceGroup[] {
  const groups = new Map<string, DeviceGroup>()
  for (const p of prescriptions) {
    let g = groups.get(p.deviceId)
    if (!g) {
      g = { deviceId: p.deviceId, patientId: p.patientId, prescriptions: [] }
      groups.set(p.deviceId, g)
    }
    g.prescriptions.push(p)
  }
  const out = [...groups.values()].sort((a, b) => a.deviceId.localeCompare(b.deviceId, undefined, { numeric: true }))
  for (const g of out) g.prescriptions.sort((a, b) => b.startDate - a.startDate)
  return out
}

export function devicesOfPatient(devices: readonly Device[], patientId: string): Device[] {
  return devices.filter((d) => d.patientId === patientId)
}

// <input type="date"> values are local calendar days; the API keeps epoch milliseconds.
export function dateInputToMs(value: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value)
  if (!m) return null
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])).getTime()
}

export function msToDateInput(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return ''
  const d = new Date(ms)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

// Default unit of each parameter (the seed data's units).
export const DEFAULT_UNITS: Record<string, string> = {
  Pressure: 'cmH2O',
  FlowRate: 'L/min',
  FlowLevel: '%',
  BloodGlucose: 'mg/dL',
  BolusThreshold: 'mg/dL',
  MaxBolusDose: 'U',
  BolusLockout: 'min',
}

export function describeParameters(parameters: readonly Parameter[]): string {
  return parameters.map((p) => `${p.parameter_name} ${p.parameter_value} ± ${p.parameter_tolerance}${p.unit ? ' ' + p.unit : ''}`).join(', ')
}
