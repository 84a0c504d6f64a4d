import { describe, expect, it } from 'vitest'
import type { Reading } from '../src/api/types'
import { RateMeter, TelemetryBuffer, seriesKey } from '../src/lib/telemetryBuffer'

const reading = (i: number, device = 'D1', metric = 'Pressure'): Reading => ({
  device_id: device,
  patient_id: 'P1',
  ts: 1000 + i,
  metric_name: metric,
  metric_value: i,
  software_version: '1',
})

describe('TelemetryBuffer', () => {
  it('shows nothing until flushed, then newest first', () => {
    const b = new TelemetryBuffer({ maxRows: 10, maxPoints: 10 })
    for (let i = 0; i < 3; i++) b.push(reading(i))
    expect(b.rows).toEqual([])
    expect(b.flush()).toBe(3)
    expect(b.rows.map((r) => r.metric_value)).toEqual([2, 1, 0])
    expect(b.newestTs).toBe(1002)
  })
  it('keeps at most maxRows rows and maxPoints points per series across flushes', () => {
    const b = new TelemetryBuffer({ maxRows: 5, maxPoints: 4 })
    for (let i = 0; i < 3; i++) b.push(reading(i))
    b.flush()
    for (let i = 3; i < 10; i++) b.push(reading(i))
    b.push(reading(99, 'D2', 'FlowRate'))
    b.flush()
    expect(b.rows.map((r) => r.metric_value)).toEqual([99, 9, 8, 7, 6])
    expect(b.series.get(seriesKey('D1', 'Pressure'))?.map((p) => p.value)).toEqual([6, 7, 8, 9])
    expect(b.series.get(seriesKey('D2', 'FlowRate'))).toHaveLength(1)
    expect(b.received).toBe(11)
    expect(b.shown).toBe(11)
  })
  it('discards what is pending while paused and clears everything', () => {
    const b = new TelemetryBuffer({ maxRows: 5, maxPoints: 5 })
    b.push(reading(1))
    expect(b.discardPending()).toBe(1)
    expect(b.flush()).toBe(0)
    b.push(reading(2))
    b.flush()
    b.clear()
    expect(b.rows).toEqual([])
    expect(b.series.size).toBe(0)
    expect(b.received).toBe(0)
  })
  it('bounds what waits for a flush', () => {
    const b = new TelemetryBuffer({ maxRows: 2, maxPoints: 1 })
    for (let i = 0; i < 1000; i++) b.push(reading(i))
    expect(b.pendingCount).toBe(2 + 64)
    b.flush()
    expect(b.rows.map((r) => r.metric_value)).toEqual([999, 998])
  })
})

describe('RateMeter', () => {
  it('counts per second over its window', () => {
    const m = new RateMeter(2000)
    m.add(500, 0)
    m.add(1500, 1000)
    expect(m.rate(1500)).toBe(1000)
    expect(m.rate(2500)).toBe(750) // the first batch left the window
    expect(m.rate(10_000)).toBe(0)
  })
})
