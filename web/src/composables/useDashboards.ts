// The Dashboards page's data: the analytics routes fetched together, again every `intervalMs` and
// soon after the stream says a fact or an alert arrived (at most once per `settleMs`), with an
// explicit idle / loading / done / error state. Each series keeps its envelope, so a chart without
// data can show why.

import { onBeforeUnmount, onMounted, ref, shallowRef } from 'vue'
import { api } from '../api/client'
import type { Analytics, ComplianceSeries, DayCount, DeviceCount, DriftCount, TelemetrySeries } from '../api/types'
import { useEventStream } from './useEventStream'
import type { LoadState } from './usePolledGet'

export interface DashboardData {
  telemetry: Analytics<TelemetrySeries[]>
  compliance: Analytics<ComplianceSeries[]>
  drift: Analytics<DriftCount[]>
  anomalies: Analytics<DeviceCount[]>
  prescriptionChanges: Analytics<DayCount[]>
  newDevices: Analytics<DayCount[]>
}

function empty<T>(data: T): Analytics<T> {
  return { available: false, data, message: '' }
}

export function emptyDashboard(): DashboardData {
  return {
    telemetry: empty([]),
    compliance: empty([]),
    drift: empty([]),
    anomalies: empty([]),
    prescriptionChanges: empty([]),
    newDevices: empty([]),
  }
}

export function useDashboards(intervalMs = 5000, settleMs = 1500) {
  const data = shallowRef<DashboardData>(emptyDashboard())
  const state = ref<LoadState>('idle')
  const error = ref('')
  const updatedAt = ref(0)
  let timer: ReturnType<typeof setInterval> | undefined
  let soon: ReturnType<typeof setTimeout> | undefined
  let inFlight = false

  async function refresh(): Promise<void> {
    if (inFlight) return
    inFlight = true
    if (state.value === 'idle') state.value = 'loading'
    try {
      const [telemetry, compliance, drift, anomalies, prescriptionChanges, newDevices] = await Promise.all([
        api.get<Analytics<TelemetrySeries[]>>('/analytics/telemetry-1h'),
        api.get<Analytics<ComplianceSeries[]>>('/analytics/compliance-1h'),
        api.get<Analytics<DriftCount[]>>('/analytics/drift-counts'),
        api.get<Analytics<DeviceCount[]>>('/analytics/anomalies-per-device'),
        api.get<Analytics<DayCount[]>>('/analytics/config-changes-over-time'),
        api.get<Analytics<DayCount[]>>('/analytics/new-devices-over-time'),
      ])
      data.value = { telemetry, compliance, drift, anomalies, prescriptionChanges, newDevices }
      state.value = 'done'
      error.value = ''
      updatedAt.value = Date.now()
    } catch (e) {
      state.value = 'error'
      error.value = (e as Error).message
    } finally {
      inFlight = false
    }
  }

  function refreshSoon() {
    if (soon) return
    soon = setTimeout(() => {
      soon = undefined
      void refresh()
    }, settleMs)
  }

  const stream = useEventStream({ fact: refreshSoon, alert: refreshSoon })
  onMounted(() => {
    void refresh()
    timer = setInterval(() => void refresh(), intervalMs)
  })
  onBeforeUnmount(() => {
    clearInterval(timer)
    clearTimeout(soon)
  })

  return { data, state, error, updatedAt, stream: stream.state, refresh }
}
