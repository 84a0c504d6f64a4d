import { describe, expect, it } from 'vitest'
import { compareValues, nextSort, searchRows, sortRows } from '../src/lib/table'

const rows = [
  { id: 'P10', name: 'Bob', age: 9 },
  { id: 'P2', name: 'alice', age: 31 },
  { id: 'P3', name: null, age: null },
]

describe('searchRows', () => {
  it('keeps rows with a value containing the query, ignoring case', () => {
    expect(searchRows(rows, 'ALI').map((r) => r.id)).toEqual(['P2'])
    expect(searchRows(rows, '31').map((r) => r.id)).toEqual(['P2'])
  })
  it('keeps everything for a blank query', () => {
    expect(searchRows(rows, '  ')).toHaveLength(3)
  })
})

describe('sortRows', () => {
  it('sorts text naturally (P2 before P10) and numbers as numbers', () => {
    expect(sortRows(rows, { key: 'id', direction: 'asc' }).map((r) => r.id)).toEqual(['P2', 'P3', 'P10'])
    expect(sortRows(rows, { key: 'age', direction: 'desc' }).map((r) => r.id)).toEqual(['P2', 'P10', 'P3'])
  })
  it('keeps empty values last in both directions', () => {
    expect(sortRows(rows, { key: 'name', direction: 'asc' }).map((r) => r.id)).toEqual(['P2', 'P10', 'P3'])
    expect(sortRows(rows, { key: 'name', direction: 'desc' }).map((r) => r.id)).toEqual(['P10', 'P2', 'P3'])
  })
  it('does not reorder the input', () => {
    sortRows(rows, { key: 'age', direction: 'asc' })
    expect(rows[0]?.id).toBe('P10')
  })
  it('compares mixed values as text', () => {
    expect(compareValues(2, '10')).toBeLessThan(0)
  })
})

describe('nextSort', () => {
  it('starts ascending and flips on the same key', () => {
    const a = nextSort(null, 'id')
    expect(a).toEqual({ key: 'id', direction: 'asc' })
    expect(nextSort(a, 'id')).toEqual({ key: 'id', direction: 'desc' })
    expect(nextSort(a, 'name')).toEqual({ key: 'name', direction: 'asc' })
  })
})
