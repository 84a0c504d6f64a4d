// GET /pipelines (the tables deployed from pipelines.path and their jobs), polled while the
// Pipelines page shows them.

import type { PipelinesStatus } from '../api/types'
import { usePolledGet } from './usePolledGet'

export function usePipelineTables(intervalMs = 3000) {
  const { value: pipelines, state, error, refresh } = usePolledGet<PipelinesStatus>('/pipelines', { path: null, tables: [] }, intervalMs)
  return { pipelines, state, error, refresh }
}
