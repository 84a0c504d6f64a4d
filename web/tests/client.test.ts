import { describe, expect, it } from 'vitest'
import { parameterRowOf, toApiError } from '../src/api/client'
import { toBody, toFormValues, type FieldDef } from '../src/lib/fields'

describe('toApiError', () => {
  it('reads careflow’s error body with its field', async () => {
    const body = JSON.stringify({ error: { code: 'validation_error', message: 'endDate must not be before startDate', field: 'endDate' } })
    const e = await toApiError(new Response(body, { status: 422 }))
    expect(e.status).toBe(422)
    expect(e.code).toBe('validation_error')
    expect(e.field).toBe('endDate')
    expect(e.message).toBe('endDate must not be before startDate')
  })
  it('falls back to the reference API’s detail string', async () => {
    const e = await toApiError(new Response(JSON.stringify({ detail: 'Device not found' }), { status: 404 }))
    expect(e.code).toBe('http_404')
    expect(e.message).toBe('Device not found')
    const both = await toApiError(new Response(JSON.stringify({ error: { code: 'not_found', message: 'device D9 not found' }, detail: 'Device not found' }), { status: 404 }))
    expect(both.message).toBe('device D9 not found')
  })
  it('keeps a body that is not JSON as the message', async () => {
    const e = await toApiError(new Response('upstream broke', { status: 502, statusText: 'Bad Gateway' }))
    expect(e.code).toBe('http_502')
    expect(e.message).toBe('upstream broke')
    expect(e.field).toBeUndefined()
  })
})

describe('parameterRowOf', () => {
  it('finds the row a parameters message names', () => {
    expect(parameterRowOf('parameters[2].parameter_value must be a number')).toBe(2)
    expect(parameterRowOf('parameters must hold at least one parameter')).toBeNull()
  })
})

describe('form bodies', () => {
  const fields: FieldDef[] = [
    { key: 'deviceId', label: 'Device', type: 'text', required: true },
    { key: 'modelType', label: 'Model', type: 'text', nullable: true },
    { key: 'timezone', label: 'Zone', type: 'text' },
    { key: 'pressureSetting', label: 'Pressure', type: 'number', nullable: true },
  ]
  it('leaves empty inputs out when creating and parses numbers', () => {
    const values = { deviceId: ' D9 ', modelType: '', timezone: '', pressureSetting: '12.5' }
    expect(toBody(fields, values, true, 'deviceId')).toEqual({ deviceId: 'D9', pressureSetting: 12.5 })
  })
  it('clears nullable fields on edit, never sends the key, and sends bad numbers as text for the API to name', () => {
    const values = { deviceId: 'D9', modelType: '', timezone: '', pressureSetting: 'high' }
    expect(toBody(fields, values, false, 'deviceId')).toEqual({ modelType: null, pressureSetting: 'high' })
  })
  it('turns a row into input values', () => {
    expect(toFormValues(fields, { deviceId: 'D1', pressureSetting: 8, modelType: null })).toEqual({ deviceId: 'D1', modelType: '', timezone: '', pressureSetting: '8' })
  })
})
