// GET `path` now and every `intervalMs` while the component is mounted, with an explicit
// idle / loading / done / error state (the last good answer stays while a later one fails).

import { onBeforeUnmount, onMounted, ref, shallowRef, type ShallowRef } from 'vue'
import { api } from '../api/client'

export type LoadState = 'idle' | 'loading' | 'done' | 'error'

export function usePolledGet<T>(path: string, initial: T, intervalMs: number) {
  const value: ShallowRef<T> = shallowRef(initial)
  const state = ref<LoadState>('idle')
  const error = ref('')
  let timer: ReturnType<typeof setInterval> | undefined

  async function refresh(): Promise<void> {
    if (state.value === 'idle') state.value = 'loading'
    try {
      value.value = await api.get<T>(path)
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
  return { value, state, error, refresh }
}
