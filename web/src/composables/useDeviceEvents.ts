// Sending device events and the list of the events careflow recorded, newest first. Each device
// has its own state (idle / sending / done / error) so one device's failure shows at its panel.
// The list is live: the events recorded before the page opened (GET /device-events/recent), every
// event since as the telemetry stream carries it (`streamed`, from useTelemetryStream), whoever
// sent it, and the answers to what this page sent.
import { computed, getCurrentInstance, onMounted, reactive, shallowRef, type Ref } from 'vue'
import { api } from '../api/client'
import { eventBody, mergeEvents, readEvent, readRecord, type DeviceEvent, type EventRequest } from '../lib/deviceEvents'

export interface SendState {
  state: 'idle' | 'sending' | 'done' | 'error'
  message: string
}

export function useDeviceEvents(maxEvents = 100, streamed?: Ref<readonly unknown[]>) {
  const sent = shallowRef<DeviceEvent[]>([])
  const history = shallowRef<DeviceEvent[]>([])
  const states = reactive<Record<string, SendState>>({})
  const records = (values: readonly unknown[]) => values.map(readRecord).filter((e): e is DeviceEvent => e !== undefined)
  const events = computed(() => mergeEvents(sent.value, [...records(streamed?.value ?? []), ...history.value], maxEvents))

  // The history, once the page shows (not when used outside a component, as in unit tests).
  if (getCurrentInstance()) {
    onMounted(async () => {
      const recent = await api.get<unknown>('/device-events/recent').catch(() => [])
      history.value = Array.isArray(recent) ? records(recent) : []
    })
  }

  const stateOf = (deviceId: string): SendState => states[deviceId] ?? { state: 'idle', message: '' }

  async function send(deviceId: string, request: EventRequest): Promise<void> {
    states[deviceId] = { state: 'sending', message: '' }
    try {
      const answer = await api.post<unknown>(`/device/${encodeURIComponent(deviceId)}/events/${request.type}`, eventBody(request))
      const event = readEvent(answer, deviceId, request)
      sent.value = [event, ...sent.value].slice(0, maxEvents)
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
