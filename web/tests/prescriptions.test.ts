import { describe, expect, it } from 'vitest'
import type { Device, Prescription } from '../src/api/types'
import { bandsFor, currentPrescription, dateInputToMs, devicesOfPatient, groupByDevice, msToDateInput, outsideBand } from '../src/lib/prescriptions'

const day = 86_400_000
const now = 100 * day
const rx = (id: string, deviceId: string, start: number, end: number | null, target = 10): Prescription => ({
  prescriptionId: id,
  patientId: 'P1',
  deviceId,
  medicationOrTherapy: 'CPAP',
  startDate: start,
  endDate: end,
  parameters: [{ parameter_name: 'Pressure', parameter_value: target, parameter_tolerance: 1, unit: 'cmH2O' }],
})

describe('currentPrescription', () => {
  it('takes the latest started one that has not ended, as the simulator does', () => {
    const list = [rx('A', 'D1', now - 10 * day, null), rx('B', 'D1', now - day, null), rx('C', 'D1', now + day, null), rx('D', 'D2', now, null)]
    expect(currentPrescription(list, 'D1', now)?.prescriptionId).toBe('B')
  })
  it('ignores ended ones but keeps one ending right now', () => {
    expect(currentPrescription([rx('A', 'D1', now - day, now - 1)], 'D1', now)).toBeNull()
    expect(currentPrescription([rx('A', 'D1', now - day, now)], 'D1', now)?.prescriptionId).toBe('A')
  })
  it('breaks ties of start date by the smaller id', () => {
    expect(currentPrescription([rx('Z', 'D1', now - day, null), rx('M', 'D1', now - day, null)], 'D1', now)?.prescriptionId).toBe('M')
  })
})

describe('bandsFor', () => {
  const device: Device = { deviceId: 'D1', patientId: 'P1', pressureSetting: 8, flowRateSetting: null, flowLevelSetting: 50 }
  it('uses the current prescription, and the settings for the metrics it does not name (as the simulator does)', () => {
    expect(bandsFor(device, [rx('A', 'D1', now - day, null, 12)], now)).toEqual({
      Pressure: { target: 12, tolerance: 1, unit: 'cmH2O' },
      FlowLevel: { target: 50, tolerance: 0, unit: '' },
    })
  })
  it('falls back to the device settings with no tolerance', () => {
    expect(bandsFor(device, [], now)).toEqual({ Pressure: { target: 8, tolerance: 0, unit: '' }, FlowLevel: { target: 50, tolerance: 0, unit: '' } })
  })
  it('takes each metric from the latest current prescription naming it, settings for the rest, no pump rule', () => {
    const glucose: Prescription = {
      ...rx('G', 'D1', now - 2 * day, null),
      parameters: [
        { parameter_name: 'BloodGlucose', parameter_value: 120, parameter_tolerance: 60, unit: 'mg/dL' },
        { parameter_name: 'Pressure', parameter_value: 5, parameter_tolerance: 2 },
        { parameter_name: 'BolusThreshold', parameter_value: 250, parameter_tolerance: 0, unit: 'mg/dL' },
      ],
    }
    expect(bandsFor(device, [glucose, rx('A', 'D1', now - day, null, 12), rx('Old', 'D1', now - 9 * day, now - 5 * day, 3)], now)).toEqual({
      Pressure: { target: 12, tolerance: 1, unit: 'cmH2O' },
      BloodGlucose: { target: 120, tolerance: 60, unit: 'mg/dL' },
      FlowLevel: { target: 50, tolerance: 0, unit: '' },
    })
  })
  it('is empty without a device', () => {
    expect(bandsFor(undefined, [], now)).toEqual({})
  })
})

describe('outsideBand', () => {
  it('is strict at the edges', () => {
    const band = { target: 10, tolerance: 1, unit: '' }
    expect(outsideBand(11, band)).toBe(false)
    expect(outsideBand(8.99, band)).toBe(true)
    expect(outsideBand(100, undefined)).toBe(false)
  })
})

describe('groupByDevice', () => {
  it('groups by device in natural id order, newest first inside', () => {
    const groups = groupByDevice([rx('A', 'D10', 1, null), rx('B', 'D2', 1, null), rx('C', 'D2', 5, null)])
    expect(groups.map((g) => g.deviceId)).toEqual(['D2', 'D10'])
    expect(groups[0]?.prescriptions.map((p) => p.prescriptionId)).toEqual(['C', 'B'])
  })
})

describe('dates', () => {
  it('round-trips a calendar day', () => {
    const ms = dateInputToMs('2026-03-09')
    expect(ms).not.toBeNull()
    expect(msToDateInput(ms)).toBe('2026-03-09')
    expect(dateInputToMs('')).toBeNull()
    expect(msToDateInput(null)).toBe('')
  })
})

describe('devicesOfPatient', () => {
  it('keeps only that patient’s devices', () => {
    const devices: Device[] = [{ deviceId: 'D1', patientId: 'P1' }, { deviceId: 'D2', patientId: 'P2' }]
    expect(devicesOfPatient(devices, 'P2').map((d) => d.deviceId)).toEqual(['D2'])
  })
})
