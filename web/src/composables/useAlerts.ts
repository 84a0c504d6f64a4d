// The Alerts page's state: the latest alerts (GET /analytics/alerts) then every new one live from
// the stream (`event: alert`, `event: alert-retracted`); fetched again after a reconnect, so
// nothing raised while the stream was down is missed. Explicit idle / loading / done / error.

import { onMounted, ref, shallowRef, watch } from 'vue'
import { api } from '../api/client'
import type { Alert, Analytics } from '../api/types'
import { mergeAlerts, retractAlerts } from '../lib/alerts'
import { useEventStream } from './useEventStream'
import type { LoadState } from './usePolledGet'

export function useAlerts(limit = 500) {
  const alerts = shallowRef<Alert[]>([])
  const state = ref<LoadState>('idle')
  const error = ref('')
  const message = ref('') // why there is nothing yet, as the API says it
  const live = ref(0) // alerts that arrived over the stream

  async function load(): Promise<void> {
    if (state.value === 'idle') state.value = 'loading'
    try {
      const answer = await api.get<Analytics<Alert[]>>(`/analytics/alerts?limit=${limit}`)
      alerts.value = mergeAlerts(alerts.value, answer.data, limit)
      message.value = answer.available ? '' : answer.message
      state.value = 'done'
      error.value = ''
    } catch (e) {
      state.value = 'error'
      error.value = (e as Error).message
    }
  }

  const stream = useEventStream({
    alert: (data) => {
      alerts.value = mergeAlerts(alerts.value, [data as Alert], limit)
      message.value = ''
      live.value++
    },
    'alert-retracted': (data) => {
      const r = data as { kind: string; event_id: string }
      alerts.value = retractAlerts(alerts.value, r.kind, r.event_id)
    },
  })
  watch(stream.reconnects, () => void load())
  onMounted(() => void load())

  return { alerts, state, error, message, live, stream: stream.state, reload: load }
}
