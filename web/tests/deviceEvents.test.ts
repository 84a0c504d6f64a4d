import { afterEach, describe, expect, it, vi } from 'vitest'
import { ref } from 'vue'
import { flushPromises, mount } from '@vue/test-utils'
import DeviceEventPanel from '../src/components/DeviceEventPanel.vue'
import { useDeviceEvents } from '../src/composables/useDeviceEvents'
import { describeEvent, eventBody, mergeEvents, readEvent, readRecord } from '../src/lib/deviceEvents'

describe('eventBody', () => {
  it('sends only the fields the event type takes', () => {
    expect(eventBody({ type: 'button-press', plugged: true, insideGeofence: false })).toEqual({})
    expect(eventBody({ type: 'power-status', plugged: false, batteryLevel: 20.4 })).toEqual({ plugged: false, battery_level: 20 })
    expect(eventBody({ type: 'power-status', batteryLevel: 140 })).toEqual({ battery_level: 100 })
    expect(eventBody({ type: 'gps', insideGeofence: false, batteryLevel: 3 })).toEqual({ inside_geofence: false })
  })
})

describe('readEvent', () => {
  it('reads the answer careflow gives today', () => {
    const answer = { device_id: 'DEV-P001', patient_id: 'P001', event_type: 'power-status', battery_level: 20, plugged: false, ts: 1_700_000_000_000, offset: 7 }
    const e = readEvent(answer, 'DEV-P001', { type: 'power-status', batteryLevel: 20, plugged: false })
    expect(e).toMatchObject({ key: 'offset-7', type: 'power-status', deviceId: 'DEV-P001', patientId: 'P001', at: 1_700_000_000_000, offset: 7, batteryLevel: 20, plugged: false })
    expect(describeEvent(e)).toBe('unplugged, battery 20 %')
  })
  it('reads the reference API’s answer: event id, press count, position, an ISO event time', () => {
    const answer = { event_id: 'e-1', device_id: 'DEV-P002', event_type: 'BUTTON_PRESSED', press_count: 3, lat: 52.52, lng: 13.405, event_ts: '2026-01-02T03:04:05Z' }
    const e = readEvent(answer, 'DEV-P002', { type: 'button-press' })
    expect(e).toMatchObject({ key: 'e-1', eventId: 'e-1', pressCount: 3, at: Date.parse('2026-01-02T03:04:05Z') })
    expect(describeEvent(e)).toBe('button pressed (3 so far), at 52.52000, 13.40500')
  })
  it('keeps what was sent when the answer lacks it or is not an object, and skips mistyped fields', () => {
    const e = readEvent('ok', 'DEV-P003', { type: 'gps', insideGeofence: false }, 42)
    expect(e).toMatchObject({ deviceId: 'DEV-P003', at: 42, insideGeofence: false })
    expect(e.key).toMatch(/^local-/)
    expect(describeEvent(e)).toBe('outside the care area')
    const odd = readEvent({ press_count: '3', lat: null, plugged: 'no', ts: 'never' }, 'D', { type: 'button-press' }, 5)
    expect(odd).toMatchObject({ pressCount: undefined, lat: undefined, plugged: undefined, at: 5 })
  })
})

describe('readRecord and mergeEvents', () => {
  const record = {
    event_id: 'gps-0123456789ab', device_id: 'DEV-P002', patient_id: 'P002', event_type: 'GPS', lng: -87.6508, lat: 41.9219,
    battery_level: null, plugged: null, hw_model: 'CPAP-Pro', sw_version: '1.2.0', event_ts: 1_767_225_600_000,
  }
  it('reads a record value of hc_raw_device_events as the stream carries it', () => {
    expect(readRecord(record)).toMatchObject({ key: 'gps-0123456789ab', type: 'gps', deviceId: 'DEV-P002', patientId: 'P002', at: 1_767_225_600_000, lat: 41.9219 })
    expect(readRecord({ ...record, event_type: 'POWER_STATUS', battery_level: 15, plugged: false })).toMatchObject({ type: 'power-status', batteryLevel: 15, plugged: false })
    expect(readRecord({ ...record, event_type: 'BUTTON_PRESSED' })?.type).toBe('button-press')
    for (const bad of [null, 'x', { ...record, event_type: 'MELTDOWN' }, { ...record, event_id: undefined }]) expect(readRecord(bad)).toBeUndefined()
  })
  it('lists newest first, the page’s own answer winning over the same event streamed', () => {
    const streamed = [readRecord(record)!, readRecord({ ...record, event_id: 'but-1', event_type: 'BUTTON_PRESSED', event_ts: 5 })!]
    const answer = readEvent({ ...record, inside_geofence: false }, 'DEV-P002', { type: 'gps', insideGeofence: false })
    const merged = mergeEvents([answer], streamed, 10)
    expect(merged.map((e) => e.key)).toEqual(['gps-0123456789ab', 'but-1'])
    expect(merged[0]?.insideGeofence).toBe(false)
    expect(mergeEvents([], streamed, 1).map((e) => e.key)).toEqual(['gps-0123456789ab'])
  })
})

describe('useDeviceEvents', () => {
  afterEach(() => vi.unstubAllGlobals())

  it('posts the event, lists the answer newest first, and keeps each device’s state', async () => {
    const calls: [string, unknown][] = []
    let offset = 0
    vi.stubGlobal('fetch', async (path: string, init: RequestInit) => {
      calls.push([path, JSON.parse(String(init.body))])
      if (path.startsWith('/device/DEV-X/')) return new Response(JSON.stringify({ error: { code: 'not_found', message: 'device DEV-X not found' } }), { status: 404 })
      return new Response(JSON.stringify({ device_id: 'DEV-P001', ts: 1, offset: offset++ }), { status: 201 })
    })
    const events = useDeviceEvents(2)
    await events.send('DEV-P001', { type: 'button-press' })
    await events.send('DEV-P001', { type: 'gps', insideGeofence: true })
    await events.send('DEV-P001', { type: 'power-status', plugged: true, batteryLevel: 80 })
    await events.send('DEV-X', { type: 'button-press' })
    expect(calls).toEqual([
      ['/device/DEV-P001/events/button-press', {}],
      ['/device/DEV-P001/events/gps', { inside_geofence: true }],
      ['/device/DEV-P001/events/power-status', { plugged: true, battery_level: 80 }],
      ['/device/DEV-X/events/button-press', {}],
    ])
    expect(events.events.value.map((e) => e.type)).toEqual(['power-status', 'gps']) // at most 2
    expect(Object.keys(events.latestOf('DEV-P001')).sort()).toEqual(['gps', 'power-status'])
    expect(events.stateOf('DEV-P001')).toEqual({ state: 'done', message: '' })
    expect(events.stateOf('DEV-X')).toEqual({ state: 'error', message: 'device DEV-X not found' })
    expect(events.stateOf('DEV-NEVER').state).toBe('idle')
  })

  it('lists the events the stream carries, whoever sent them', async () => {
    const streamed = ref<unknown[]>([])
    const events = useDeviceEvents(10, streamed)
    expect(events.events.value).toEqual([])
    streamed.value = [{ event_id: 'but-abc', device_id: 'DEV-P004', patient_id: 'P004', event_type: 'BUTTON_PRESSED', event_ts: 9 }]
    expect(events.events.value.map((e) => [e.deviceId, e.type])).toEqual([['DEV-P004', 'button-press']])
  })
})

describe('DeviceEventPanel', () => {
  const device = { deviceId: 'DEV-P001', patientId: 'P001' }
  it('asks for each event with the controls’ values', async () => {
    const w = mount(DeviceEventPanel, { props: { device, state: { state: 'idle', message: '' }, latest: {} } })
    await w.find('[data-event="button-press"]').trigger('click')
    await w.find('[data-test="plugged"]').setValue(false)
    await w.find('[data-test="battery"]').setValue('35')
    await w.find('[data-event="power-status"]').trigger('click')
    await w.find('[data-event="gps-outside"]').trigger('click')
    await w.find('[data-event="gps-inside"]').trigger('click')
    expect(w.emitted('send')?.map((args) => args[0])).toEqual([
      { type: 'button-press' },
      { type: 'power-status', plugged: false, batteryLevel: 35 },
      { type: 'gps', insideGeofence: false },
      { type: 'gps', insideGeofence: true },
    ])
    expect(w.find('[data-test="last"]').text()).toBe('No events sent yet.')
  })
  it('shows the server’s refusal and holds the buttons while sending', async () => {
    const w = mount(DeviceEventPanel, { props: { device, state: { state: 'error', message: 'the schema registry does not answer' }, latest: {} } })
    expect(w.find('[data-test="event-error"]').text()).toBe('the schema registry does not answer')
    await w.setProps({ state: { state: 'sending', message: '' } })
    await flushPromises()
    expect(w.findAll('button').every((b) => b.attributes('disabled') !== undefined)).toBe(true)
  })
})
