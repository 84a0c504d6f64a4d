// careflow up's jobs, polled while a page shows them: GET /jobs every `intervalMs`, with an explicit
// idle / loading / done / error state; stop() asks careflow to stop one (POST /jobs/{id}/stop).

import { onBeforeUnmount, onMounted, ref } from 'vue'
import { api } from '../api/client'
import type { Job } from '../api/types'

export type LoadState = 'idle' | 'loading' | 'done' | 'error'

export function useJobs(intervalMs = 1000) {
  const jobs = ref<Job[]>([])
  const state = ref<LoadState>('idle')
  const error = ref('')
  let timer: ReturnType<typeof setInterval> | undefined

  async function refresh(): Promise<void> {
    if (state.value === 'idle') state.value = 'loading'
    try {
      jobs.value = (await api.get<{ jobs: Job[] }>('/jobs')).jobs
      state.value = 'done'
      error.value = ''
    } catch (e) {
      state.value = 'error'
      error.value = (e as Error).message
    }
  }

  async function stop(id: string): Promise<void> {
    try {
      await api.post<Job>(`/jobs/${encodeURIComponent(id)}/stop`)
    } catch (e) {
      error.value = (e as Error).message
    }
    await refresh()
  }

  onMounted(() => {
    void refresh()
    timer = setInterval(() => void refresh(), intervalMs)
  })
  onBeforeUnmount(() => clearInterval(timer))

  return { jobs, state, error, refresh, stop }
}

// The total lag of a job over its source partitions (records not read yet).
export function totalLag(job: Job): number {
  return job.lag.reduce((sum, l) => sum + l.lag, 0)
}
