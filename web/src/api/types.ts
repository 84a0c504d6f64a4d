// The shapes careflow's API sends and takes (src/api/domain_routes.cc, simulation_routes.cc).

export interface Patient {
  patientId: string
  name: string
  gender?: string | null
  birthDate?: string | null
  zipCode?: string | null
  timezone?: string | null
}

export interface Device {
  deviceId: string
  patientId: string
  modelType?: string | null
  manufacturer?: string | null
  serialNumber?: string | null
  softwareVersion?: string | null
  pressureSetting?: number | null
  flowRateSetting?: number | null
  flowLevelSetting?: number | null
}

// The measured metrics, then an insulin pump's rule (configures the pump; not a metric with a band).
export const PARAMETER_NAMES = ['Pressure', 'FlowRate', 'FlowLevel', 'BloodGlucose', 'BolusThreshold', 'MaxBolusDose', 'BolusLockout'] as const
export type ParameterName = (typeof PARAMETER_NAMES)[number]

export interface Parameter {
  parameter_name: string
  parameter_value: number
  parameter_type?: string
  parameter_tolerance: number
  unit?: string
}

export interface Prescription {
  prescriptionId: string
  patientId: string
  deviceId: string
  medicationOrTherapy: string
  startDate: number // epoch milliseconds
  endDate?: number | null
  parameters: Parameter[]
}

export interface ComponentHealth {
  status: 'ok' | 'down'
  message?: string
}

export interface Health {
  status: 'ok' | 'degraded'
  failing?: readonly string[]
  components: Record<string, ComponentHealth>
}

export interface SimulationStatus {
  running: boolean
  mode: 'all' | 'single'
  patientId: string | null
  ticks: number
  readings: number
  activeDefects: Record<string, string>
  status?: string
  // The event time readings and device events carry (story time by default).
  storyTime?: { mode: 'story' | 'real'; now: number; nowIso: string; stepMs: number | null; startMs: number | null }
  // Boluses from device.commands the simulated pumps acted on, per device (docs/simulator.md).
  insulin?: Record<string, { boluses: number; units: number }>
}

export interface Reading {
  device_id: string
  patient_id: string
  ts: number
  metric_name: string
  metric_value: number
  software_version: string
}

// Defects the simulator knows (src/sim/defects.h).
export const DEFECTS = ['flow_level_down', 'pressure_oscillate', 'flow_rate_down', 'clogged_filter', 'glucose_spike'] as const

// careflow up's jobs (GET /jobs, src/jobs/job_manager.h).
export type JobState = 'PENDING' | 'RUNNING' | 'FAILED' | 'STOPPED' | 'COMPLETED'

export interface JobLag {
  topic: string
  partition: number
  offset: number
  endOffset: number
  lag: number
}

export interface JobLateRows {
  operator: string // the operator's EXPLAIN line
  rows: number
}

export interface Job {
  id: string
  name: string
  state: JobState
  statement: string
  rowsIn: number
  rowsOut: number
  rowsInPerSecond: number
  rowsOutPerSecond: number
  watermark: number | null
  // Rows dropped as late this run, per operator that dropped any (docs/sql.md "Late rows"); an
  // older server leaves it out.
  lateRowsDropped?: JobLateRows[]
  lag: JobLag[]
  restarts: number
  restartStrategy: string
  error: string | null
  errorLocation: string | null
  createdMs: number
  // null before the job's first checkpoint (docs/api.md, GET /jobs)
  lastCheckpoint?: Checkpoint | null
}

export interface Checkpoint {
  id: number
  timeMs: number
  durationMs: number
  bytes: number
  stateBytes?: number
  count?: number
}

// GET /pipelines: the tables deployed from pipelines.path and their jobs.
export interface PipelineTableStatus {
  layer: string
  table: string
  ddl: string
  job: string
  jobId: string | null
  error: string | null
  state?: JobState
  rowsIn?: number
  rowsOut?: number
}

export interface PipelinesStatus {
  path: string | null
  tables: PipelineTableStatus[]
}

// The analytics envelope (the reference stack's): `message` says why when `available` is false.
export interface Analytics<T> {
  available: boolean
  data: T
  message: string
  // The history series (anomalies per device, prescription changes, new devices) say where they
  // came from: the lake table's snapshot once it has one, else the topics.
  source?: 'lake' | 'topics'
  table?: string | null
  snapshot_id?: number | null
  committed_at?: string | null
}

export const ALERT_KINDS = ['non_adherence', 'drift', 'anomaly', 'clogged_filter', 'geofence', 'button_emergency', 'insulin_bolus'] as const
export type AlertKind = (typeof ALERT_KINDS)[number]

// GET /analytics/alerts and `event: alert` on /telemetry/stream.
export interface Alert {
  id: string
  kind: AlertKind
  status: 'ALERT' | 'RESOLVED' | null
  time_ms: number
  time: string
  device_id: string
  patient_id: string
  metric: string | null
  value: number | null
  message: string
  row: Record<string, unknown>
}

export interface TelemetryWindow {
  window_start: string
  window_end: string
  avg: number
  min: number
  max: number
  count: number
}

export interface TelemetrySeries {
  device_id: string
  patient_id: string
  metric: string
  points: TelemetryWindow[]
}

export interface ComplianceWindow {
  window_start: string
  window_end: string
  in_range: number
  count: number
  pct: number
}

export interface ComplianceSeries {
  patient_id: string
  device_id: string
  metric: string
  points: ComplianceWindow[]
}

export interface DriftCount {
  device_id: string
  metric: string
  count: number
  above: number
  below: number
  last_time: string
}

export interface DeviceCount {
  device_id: string
  count: number
}

export interface DayCount {
  date: string
  count: number
}
