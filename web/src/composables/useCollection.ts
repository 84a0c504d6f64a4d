// One API collection (GET /patients, ...) as reactive state with reload and load errors.
import { ref, shallowRef } from 'vue'
import { api } from '../api/client'

export function useCollection<T>(path: string) {
  const items = shallowRef<T[]>([])
  const loading = ref(false)
  const error = ref('')
  const loadedIn = ref(0) // milliseconds the last load took

  async function reload(): Promise<void> {
    loading.value = true
    const started = performance.now()
    try {
      items.value = await api.get<T[]>(path)
      error.value = ''
    } catch (e) {
      error.value = `Could not load ${path}: ${(e as Error).message}`
    } finally {
      loading.value = false
      loadedIn.value = Math.round(performance.now() - started)
    }
  }
  return { items, loading, error, loadedIn, reload }
}
