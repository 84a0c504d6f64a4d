// Device events (POST /device/{id}/events/{type}): the body each control sends and the answer
// read back. The server answers with the event it recorded; which fields it carries grows with
// the reference's API (event_id, press_count, lat, lng, event_ts), so every field is read as
// optional and checked for its type, and a missing one is simply not shown.

export const EVENT_TYPES = ['button-press', 'power-status', 'gps'] as const
export type DeviceEventType = (typeof EVENT_TYPES)[number]

// What a control asks for; only the fields the type takes go into the body.
export interface EventRequest {
  type: DeviceEventType
  batteryLevel?: number // power-status: 0..100
  plugged?: boolean // power-status
  insideGeofence?: boolean // gps
}

export interface DeviceEvent {
  key: string // unique in the list: the event id, else the log offset, else a local counter
  type: DeviceEventType
  deviceId: string
  patientId?: string
  at: number // epoch milliseconds
  eventId?: string
  offset?: number
  pressCount?: number
  batteryLevel?: number
  plugged?: boolean
  insideGeofence?: boolean
  lat?: number
  lng?: number
}

export function eventBody(request: EventRequest): Record<string, number | boolean> {
  switch (request.type) {
    case 'power-status':
      return {
        ...(request.batteryLevel === undefined ? {} : { battery_level: Math.round(Math.min(100, Math.max(0, request.batteryLevel))) }),
        ...(request.plugged === undefined ? {} : { plugged: request.plugged }),
      }
    case 'gps':
      return request.insideGeofence === undefined ? {} : { inside_geofence: request.insideGeofence }
    default:
      return {}
  }
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined)
const bool = (v: unknown) => (typeof v === 'boolean' ? v : undefined)
const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined)
function time(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v
  if (typeof v === 'string') {
    const t = Date.parse(v)
    return Number.isNaN(t) ? undefined : t
  }
  return undefined
}

let localKey = 0

// The answer as an event for the list; `sent` fills in what the answer leaves out.
export function readEvent(answer: unknown, deviceId: string, sent: EventRequest, now = Date.now()): DeviceEvent {
  const a = answer !== null && typeof answer === 'object' ? (answer as Record<string, unknown>) : {}
  const eventId = str(a.event_id)
  const offset = num(a.offset)
  const event: DeviceEvent = {
    key: eventId ?? (offset === undefined ? `local-${++localKey}` : `offset-${offset}`),
    type: sent.type,
    deviceId: str(a.device_id) ?? deviceId,
    patientId: str(a.patient_id),
    at: time(a.ts) ?? time(a.event_ts) ?? now,
    eventId,
    offset,
    pressCount: num(a.press_count),
    batteryLevel: num(a.battery_level) ?? (sent.type === 'power-status' ? sent.batteryLevel : undefined),
    plugged: bool(a.plugged) ?? (sent.type === 'power-status' ? sent.plugged : undefined),
    insideGeofence: bool(a.inside_geofence) ?? (sent.type === 'gps' ? sent.insideGeofence : undefined),
    lat: num(a.lat),
    lng: num(a.lng),
  }
  return event
}

// One line saying what the event was, for the list.
export function describeEvent(e: DeviceEvent): string {
  const parts: string[] = []
  if (e.type === 'button-press') parts.push(e.pressCount === undefined ? 'button pressed' : `button pressed (${e.pressCount} so far)`)
  if (e.type === 'power-status') {
    if (e.plugged !== undefined) parts.push(e.plugged ? 'plugged in' : 'unplugged')
    if (e.batteryLevel !== undefined) parts.push(`battery ${e.batteryLevel} %`)
  }
  if (e.type === 'gps' && e.insideGeofence !== undefined) parts.push(e.insideGeofence ? 'inside the care area' : 'outside the care area')
  if (e.lat !== undefined && e.lng !== undefined) parts.push(`at ${e.lat.toFixed(5)}, ${e.lng.toFixed(5)}`)
  return parts.join(', ') || e.type
}

// The record types on hc_raw_device_events, as the page's event types.
const RECORD_TYPES: Record<string, DeviceEventType> = { BUTTON_PRESSED: 'button-press', POWER_STATUS: 'power-status', GPS: 'gps' }

// One record value from the live stream (`event: device-event`) or GET /device-events/recent;
// undefined for what is not a device event careflow knows. The record says where the device was,
// not whether that is inside its care area, so a streamed GPS event shows its position only.
export function readRecord(value: unknown): DeviceEvent | undefined {
  if (value === null || typeof value !== 'object') return undefined
  const v = value as Record<string, unknown>
  const type = typeof v.event_type === 'string' ? RECORD_TYPES[v.event_type] : undefined
  const deviceId = str(v.device_id)
  const eventId = str(v.event_id)
  if (!type || !deviceId || !eventId) return undefined
  return {
    key: eventId,
    type,
    deviceId,
    patientId: str(v.patient_id),
    at: time(v.event_ts) ?? 0,
    eventId,
    batteryLevel: num(v.battery_level),
    plugged: bool(v.plugged),
    lat: num(v.lat),
    lng: num(v.lng),
  }
}

// The events to list, newest (event time) first, at most `max`: the answers to what this page
// sent win over the same event streamed (they also know the press count and inside / outside).
export function mergeEvents(sent: readonly DeviceEvent[], streamed: readonly DeviceEvent[], max: number): DeviceEvent[] {
  const seen = new Set(sent.map((e) => e.key))
  const all = [...sent, ...streamed.filter((e) => !seen.has(e.key))]
  return all.sort((a, b) => b.at - a.at).slice(0, max)
}
