// Form fields of the simple resources (patients, devices): how a field is shown and how its
// input becomes the API's JSON.

export interface FieldDef {
  key: string // camelCase name in the API
  label: string
  type: 'text' | 'date' | 'number' | 'select'
  required?: boolean
  nullable?: boolean // the API takes null to clear it
  options?: { value: string; label: string }[]
}

export type FormValues = Record<string, string>

export function toFormValues(fields: readonly FieldDef[], row: Record<string, unknown> | null): FormValues {
  const values: FormValues = {}
  for (const f of fields) {
    const v = row?.[f.key]
    values[f.key] = v === null || v === undefined ? '' : String(v)
  }
  return values
}

// The body of a POST (creating) or PUT. An empty input is left out on POST; on PUT it clears a
// nullable field and leaves any other unchanged. A number that does not parse is sent as the
// text it is, so the API names the field in its error.
export function toBody(fields: readonly FieldDef[], values: FormValues, creating: boolean, keyField: string): Record<string, unknown> {
  const body: Record<string, unknown> = {}
  for (const f of fields) {
    if (!creating && f.key === keyField) continue
    const raw = (values[f.key] ?? '').trim()
    if (raw === '') {
      if (!creating && f.nullable) body[f.key] = null
      continue
    }
    if (f.type === 'number') {
      const n = Number(raw)
      body[f.key] = Number.isFinite(n) ? n : raw
    } else {
      body[f.key] = raw
    }
  }
  return body
}
