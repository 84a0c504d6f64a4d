// GET /health, polled while the app is open, shared by the header and the pages.

import { reactive, readonly } from 'vue'
import type { Health } from '../api/types'

// The parts of careflow the header shows, in the order data flows. A part /health does not
// report yet is shown as "not running" rather than guessed.
export const PARTS = [
  { id: 'database', label: 'Database' },
  { id: 'cdc', label: 'CDC' },
  { id: 'log', label: 'Log' },
  { id: 'pipelines', label: 'Pipelines' },
  { id: 'simulator', label: 'Simulator' },
] as const

export type PartState = 'ok' | 'down' | 'absent' | 'unknown'

interface HealthState {
  health: Health | null
  reachable: boolean | null // null until the first answer
  error: string
  checkedAt: number
}

const state = reactive<HealthState>({ health: null, reachable: null, error: '', checkedAt: 0 })
let timer: ReturnType<typeof setInterval> | undefined
let users = 0

export function partState(health: Health | null, reachable: boolean | null, part: string): PartState {
  if (reachable === null) return 'unknown'
  if (!reachable || !health) return 'down'
  const c = health.components[part]
  if (!c) return 'absent'
  return c.status === 'ok' ? 'ok' : 'down'
}

export async function refreshHealth(): Promise<void> {
  try {
    // 503 still carries the body: degraded, with the failing parts.
    const response = await fetch('/health', { headers: { Accept: 'application/json' } })
    state.health = (await response.json()) as Health
    state.reachable = true
    state.error = ''
  } catch (e) {
    state.reachable = false
    state.health = null
    state.error = `careflow does not answer: ${(e as Error).message}`
  }
  state.checkedAt = Date.now()
}

export function useHealth(intervalMs = 3000) {
  return {
    state: readonly(state),
    start() {
      if (users++ === 0) {
        void refreshHealth()
        timer = setInterval(() => void refreshHealth(), intervalMs)
      }
    },
    stop() {
      if (--users === 0) clearInterval(timer)
    },
  }
}
