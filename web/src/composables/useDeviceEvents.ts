// Sending device events and the list of the events careflow recorded, newest first. Each device
// has its own state (idle / sending / done / error) so one device's failure shows at its panel.
// careflow has no route that lists or streams device events yet: the list holds the events this
// page sent, as the server answered them (with their offset on hc_raw_device_events).
import { reactive, shallowRef } from 'vue'
import { api } from '../api/client'
import { eventBody, readEvent, type DeviceEvent, type EventRequest } from '../lib/deviceEvents'

export interface SendState {
  state: 'idle' | 'sending' | 'done' | 'error'
  message: string
}

export function useDeviceEvents(maxEvents = 100) {
  const events = shallowRef<DeviceEvent[]>([])
  const states = reactive<Record<string, SendState>>({})

  const stateOf = (deviceId: string): SendState => states[deviceId] ?? { state: 'idle', message: '' }

  async function send(deviceId: string, request: EventRequest): Promise<void> {
    states[deviceId] = { state: 'sending', message: '' }
    try {
      const answer = await api.post<unknown>(`/device/${encodeURIComponent(deviceId)}/events/${request.type}`, eventBody(request))
      const event = readEvent(answer, deviceId, request)
      events.value = [event, ...events.value].slice(0, maxEvents)
      states[deviceId] = { state: 'done', message: '' }
    } catch (e) {
      states[deviceId] = { state: 'error', message: (e as Error).message }
    }
  }

  // The newest event of each type for one device: what the panel shows as its current state.
  function latestOf(deviceId: string): Partial<Record<EventRequest['type'], DeviceEvent>> {
    const out: Partial<Record<EventRequest['type'], DeviceEvent>> = {}
    for (const e of events.value) if (e.deviceId === deviceId && !out[e.type]) out[e.type] = e
    return out
  }

  return { events, stateOf, send, latestOf }
}
