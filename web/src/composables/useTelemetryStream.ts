// The live telemetry stream (GET /telemetry/stream, Server-Sent Events) as reactive state: the
// connection's state, reconnection with backoff when the server goes away, pause / resume /
// clear, and a once-a-frame flush of the readings into a bounded buffer. With api.token set the
// stream carries the token as ?token= (EventSource cannot send headers).

import { onBeforeUnmount, onMounted, ref, shallowRef } from 'vue'
import { api } from '../api/client'
import { withToken } from '../api/token'
import type { Reading } from '../api/types'
import { RateMeter, TelemetryBuffer } from '../lib/telemetryBuffer'

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed'

export function useTelemetryStream(url = '/telemetry/stream') {
  const buffer = new TelemetryBuffer()
  const meter = new RateMeter()
  const state = ref<ConnectionState>('connecting')
  const paused = ref(false)
  const version = ref(0) // bumped after each flush: views that read `buffer` depend on it
  const rows = shallowRef<Reading[]>([])
  const rate = ref(0)
  const lagMs = ref(0)
  const received = ref(0)
  const droppedWhilePaused = ref(0)
  const reconnects = ref(0)
  const lastError = ref('')
  // The device events the stream carried (`event: device-event`), newest first, at most 100.
  const deviceEvents = shallowRef<unknown[]>([])

  let source: EventSource | null = null
  let retryTimer: ReturnType<typeof setTimeout> | undefined
  let frame = 0
  let retryDelay = 500
  let publishedAt = 0
  let shownAtPublish = 0
  // The view re-renders at most this often, however fast readings arrive.
  const publishEveryMs = 200
  let stopped = false

  function connect() {
    source?.close()
    state.value = reconnects.value ? 'reconnecting' : 'connecting'
    source = new EventSource(withToken(url))
    source.onopen = () => {
      state.value = 'open'
      retryDelay = 500
      lastError.value = ''
    }
    source.addEventListener('telemetry', (e) => {
      try {
        buffer.push(JSON.parse((e as MessageEvent<string>).data) as Reading)
      } catch {
        lastError.value = 'a reading that is not JSON was skipped'
      }
    })
    source.addEventListener('device-event', (e) => {
      try {
        deviceEvents.value = [JSON.parse((e as MessageEvent<string>).data) as unknown, ...deviceEvents.value].slice(0, 100)
      } catch {
        lastError.value = 'a device event that is not JSON was skipped'
      }
    })
    source.onerror = () => {
      // The browser retries by itself while CONNECTING; once CLOSED it gives up, so we retry.
      if (!source || source.readyState !== EventSource.CLOSED) {
        state.value = 'reconnecting'
        return
      }
      scheduleReconnect()
    }
  }

  function scheduleReconnect() {
    source?.close()
    source = null
    if (stopped) return
    state.value = 'reconnecting'
    clearTimeout(retryTimer)
    retryTimer = setTimeout(() => {
      reconnects.value++
      // A stream refused for want of the API token closes like any other: a plain request finds
      // out, and asks for the token on a 401, before the next try carries it.
      void api.get('/telemetry/metrics').catch(() => undefined).finally(() => {
        if (!stopped) connect()
      })
    }, retryDelay)
    retryDelay = Math.min(retryDelay * 2, 5000)
  }

  function tick() {
    const now = Date.now()
    if (paused.value) {
      droppedWhilePaused.value += buffer.discardPending()
    } else {
      meter.add(buffer.flush(), now)
      if (buffer.shown !== shownAtPublish && now - publishedAt >= publishEveryMs) {
        rows.value = buffer.rows
        version.value++
        publishedAt = now
        shownAtPublish = buffer.shown
      }
    }
    received.value = buffer.received
    rate.value = meter.rate(now)
    lagMs.value = buffer.newestTs ? Math.max(0, now - buffer.newestTs) : 0
    frame = requestAnimationFrame(tick)
  }

  function pause() {
    paused.value = true
  }
  function resume() {
    paused.value = false
  }
  function clear() {
    buffer.clear()
    shownAtPublish = 0
    rows.value = []
    droppedWhilePaused.value = 0
    version.value++
  }

  onMounted(() => {
    stopped = false
    connect()
    frame = requestAnimationFrame(tick)
  })
  onBeforeUnmount(() => {
    stopped = true
    clearTimeout(retryTimer)
    cancelAnimationFrame(frame)
    source?.close()
    state.value = 'closed'
  })

  return { buffer, state, paused, version, rows, rate, lagMs, received, droppedWhilePaused, reconnects, lastError, deviceEvents, pause, resume, clear }
}
