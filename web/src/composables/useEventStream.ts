// Named events of GET /telemetry/stream (Server-Sent Events) handed to callbacks, for pages that
// want a few kinds of event (the dashboards' `alert`, `alert-retracted`, `fact`) rather than the
// telemetry buffer useTelemetryStream keeps. Reconnects with backoff once the browser gives up;
// `reconnects` counts them so a page can fetch what it missed meanwhile.

import { onBeforeUnmount, onMounted, ref } from 'vue'
import { api } from '../api/client'
import { withToken } from '../api/token'

export type StreamState = 'connecting' | 'open' | 'reconnecting' | 'closed'

export function useEventStream(handlers: Record<string, (data: unknown) => void>, url = '/telemetry/stream') {
  const state = ref<StreamState>('connecting')
  const reconnects = ref(0)
  const lastError = ref('')
  let source: EventSource | null = null
  let retryTimer: ReturnType<typeof setTimeout> | undefined
  let retryDelay = 500
  let stopped = false

  function connect() {
    source?.close()
    state.value = reconnects.value ? 'reconnecting' : 'connecting'
    source = new EventSource(withToken(url))
    source.onopen = () => {
      state.value = 'open'
      retryDelay = 500
    }
    for (const [name, handle] of Object.entries(handlers)) {
      source.addEventListener(name, (e) => {
        try {
          handle(JSON.parse((e as MessageEvent<string>).data) as unknown)
        } catch {
          lastError.value = `an event "${name}" that is not JSON was skipped`
        }
      })
    }
    source.onerror = () => {
      if (source && source.readyState !== EventSource.CLOSED) {
        state.value = 'reconnecting'
        return
      }
      source?.close()
      source = null
      if (stopped) return
      state.value = 'reconnecting'
      clearTimeout(retryTimer)
      retryTimer = setTimeout(() => {
        reconnects.value++
        // A plain request asks for the API token on a 401 before the stream tries again.
        void api.get('/health').catch(() => undefined).finally(() => {
          if (!stopped) connect()
        })
      }, retryDelay)
      retryDelay = Math.min(retryDelay * 2, 5000)
    }
  }

  onMounted(() => {
    stopped = false
    connect()
  })
  onBeforeUnmount(() => {
    stopped = true
    clearTimeout(retryTimer)
    source?.close()
    state.value = 'closed'
  })
  return { state, reconnects, lastError }
}
