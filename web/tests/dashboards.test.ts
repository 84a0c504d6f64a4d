import { describe, expect, it } from 'vitest'
import { colorFor, complianceByPatient, dayBars, deviceBars, driftStacks, hourLabel, sourceLabel, telemetryBands } from '../src/lib/dashboards'
import { buildDag, formatBytes, layerOf } from '../src/lib/pipelineDag'
import type { Job } from '../src/api/types'

const h = (hour: number) => new Date(Date.UTC(2026, 11, 7, hour)).toISOString()

describe('dashboards', () => {
  it('labels a history series by where it came from', () => {
    expect(
      sourceLabel({ available: true, data: [], message: '', source: 'lake', table: 'healthcare.hc_fct_dev_anomaly', snapshot_id: 42, committed_at: '2026-12-07T18:20:05.123Z' }),
    ).toBe('from the lake: healthcare.hc_fct_dev_anomaly · committed 2026-12-07 18:20:05 UTC')
    expect(sourceLabel({ available: true, data: [], message: '', source: 'topics', table: null, snapshot_id: null, committed_at: null })).toBe('from the topics')
    expect(sourceLabel({ available: false, data: [], message: '' })).toBeUndefined()
  })

  it('gives one band per device for the chosen metric, oldest window first', () => {
    const bands = telemetryBands(
      [
        { device_id: 'DEV-P002', patient_id: 'P002', metric: 'Pressure', points: [{ window_start: h(2), window_end: h(3), avg: 2, min: 1, max: 3, count: 12 }, { window_start: h(1), window_end: h(2), avg: 5, min: 4, max: 6, count: 12 }] },
        { device_id: 'DEV-P001', patient_id: 'P001', metric: 'Pressure', points: [] },
        { device_id: 'DEV-P001', patient_id: 'P001', metric: 'FlowRate', points: [] },
      ],
      'Pressure',
    )
    expect(bands.map((b) => b.device)).toEqual(['DEV-P001', 'DEV-P002'])
    expect(bands[1]?.points.map((p) => p.avg)).toEqual([5, 2])
  })

  it('weights compliance by readings over the patient\'s metrics', () => {
    const c = complianceByPatient([
      { patient_id: 'P001', device_id: 'DEV-P001', metric: 'Pressure', points: [{ window_start: h(1), window_end: h(2), in_range: 9, count: 10, pct: 90 }] },
      { patient_id: 'P001', device_id: 'DEV-P001', metric: 'FlowRate', points: [{ window_start: h(1), window_end: h(2), in_range: 0, count: 30, pct: 0 }] },
    ])
    expect(c).toHaveLength(1)
    expect(c[0]?.points).toEqual([{ x: Date.parse(h(1)), pct: 22.5 }])
    expect(c[0]?.latest).toBe(22.5)
  })

  it('stacks drift by metric per device and fills missing days with zero', () => {
    const s = driftStacks([
      { device_id: 'DEV-P002', metric: 'Pressure', count: 3, above: 3, below: 0, last_time: '' },
      { device_id: 'DEV-P001', metric: 'FlowRate', count: 2, above: 0, below: 2, last_time: '' },
    ])
    expect(s.labels).toEqual(['DEV-P001', 'DEV-P002'])
    expect(s.stacks).toEqual([{ label: 'FlowRate', values: [2, 0] }, { label: 'Pressure', values: [0, 3] }])
    expect(dayBars([{ date: '2026-12-03', count: 1 }, { date: '2026-12-01', count: 2 }])).toEqual({ labels: ['2026-12-01', '2026-12-02', '2026-12-03'], values: [2, 0, 1] })
    expect(dayBars([])).toEqual({ labels: [], values: [] })
    expect(deviceBars([{ device_id: 'B', count: 1 }, { device_id: 'A', count: 4 }])).toEqual({ labels: ['A', 'B'], values: [4, 1] })
  })

  it('keeps a name\'s colour and labels hours in UTC', () => {
    expect(colorFor('b', ['a', 'b'])).toBe(colorFor('b', ['a', 'b', 'c']))
    expect(hourLabel(Date.UTC(2026, 11, 7, 9))).toBe('Dec 7, 09:00')
  })
})

function job(name: string, topics: string[], over: Partial<Job> = {}): Job {
  return {
    id: name, name, state: 'RUNNING', statement: '', rowsIn: 0, rowsOut: 5, rowsInPerSecond: 0, rowsOutPerSecond: 0, watermark: null,
    lag: topics.map((topic) => ({ topic, partition: 0, offset: 0, endOffset: 0, lag: 0 })), restarts: 0, restartStrategy: '',
    error: null, errorLocation: null, createdMs: 0, ...over,
  }
}

describe('pipeline DAG', () => {
  it('links each table a job reads to the table it writes, in layer columns', () => {
    const tables = [
      { layer: 'raw', table: 'hc_raw_device_metrics', ddl: 'created', job: 'none', jobId: null, error: null },
      { layer: 'fct', table: 'hc_fct_telemetry_1h', ddl: 'created', job: 'started', jobId: 'j1', error: null },
      { layer: 'alerts', table: 'alerts.compliance.non-adherence', ddl: 'created', job: 'failed', jobId: null, error: 'x.sql: line 1:1: bad' },
    ]
    const dag = buildDag(tables, [job('hc_fct_telemetry_1h', ['hc_raw_device_metrics', 'hc_raw_device_metrics']), job('adhoc', ['other'])])
    expect(dag.nodes.map((n) => [n.id, n.layer, n.state])).toEqual([
      ['hc_raw_device_metrics', 'raw', null],
      ['hc_fct_telemetry_1h', 'fct', 'RUNNING'],
      ['alerts.compliance.non-adherence', 'alerts', null],
    ])
    expect(dag.edges.map((e) => [e.from, e.to, e.live])).toEqual([['hc_raw_device_metrics', 'hc_fct_telemetry_1h', true]])
    expect(dag.nodes.find((n) => n.id.startsWith('alerts'))?.failed).toBe(true)
    const raw = dag.nodes[0]!
    const fct = dag.nodes[1]!
    expect(fct.x).toBeGreaterThan(raw.x)
    expect(dag.edges[0]?.path.startsWith(`M${raw.x + 200},`)).toBe(true)
  })

  it('draws the jobs alone when no pipelines folder is deployed', () => {
    const dag = buildDag([], [job('hc_src_x', ['hc_raw_y'])])
    expect(dag.nodes.map((n) => n.id)).toEqual(['hc_raw_y', 'hc_src_x'])
    expect(dag.edges).toHaveLength(1)
    expect(layerOf('healthcare.public.prescriptions')).toBe('raw')
    expect(formatBytes(1536)).toBe('1.5 KiB')
    expect(formatBytes(12)).toBe('12 B')
  })
})
