// The DAG of tables the Pipelines page draws: which job reads which tables (its source topics, from
// GET /jobs' lag) and which it writes (the table its pipeline is named after, from GET /pipelines),
// laid out in columns by layer as data flows: raw → src → dim → fct → alerts.

import type { Job, JobState, PipelineTableStatus } from '../api/types'

export const LAYERS = ['raw', 'src', 'dim', 'fct', 'alerts'] as const

export interface DagNode {
  id: string // the table (= its topic)
  layer: string
  x: number
  y: number
  state: JobState | null // the job writing it; null for a table no job writes (raw)
  rowsOut: number | null
  failed: boolean // its DDL or job failed to deploy
}

export interface DagEdge {
  from: string
  to: string
  path: string // SVG path, source's right edge to target's left edge
  live: boolean // the writing job is RUNNING
}

export interface Dag {
  nodes: DagNode[]
  edges: DagEdge[]
  width: number
  height: number
}

export const NODE_WIDTH = 200
export const NODE_HEIGHT = 22
const COLUMN_GAP = 70
const ROW_GAP = 8
const MARGIN = 4

// A table's layer by its name, for topics a job reads that GET /pipelines does not list.
export function layerOf(name: string): string {
  if (name.startsWith('hc_src_')) return 'src'
  if (name.startsWith('hc_dim_')) return 'dim'
  if (name.startsWith('hc_fct_')) return 'fct'
  if (name.startsWith('alerts.') || name.startsWith('device.commands')) return 'alerts'
  return 'raw'
}

export function buildDag(tables: readonly PipelineTableStatus[], jobs: readonly Job[]): Dag {
  const layer = new Map<string, string>()
  const failed = new Set<string>()
  for (const t of tables) {
    layer.set(t.table, LAYERS.includes(t.layer as (typeof LAYERS)[number]) ? t.layer : layerOf(t.table))
    if (t.ddl === 'failed' || t.job === 'failed') failed.add(t.table)
  }
  // The newest job of each name writes its table (an older, stopped one is history).
  const writer = new Map<string, Job>()
  for (const j of jobs) {
    const known = writer.get(j.name)
    if (!known || j.createdMs >= known.createdMs) writer.set(j.name, j)
  }
  const links = new Set<string>()
  for (const [name, j] of writer) {
    if (!layer.has(name)) {
      if (!tables.length) layer.set(name, layerOf(name)) // jobs without pipelines.path: the jobs alone
      else continue // a job that is not a pipeline's
    }
    for (const l of j.lag) {
      if (l.topic === name) continue
      if (!layer.has(l.topic)) layer.set(l.topic, layerOf(l.topic))
      links.add(`${l.topic}\u0000${name}`)
    }
  }

  const columns = LAYERS.map((L) => [...layer.entries()].filter(([, l]) => l === L).map(([n]) => n).sort())
  const rows = Math.max(1, ...columns.map((c) => c.length))
  const nodes: DagNode[] = []
  const at = new Map<string, DagNode>()
  columns.forEach((names, col) => {
    // Each column centred vertically, so a short one sits beside the middle of a long one.
    const offset = ((rows - names.length) * (NODE_HEIGHT + ROW_GAP)) / 2
    names.forEach((id, row) => {
      const j = writer.get(id)
      const node: DagNode = {
        id,
        layer: LAYERS[col] ?? 'raw',
        x: MARGIN + col * (NODE_WIDTH + COLUMN_GAP),
        y: MARGIN + offset + row * (NODE_HEIGHT + ROW_GAP),
        state: j?.state ?? null,
        rowsOut: j?.rowsOut ?? null,
        failed: failed.has(id),
      }
      nodes.push(node)
      at.set(id, node)
    })
  })
  const edges: DagEdge[] = []
  for (const link of [...links].sort()) {
    const [from = '', to = ''] = link.split('\u0000')
    const a = at.get(from)
    const b = at.get(to)
    if (!a || !b) continue
    const x1 = a.x + NODE_WIDTH
    const y1 = a.y + NODE_HEIGHT / 2
    const x2 = b.x
    const y2 = b.y + NODE_HEIGHT / 2
    const bend = Math.max(30, (x2 - x1) / 2)
    edges.push({ from, to, path: `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`, live: writer.get(to)?.state === 'RUNNING' })
  }
  return {
    nodes,
    edges,
    width: MARGIN * 2 + LAYERS.length * NODE_WIDTH + (LAYERS.length - 1) * COLUMN_GAP,
    height: MARGIN * 2 + rows * (NODE_HEIGHT + ROW_GAP),
  }
}

// "1.4 MiB"
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  const units = ['KiB', 'MiB', 'GiB', 'TiB']
  let v = n / 1024
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i] ?? 'TiB'}`
}
