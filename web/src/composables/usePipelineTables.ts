// GET /pipelines (the tables deployed from pipelines.path and their jobs), polled while the
// Pipelines page shows them, with an explicit idle / loading / done / error state.

import { onBeforeUnmount, onMounted, ref, shallowRef } from 'vue'
import { api } from '../api/client'
import type { PipelinesStatus } from '../api/types'
import type { LoadState } from './useJobs'

export function usePipelineTables(intervalMs = 3000) {
  const pipelines = shallowRef<PipelinesStatus>({ path: null, tables: [] })
  const state = ref<LoadState>('idle')
  const error = ref('')
  let timer: ReturnType<typeof setInterval> | undefined

  async function refresh(): Promise<void> {
    if (state.value === 'idle') state.value = 'loading'
    try {
      pipelines.value = await api.get<PipelinesStatus>('/pipelines')
      state.value = 'done'
      error.value = ''
    } catch (e) {
      state.value = 'error'
      error.value = (e as Error).message
    }
  }

  onMounted(() => {
    void refresh()
    timer = setInterval(() => void refresh(), intervalMs)
  })
  onBeforeUnmount(() => clearInterval(timer))
  return { pipelines, state, error, refresh }
}
