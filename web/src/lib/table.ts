// Search and sort for the plain tables of the app.

export type SortDirection = 'asc' | 'desc'

export interface SortState {
  key: string
  direction: SortDirection
}

// Rows any of whose values contains `query`, ignoring case.
export function searchRows<T extends object>(rows: readonly T[], query: string): T[] {
  const q = query.trim().toLowerCase()
  if (!q) return [...rows]
  return rows.filter((row) => Object.values(row).some((v) => v !== null && v !== undefined && String(v).toLowerCase().includes(q)))
}

// Numbers compare as numbers, everything else as text; empty values sort last either way.
export function compareValues(a: unknown, b: unknown): number {
  const emptyA = a === null || a === undefined || a === ''
  const emptyB = b === null || b === undefined || b === ''
  if (emptyA || emptyB) return emptyA === emptyB ? 0 : emptyA ? 1 : -1
  if (typeof a === 'number' && typeof b === 'number') return a - b
  return String(a).localeCompare(String(b), undefined, { numeric: true, sensitivity: 'base' })
}

export function sortRows<T extends object>(rows: readonly T[], sort: SortState | null): T[] {
  const out = [...rows]
  if (!sort) return out
  const sign = sort.direction === 'asc' ? 1 : -1
  return out.sort((x, y) => {
    const a = (x as Record<string, unknown>)[sort.key]
    const b = (y as Record<string, unknown>)[sort.key]
    const c = compareValues(a, b)
    // empty values stay last in both directions
    const emptyA = a === null || a === undefined || a === ''
    const emptyB = b === null || b === undefined || b === ''
    return emptyA || emptyB ? c : sign * c
  })
}

// Clicking a header: a new key sorts ascending, the same key flips.
export function nextSort(current: SortState | null, key: string): SortState {
  if (current?.key === key) return { key, direction: current.direction === 'asc' ? 'desc' : 'asc' }
  return { key, direction: 'asc' }
}
