// The Dashboards page's data shaping, apart from Vue and Chart.js: the analytics routes' series
// turned into what the charts draw (points by time, one line per patient, stacked bars per device).

import type { Analytics, ComplianceSeries, DayCount, DeviceCount, DriftCount, TelemetrySeries } from '../api/types'

// Distinct, colour-blind-friendly (Okabe–Ito), in a fixed order so a device keeps its colour.
export const PALETTE = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#f0e442', '#000000']

export function colorFor(name: string, names: readonly string[]): string {
  const i = names.indexOf(name)
  return paletteColor(i < 0 ? 0 : i)
}

export function paletteColor(i: number): string {
  return PALETTE[i % PALETTE.length] ?? '#0072b2'
}

export function metricsOf(series: readonly { metric: string }[]): string[] {
  return [...new Set(series.map((s) => s.metric))].sort()
}

export interface BandPoint {
  x: number // window start, ms
  avg: number
  min: number
  max: number
  count: number
}

export interface DeviceBand {
  device: string
  patient: string
  points: BandPoint[]
}

// One metric's hourly avg / min / max per device, oldest window first, devices by name.
export function telemetryBands(series: readonly TelemetrySeries[], metric: string): DeviceBand[] {
  return series
    .filter((s) => s.metric === metric)
    .map((s) => ({
      device: s.device_id,
      patient: s.patient_id,
      points: s.points
        .map((p) => ({ x: Date.parse(p.window_start), avg: p.avg, min: p.min, max: p.max, count: p.count }))
        .sort((a, b) => a.x - b.x),
    }))
    .sort((a, b) => a.device.localeCompare(b.device))
}

export interface PatientCompliance {
  patient: string
  points: { x: number; pct: number }[] // per hour: in-range readings / readings over all metrics
  latest: number | null
  overall: number | null // over every window kept
}

// Compliance per patient: per hour the share of readings in range over all the patient's metrics
// (weighted by readings, not a mean of percentages), and the same over every window.
export function complianceByPatient(series: readonly ComplianceSeries[]): PatientCompliance[] {
  const byPatient = new Map<string, Map<number, { inRange: number; count: number }>>()
  for (const s of series) {
    const hours = byPatient.get(s.patient_id) ?? new Map<number, { inRange: number; count: number }>()
    byPatient.set(s.patient_id, hours)
    for (const p of s.points) {
      const x = Date.parse(p.window_start)
      const h = hours.get(x) ?? { inRange: 0, count: 0 }
      h.inRange += p.in_range
      h.count += p.count
      hours.set(x, h)
    }
  }
  return [...byPatient.entries()]
    .map(([patient, hours]) => {
      const points = [...hours.entries()]
        .filter(([, h]) => h.count > 0)
        .map(([x, h]) => ({ x, pct: round2((100 * h.inRange) / h.count) }))
        .sort((a, b) => a.x - b.x)
      let inRange = 0
      let count = 0
      for (const h of hours.values()) {
        inRange += h.inRange
        count += h.count
      }
      return { patient, points, latest: points.at(-1)?.pct ?? null, overall: count ? round2((100 * inRange) / count) : null }
    })
    .sort((a, b) => a.patient.localeCompare(b.patient))
}

export interface StackedBars {
  labels: string[] // devices
  stacks: { label: string; values: number[] }[] // one per metric
}

// Drifting readings per device, stacked by metric.
export function driftStacks(counts: readonly DriftCount[]): StackedBars {
  const labels = [...new Set(counts.map((c) => c.device_id))].sort()
  const metrics = metricsOf(counts)
  return {
    labels,
    stacks: metrics.map((m) => ({
      label: m,
      values: labels.map((d) => counts.find((c) => c.device_id === d && c.metric === m)?.count ?? 0),
    })),
  }
}

export function deviceBars(counts: readonly DeviceCount[]): { labels: string[]; values: number[] } {
  const sorted = [...counts].sort((a, b) => a.device_id.localeCompare(b.device_id))
  return { labels: sorted.map((c) => c.device_id), values: sorted.map((c) => c.count) }
}

// Days oldest first, with the days between filled with 0 so gaps show as gaps (at most `maxDays`
// bars: the newest).
export function dayBars(days: readonly DayCount[], maxDays = 60): { labels: string[]; values: number[] } {
  if (!days.length) return { labels: [], values: [] }
  const counts = new Map(days.map((d) => [d.date, d.count]))
  const sorted = [...counts.keys()].sort()
  const labels: string[] = []
  const last = Date.parse(`${sorted.at(-1)}T00:00:00Z`)
  for (let t = Date.parse(`${sorted[0]}T00:00:00Z`); t <= last; t += 86_400_000) labels.push(new Date(t).toISOString().slice(0, 10))
  const shown = labels.slice(-maxDays)
  return { labels: shown, values: shown.map((d) => counts.get(d) ?? 0) }
}

export function total(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0)
}

// "Dec 7, 10:00" in UTC: the facts' windows are event-time hours in UTC.
export function hourLabel(ms: number): string {
  const d = new Date(ms)
  const month = d.toLocaleString('en', { month: 'short', timeZone: 'UTC' })
  return `${month} ${d.getUTCDate()}, ${String(d.getUTCHours()).padStart(2, '0')}:00`
}

function round2(v: number): number {
  return Math.round(v * 100) / 100
}

// Where a history series came from, for the tile's small label: the lake table and when its
// snapshot committed (UTC), or the topics; undefined for a series that does not say.
export function sourceLabel(series: Analytics<unknown>): string | undefined {
  if (series.source === 'lake') {
    const at = series.committed_at ? ` · committed ${series.committed_at.slice(0, 19).replace('T', ' ')} UTC` : ''
    return `from the lake: ${series.table ?? 'table'}${at}`
  }
  if (series.source === 'topics') return 'from the topics'
  return undefined
}
