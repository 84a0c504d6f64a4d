// careflow up's jobs, polled while a page shows them: GET /jobs every `intervalMs`, with an explicit
// idle / loading / done / error state; stop() asks careflow to stop one (POST /jobs/{id}/stop).

import { computed } from 'vue'
import { api } from '../api/client'
import type { Job } from '../api/types'
import { usePolledGet } from './usePolledGet'

export type { LoadState } from './usePolledGet'

export function useJobs(intervalMs = 1000) {
  const { value, state, error, refresh } = usePolledGet<{ jobs: Job[] }>('/jobs', { jobs: [] }, intervalMs)
  const jobs = computed(() => value.value.jobs)

  async function stop(id: string): Promise<void> {
    try {
      await api.post<Job>(`/jobs/${encodeURIComponent(id)}/stop`)
    } catch (e) {
      error.value = (e as Error).message
    }
    await refresh()
  }

  return { jobs, state, error, refresh, stop }
}

// The total lag of a job over its source partitions (records not read yet).
export function totalLag(job: Job): number {
  return job.lag.reduce((sum, l) => sum + l.lag, 0)
}

// Rows the job dropped as late, over all its operators; null when the server did not report them.
export function totalLateRows(job: Job): number | null {
  if (!job.lateRowsDropped) return null
  return job.lateRowsDropped.reduce((sum, l) => sum + l.rows, 0)
}
