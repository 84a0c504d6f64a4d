import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import PipelineJobRow from '../src/components/pipelines/PipelineJobRow.vue'
import { totalLag, totalLateRows } from '../src/composables/useJobs'
import type { Job } from '../src/api/types'

function job(over: Partial<Job> = {}): Job {
  return {
    id: 'job-1',
    name: 'insert-into_out',
    state: 'RUNNING',
    statement: 'INSERT INTO out SELECT * FROM raw',
    rowsIn: 12,
    rowsOut: 10,
    rowsInPerSecond: 2.5,
    rowsOutPerSecond: 2,
    watermark: null,
    lag: [
      { topic: 'raw', partition: 0, offset: 5, endOffset: 8, lag: 3 },
      { topic: 'raw', partition: 1, offset: 2, endOffset: 4, lag: 2 },
    ],
    restarts: 0,
    restartStrategy: 'fixed-delay',
    error: null,
    errorLocation: null,
    createdMs: 0,
    ...over,
  }
}

describe('pipelines', () => {
  it('sums the lag over the source partitions', () => {
    expect(totalLag(job())).toBe(5)
  })

  it('shows the last checkpoint, or dashes before the first', () => {
    const w = mount(PipelineJobRow, { props: { job: job({ lastCheckpoint: { id: 7, timeMs: 0, durationMs: 12, bytes: 2048 } }) } })
    expect(w.find('[data-test="checkpoint-id"]').text()).toBe('7')
    expect(w.find('[data-test="checkpoint-duration"]').text()).toBe('12 ms')
    expect(w.find('[data-test="checkpoint-bytes"]').text()).toBe('2.0 KiB')
    const none = mount(PipelineJobRow, { props: { job: job({ lastCheckpoint: null }) } })
    expect(none.find('[data-test="checkpoint-id"]').text()).toBe('—')
  })

  it('a running job shows its counts and can be stopped', async () => {
    const w = mount(PipelineJobRow, { props: { job: job() } })
    expect(w.find('tr').attributes('data-state')).toBe('RUNNING')
    expect(w.find('[data-test="rows-out"]').text()).toBe('10')
    expect(w.find('[data-test="lag"]').text()).toBe('5')
    await w.find('[data-test="stop"]').trigger('click')
    expect(w.emitted('stop')).toEqual([['job-1']])
  })

  it('shows the late rows dropped over all operators, or a dash when the server does not say', () => {
    const late = [
      { operator: 'WindowAggregate(groupBy=[k], ...)', rows: 3 },
      { operator: 'OverAggregate(partitionBy=[k], ...)', rows: 4 },
    ]
    const w = mount(PipelineJobRow, { props: { job: job({ lateRowsDropped: late }) } })
    expect(w.find('[data-test="late-rows"]').text()).toBe('7')
    expect(w.find('[data-test="late-rows"]').attributes('title')).toContain('3 dropped by WindowAggregate')
    expect(totalLateRows(job({ lateRowsDropped: [] }))).toBe(0)
    const none = mount(PipelineJobRow, { props: { job: job() } })
    expect(none.find('[data-test="late-rows"]').text()).toBe('—')
  })

  it('a failed job shows its error and where it happened, and no stop button', () => {
    const w = mount(PipelineJobRow, {
      props: { job: job({ state: 'FAILED', restarts: 2, error: "cannot cast 'x' to INT", errorLocation: "topic 'raw' partition 0 offset 7" }) },
    })
    expect(w.find('[data-test="error"]').text()).toBe("cannot cast 'x' to INT (at topic 'raw' partition 0 offset 7)")
    expect(w.find('[data-test="restarts"]').text()).toBe('2')
    expect(w.find('[data-test="stop"]').exists()).toBe(false)
  })
})
