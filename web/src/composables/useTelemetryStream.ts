// The live telemetry stream (GET /telemetry/stream, Server-Sent Events) as reactive state: the
// connection's state, reconnection with backoff when the server goes away, pause / resume /
// clear, and a once-a-frame flush of the readings into a bounded buffer. With api.token set the
// stream carries the token as ?token= (EventSource cannot send headers).

import { onBeforeUnmount, onMounted, ref, shallowRef } from 'vue'
import type { Reading } from '../api/types'
import { RateMeter, TelemetryBuffer } from '../lib/telemetryBuffer'
import { useEventStream, type StreamState } from './useEventStream'

export type ConnectionState = StreamState

export function useTelemetryStream(url = '/telemetry/stream') {
  const buffer = new TelemetryBuffer()
  const meter = new RateMeter()
  const paused = ref(false)
  const version = ref(0) // bumped after each flush: views that read `buffer` depend on it
  const rows = shallowRef<Reading[]>([])
  const rate = ref(0)
  const lagMs = ref(0)
  const received = ref(0)
  const droppedWhilePaused = ref(0)
  // The device events the stream carried (`event: device-event`), newest first, at most 100.
  const deviceEvents = shallowRef<unknown[]>([])

  let frame = 0
  let publishedAt = 0
  let shownAtPublish = 0
  // The view re-renders at most this often, however fast readings arrive.
  const publishEveryMs = 200

  // The connection, its reconnection and the token: useEventStream's.
  const stream = useEventStream(
    {
      telemetry: (data) => buffer.push(data as Reading),
      'device-event': (data) => {
        deviceEvents.value = [data, ...deviceEvents.value].slice(0, 100)
      },
    },
    url,
  )
  const { state, reconnects, lastError } = stream

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
    frame = requestAnimationFrame(tick)
  })
  onBeforeUnmount(() => cancelAnimationFrame(frame))

  return { buffer, state, paused, version, rows, rate, lagMs, received, droppedWhilePaused, reconnects, lastError, deviceEvents, pause, resume, clear }
}
