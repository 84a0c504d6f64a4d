import { describe, expect, it } from 'vitest'
import { flushPromises, mount, RouterLinkStub } from '@vue/test-utils'
import { ApiError } from '../src/api/client'
import ArchitectureDiagram from '../src/components/ArchitectureDiagram.vue'
import ResourceForm from '../src/components/ResourceForm.vue'
import SideNav from '../src/components/SideNav.vue'
import SortableTable from '../src/components/SortableTable.vue'
import { partState } from '../src/composables/useHealth'
import type { FieldDef } from '../src/lib/fields'

describe('SortableTable', () => {
  const rows = [
    { id: 'P2', name: 'Carol' },
    { id: 'P10', name: 'alice' },
    { id: 'P1', name: 'Bob' },
  ]
  const columns = [
    { key: 'id', label: 'Id' },
    { key: 'name', label: 'Name' },
  ]
  const ids = (w: ReturnType<typeof mount>) => w.findAll('tbody tr').map((tr) => tr.attributes('data-row'))

  it('sorts by a header and flips on the second click', async () => {
    const w = mount(SortableTable, { props: { rows, columns, rowKey: 'id', label: 'People' } })
    await w.find('[data-sort="name"]').trigger('click')
    expect(ids(w)).toEqual(['P10', 'P1', 'P2'])
    expect(w.find('th[aria-sort="ascending"]').text()).toContain('Name')
    await w.find('[data-sort="name"]').trigger('click')
    expect(ids(w)).toEqual(['P2', 'P1', 'P10'])
  })
  it('filters by the search box and counts', async () => {
    const w = mount(SortableTable, { props: { rows, columns, rowKey: 'id', label: 'People', initialSort: { key: 'id', direction: 'asc' } } })
    expect(ids(w)).toEqual(['P1', 'P2', 'P10'])
    await w.find('input[type="search"]').setValue('bo')
    expect(ids(w)).toEqual(['P1'])
    expect(w.find('[data-test="count"]').text()).toBe('1 of 3')
    await w.find('input[type="search"]').setValue('nobody')
    expect(w.text()).toContain('Nothing matches the search.')
  })
})

describe('ResourceForm', () => {
  const fields: FieldDef[] = [
    { key: 'patientId', label: 'Patient id', type: 'text', required: true },
    { key: 'birthDate', label: 'Birth date', type: 'date', nullable: true },
  ]
  it('shows the API’s error under the field it names', async () => {
    const save = () => Promise.reject(new ApiError(422, 'validation_error', 'birthDate must be a date as YYYY-MM-DD', 'birthDate'))
    const w = mount(ResourceForm, { props: { fields, keyField: 'patientId', row: null, save, noun: 'patient' } })
    await w.find('form').trigger('submit')
    await flushPromises()
    expect(w.find('[data-error-for="birthDate"]').text()).toBe('birthDate must be a date as YYYY-MM-DD')
    expect(w.find('#f-birthDate').attributes('aria-invalid')).toBe('true')
    expect(w.find('[data-test="form-error"]').exists()).toBe(false)
  })
  it('shows an error without a known field above the form', async () => {
    const save = () => Promise.reject(new ApiError(409, 'conflict', 'patient P1 already exists'))
    const w = mount(ResourceForm, { props: { fields, keyField: 'patientId', row: null, save, noun: 'patient' } })
    await w.find('form').trigger('submit')
    await flushPromises()
    expect(w.find('[data-test="form-error"]').text()).toBe('patient P1 already exists')
  })
  it('sends the body built from the inputs and emits saved', async () => {
    const sent: unknown[] = []
    const save = (body: Record<string, unknown>, creating: boolean) => {
      sent.push({ body, creating })
      return Promise.resolve({ patientId: 'P9' })
    }
    const w = mount(ResourceForm, { props: { fields, keyField: 'patientId', row: null, save, noun: 'patient' } })
    await w.find('#f-patientId').setValue('P9')
    await w.find('form').trigger('submit')
    await flushPromises()
    expect(sent).toEqual([{ body: { patientId: 'P9' }, creating: true }])
    expect(w.emitted('saved')).toEqual([[{ patientId: 'P9' }]])
  })
  it('does not let the key change when editing', () => {
    const w = mount(ResourceForm, { props: { fields, keyField: 'patientId', row: { patientId: 'P1' }, save: () => Promise.resolve({}), noun: 'patient' } })
    expect(w.find('#f-patientId').attributes('disabled')).toBeDefined()
    expect(w.find('h2').text()).toBe('Edit patient P1')
  })
})

describe('health', () => {
  const health = { status: 'degraded' as const, components: { database: { status: 'ok' as const }, log: { status: 'down' as const, message: 'disk' } } }
  it('tells running, down, not running yet and not yet checked apart', () => {
    expect(partState(health, true, 'database')).toBe('ok')
    expect(partState(health, true, 'log')).toBe('down')
    expect(partState(health, true, 'pipelines')).toBe('absent')
    expect(partState(null, null, 'database')).toBe('unknown')
    expect(partState(null, false, 'database')).toBe('down')
  })
  it('colours the architecture picture by state', () => {
    const w = mount(ArchitectureDiagram, { props: { states: { database: 'ok', log: 'down', simulator: 'ok', cdc: 'absent', pipelines: 'absent' } } })
    expect(w.find('[data-box="database"]').attributes('data-state')).toBe('ok')
    expect(w.find('[data-box="log"]').attributes('data-state')).toBe('down')
    expect(w.find('[data-box="pipelines"]').attributes('data-state')).toBe('absent')
    expect(w.find('[data-box="alerts"]').attributes('data-state')).toBe('absent')
  })
})

describe('SideNav', () => {
  it('asks to close once a page is chosen, the one already shown included', async () => {
    const w = mount(SideNav, { props: { open: true }, global: { stubs: { RouterLink: RouterLinkStub } } })
    expect(w.find('#side-nav').attributes('data-open')).toBe('true')
    await w.find('[data-nav="devices"]').trigger('click')
    await w.find('[data-nav="home"]').trigger('click')
    expect(w.emitted('close')).toHaveLength(2)
  })
})
