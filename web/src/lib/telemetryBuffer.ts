// Holds the live readings between the EventSource and the screen. Readings arrive one by one (up
// to thousands a second); the page takes them in batches once per frame with flush(), so the
// screen never redraws per reading and never keeps more than its bounds.

import type { Reading } from '../api/types'

export interface SeriesPoint {
  ts: number
  value: number
}

export interface BufferBounds {
  maxRows: number // table rows kept, newest first
  maxPoints: number // chart points kept per device and metric
}

export const seriesKey = (deviceId: string, metric: string) => `${deviceId}|${metric}`

export class TelemetryBuffer {
  private pending: Reading[] = []
  rows: Reading[] = [] // newest first
  readonly series = new Map<string, SeriesPoint[]>()
  received = 0
  shown = 0
  newestTs = 0
  readonly bounds: BufferBounds

  constructor(bounds: BufferBounds = { maxRows: 300, maxPoints: 120 }) {
    this.bounds = bounds
  }

  push(reading: Reading): void {
    this.received++
    this.pending.push(reading)
    // A page hidden for long must not hoard: only the newest readings can ever be shown.
    const cap = this.bounds.maxRows + this.bounds.maxPoints * 64
    if (this.pending.length > cap) this.pending.splice(0, this.pending.length - cap)
  }

  get pendingCount(): number {
    return this.pending.length
  }

  // Moves the pending readings into the table rows and chart series; returns how many moved.
  flush(): number {
    const batch = this.pending
    if (!batch.length) return 0
    this.pending = []
    const newestFirst = batch.slice(-this.bounds.maxRows).reverse()
    this.rows = newestFirst.concat(this.rows.slice(0, Math.max(0, this.bounds.maxRows - newestFirst.length)))
    for (const r of batch) {
      const key = seriesKey(r.device_id, r.metric_name)
      let points = this.series.get(key)
      if (!points) {
        points = []
        this.series.set(key, points)
      }
      points.push({ ts: r.ts, value: r.metric_value })
      if (r.ts > this.newestTs) this.newestTs = r.ts
    }
    for (const points of this.series.values()) {
      if (points.length > this.bounds.maxPoints) points.splice(0, points.length - this.bounds.maxPoints)
    }
    this.shown += batch.length
    return batch.length
  }

  // Drops what is pending without showing it (the view is paused).
  discardPending(): number {
    const n = this.pending.length
    this.pending = []
    return n
  }

  clear(): void {
    this.pending = []
    this.rows = []
    this.series.clear()
    this.received = 0
    this.shown = 0
    this.newestTs = 0
  }
}

// Readings per second over a sliding window.
export class RateMeter {
  private batches: { at: number; count: number }[] = []
  private readonly windowMs: number

  constructor(windowMs = 2000) {
    this.windowMs = windowMs
  }

  add(count: number, nowMs: number): void {
    if (count > 0) this.batches.push({ at: nowMs, count })
    this.trim(nowMs)
  }

  rate(nowMs: number): number {
    this.trim(nowMs)
    const total = this.batches.reduce((sum, b) => sum + b.count, 0)
    return (total * 1000) / this.windowMs
  }

  private trim(nowMs: number): void {
    const from = nowMs - this.windowMs
    while ((this.batches[0]?.at ?? Infinity) <= from) this.batches.shift()
  }
}
