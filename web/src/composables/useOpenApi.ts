// Which routes this careflow has (GET /openapi.json): pages whose data arrives with later parts
// ask here before they ask for the data, and say what is not running yet when the route is missing.
import { ref } from 'vue'
import { api } from '../api/client'

interface OpenApi {
  paths: Record<string, unknown>
}

let cached: Promise<Set<string>> | null = null

export function apiPaths(): Promise<Set<string>> {
  cached ??= api.get<OpenApi>('/openapi.json').then(
    (doc) => new Set(Object.keys(doc.paths)),
    (e: unknown) => {
      cached = null
      throw e
    },
  )
  return cached
}

export function useRouteAvailable(path: string) {
  const available = ref<boolean | null>(null)
  const error = ref('')
  apiPaths().then(
    (paths) => (available.value = paths.has(path)),
    (e: unknown) => (error.value = (e as Error).message),
  )
  return { available, error }
}
