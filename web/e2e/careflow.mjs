// Starts a real `careflow up` (its own PostgreSQL, a fresh data dir, free ports) for the e2e
// suite, and stops it with SIGTERM as a user's Ctrl-C would.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, existsSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

export function newDataDir() {
  return mkdtempSync(join(tmpdir(), 'careflow-e2e-'))
}

export function removeDataDir(dir) {
  rmSync(dir, { recursive: true, force: true })
}

// Resolves with { url, stop() } once careflow prints that it is up; rejects with its output if it
// exits or takes longer than `timeoutMs`.
// `settings` are more --set name=value pairs; `realTime: false` keeps the simulator's story time (an
// hour of event time in seconds: what the pipelines' hourly facts and alerts need) and its outliers.
export async function startCareflow({ binary, repoRoot, dataDir, tickMs, timeoutMs = 120_000, settings = [], realTime = true }) {
  if (!existsSync(binary)) throw new Error(`careflow binary not found at ${binary}: build it first (cmake --build --preset debug --target careflow)`)
  const pgPort = await freePort()
  // Real time and no outliers: the suite asserts that every point sits in its band and measures the
  // page's lag against the wall clock (story time and outliers are covered by the C++ tests).
  const args = ['up', '--data-dir', dataDir, '--set', 'http.port=0', '--set', 'kafka_listener.port=0', '--set', `database.port=${pgPort}`, '--set', `simulator.tick_ms=${tickMs}`,
    ...(realTime ? ['--set', 'simulator.time=real', '--set', 'simulator.outlier_probability=0'] : []), ...settings.flatMap((s) => ['--set', s]), '--log-level', 'warn']
  const child = spawn(binary, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`careflow did not come up in ${timeoutMs} ms:\n${output}`)), timeoutMs)
    const onData = (chunk) => {
      output += chunk
      const m = /careflow is up: .*?web app (http:\/\/[^\s;]+?\/)/.exec(output)
      if (m) {
        clearTimeout(timer)
        resolve(m[1])
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`careflow exited with ${code} before it was up:\n${output}`))
    })
  })
  if (output.includes('web app is not built yet')) {
    child.kill('SIGTERM')
    throw new Error(`careflow is up but does not serve the web app (is web/dist built?):\n${output}`)
  }
  return {
    url: url.replace(/\/$/, ''),
    output: () => output,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode)
        const force = setTimeout(() => child.kill('SIGKILL'), 30_000)
        child.once('exit', (code) => {
          clearTimeout(force)
          resolve(code)
        })
        child.kill('SIGTERM')
      }),
  }
}
