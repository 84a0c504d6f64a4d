// The Alerts page's logic, apart from Vue: merging the initial list with live alerts, filtering by
// kind and device, and pairing each non-adherence RESOLVED with the ALERT it ends.

import type { Alert, AlertKind } from '../api/types'

export const KIND_LABELS: Record<AlertKind, string> = {
  non_adherence: 'Non-adherence',
  drift: 'Drift',
  anomaly: 'Anomaly',
  clogged_filter: 'Clogged filter',
  geofence: 'Geofence',
  button_emergency: 'Emergency button',
  insulin_bolus: 'Insulin bolus',
}

// Newest first, ties by id; an alert already there (by id) is not added twice; at most `limit`.
export function mergeAlerts(existing: readonly Alert[], incoming: readonly Alert[], limit = 500): Alert[] {
  const byId = new Map<string, Alert>()
  for (const a of existing) byId.set(a.id, a)
  for (const a of incoming) byId.set(a.id, a)
  return [...byId.values()]
    .sort((a, b) => b.time_ms - a.time_ms || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
    .slice(0, limit)
}

// A retraction (a widened care area withdraws its geofence alerts) removes the alerts of that event.
export function retractAlerts(list: readonly Alert[], kind: string, eventId: string): Alert[] {
  if (!eventId) return [...list]
  return list.filter((a) => !(a.kind === kind && a.row['event_id'] === eventId))
}

export interface AlertFilters {
  kind: AlertKind | ''
  device: string
}

export function filterAlerts(list: readonly Alert[], f: AlertFilters): Alert[] {
  return list.filter((a) => (!f.kind || a.kind === f.kind) && (!f.device || a.device_id === f.device))
}

// The episode a non-adherence row belongs to: ALERT and RESOLVED share device, metric and out_since.
export function episodeKey(a: Alert): string | null {
  if (a.kind !== 'non_adherence') return null
  return `${a.device_id}|${a.metric ?? ''}|${String(a.row['out_since'] ?? '')}`
}

// For each RESOLVED, the ALERT of its episode when the list has it (by id), so the page can show
// "resolves the alert of 10:05"; an ALERT with its RESOLVED known is marked resolved.
export function pairEpisodes(list: readonly Alert[]): { resolves: Map<string, Alert>; resolvedBy: Map<string, Alert> } {
  const alerts = new Map<string, Alert>()
  const resolutions = new Map<string, Alert>()
  for (const a of list) {
    const key = episodeKey(a)
    if (!key) continue
    if (a.status === 'ALERT') alerts.set(key, a)
    else if (a.status === 'RESOLVED') resolutions.set(key, a)
  }
  const resolves = new Map<string, Alert>()
  const resolvedBy = new Map<string, Alert>()
  for (const [key, r] of resolutions) {
    const a = alerts.get(key)
    if (!a) continue
    resolves.set(r.id, a)
    resolvedBy.set(a.id, r)
  }
  return { resolves, resolvedBy }
}

// Devices named by the alerts, sorted, for the device filter.
export function devicesOf(list: readonly Alert[]): string[] {
  return [...new Set(list.map((a) => a.device_id).filter(Boolean))].sort()
}

// "2026-12-07 10:05:00 UTC": event time (story time), shown in UTC as the pipelines compute it.
export function formatEventTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC')
}
