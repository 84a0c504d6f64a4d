import { describe, expect, it } from 'vitest'
import type { Alert } from '../src/api/types'
import { devicesOf, filterAlerts, formatEventTime, mergeAlerts, pairEpisodes, retractAlerts } from '../src/lib/alerts'

function alert(over: Partial<Alert>): Alert {
  return {
    id: 't/0/0',
    kind: 'drift',
    status: null,
    time_ms: 0,
    time: '',
    device_id: 'DEV-P001',
    patient_id: 'P001',
    metric: 'Pressure',
    value: 1,
    message: 'm',
    row: {},
    ...over,
  }
}

describe('alerts', () => {
  it('merges live alerts newest first without duplicates, within the limit', () => {
    const a = alert({ id: 'a', time_ms: 10 })
    const b = alert({ id: 'b', time_ms: 30 })
    const c = alert({ id: 'c', time_ms: 20 })
    expect(mergeAlerts([a, b], [c, a]).map((x) => x.id)).toEqual(['b', 'c', 'a'])
    expect(mergeAlerts([a, b], [c], 2).map((x) => x.id)).toEqual(['b', 'c'])
  })

  it('filters by kind and device, and lists the devices', () => {
    const list = [alert({ id: '1', kind: 'geofence', device_id: 'DEV-P002' }), alert({ id: '2' }), alert({ id: '3', device_id: 'DEV-P002' })]
    expect(filterAlerts(list, { kind: 'drift', device: '' }).map((a) => a.id)).toEqual(['2', '3'])
    expect(filterAlerts(list, { kind: 'drift', device: 'DEV-P002' }).map((a) => a.id)).toEqual(['3'])
    expect(filterAlerts(list, { kind: '', device: '' })).toHaveLength(3)
    expect(devicesOf(list)).toEqual(['DEV-P001', 'DEV-P002'])
  })

  it('pairs a RESOLVED with the ALERT of the same episode, not another', () => {
    const raised = alert({ id: 'r1', kind: 'non_adherence', status: 'ALERT', metric: 'FlowRate', row: { out_since: 100 } })
    const other = alert({ id: 'r2', kind: 'non_adherence', status: 'ALERT', metric: 'FlowRate', row: { out_since: 900 } })
    const resolved = alert({ id: 'r3', kind: 'non_adherence', status: 'RESOLVED', metric: 'FlowRate', row: { out_since: 100 } })
    const { resolves, resolvedBy } = pairEpisodes([resolved, other, raised])
    expect(resolves.get('r3')?.id).toBe('r1')
    expect(resolvedBy.get('r1')?.id).toBe('r3')
    expect(resolvedBy.has('r2')).toBe(false)
  })

  it('a retraction removes the alerts of its event only', () => {
    const list = [alert({ id: '1', kind: 'geofence', row: { event_id: 'E1' } }), alert({ id: '2', kind: 'geofence', row: { event_id: 'E2' } })]
    expect(retractAlerts(list, 'geofence', 'E1').map((a) => a.id)).toEqual(['2'])
    expect(retractAlerts(list, 'geofence', '')).toHaveLength(2)
  })

  it('shows event time in UTC', () => {
    expect(formatEventTime(Date.UTC(2026, 11, 7, 10, 5, 0, 123))).toBe('2026-12-07 10:05:00 UTC')
  })
})
