// End-to-end suite: a real `careflow up` (own PostgreSQL, fresh data dir, free ports) serving the
// built web app (web/dist), driven through Debian's chromium. Saves a screenshot of every page
// under build/e2e-screenshots and measures the budget (reported, not asserted) into
// build/e2e-budget.json. Ends with "N passed, N failed"; exits non-zero on any failure.
import assert from 'node:assert/strict'
import { mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { launchBrowser } from './browser.mjs'
import { newDataDir, removeDataDir, startCareflow } from './careflow.mjs'

const webDir = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const repoRoot = resolve(webDir, '..')
const binary = process.env.CAREFLOW_BIN ?? join(repoRoot, 'build/debug/src/app/careflow')
const shotsDir = process.env.E2E_SCREENSHOTS ?? join(repoRoot, 'build/e2e-screenshots')
const budgetFile = join(repoRoot, 'build/e2e-budget.json')
const DEVICE = 'DEV-P001' // seeded: Pressure 11 ± 1, FlowRate 2.7 ± 0.5, FlowLevel 60 ± 40

const results = []
const budget = { renderMs: {} }
let careflow
let page

async function test(name, fn) {
  const started = Date.now()
  try {
    await fn()
    results.push({ name, ok: true })
    console.log(`e2e: ok   ${name} (${Date.now() - started} ms)`)
  } catch (e) {
    results.push({ name, ok: false })
    console.log(`e2e: FAIL ${name}: ${e.stack ?? e}`)
    await shot(`FAILED-${name.replace(/\W+/g, '-')}`).catch(() => {})
  }
}

async function api(path, init) {
  const response = await fetch(careflow.url + path, init)
  return { status: response.status, body: await response.json() }
}

async function shot(name) {
  await page.screenshot({ path: join(shotsDir, `${name}.png`), fullPage: true })
}

// Opens a page from the sidebar and records how long it took until `ready` shows.
async function open(nav, title, ready) {
  const started = performance.now()
  await page.click(`[data-nav="${nav}"]`)
  await page.locator('h1', { hasText: title }).first().waitFor()
  if (ready) await page.locator(ready).first().waitFor({ state: 'attached' })
  budget.renderMs[nav] = Math.round(performance.now() - started)
}

const attr = async (selector, name) => page.locator(selector).first().getAttribute(name)
async function waitAttr(selector, name, predicate, timeout = 20_000) {
  const until = Date.now() + timeout
  let last
  while (Date.now() < until) {
    last = await page.locator(selector).first().getAttribute(name).catch(() => null)
    if (last !== null && predicate(last)) return last
    await page.waitForTimeout(100)
  }
  throw new Error(`${selector} [${name}] never satisfied the condition; last value ${last}`)
}

function jsSizes() {
  const assets = join(webDir, 'dist/assets')
  let raw = 0
  let gzip = 0
  for (const f of readdirSync(assets).filter((x) => x.endsWith('.js'))) {
    const bytes = readFileSync(join(assets, f))
    raw += bytes.length
    gzip += gzipSync(bytes, { level: 9 }).length
  }
  return { rawKB: +(raw / 1024).toFixed(1), gzipKB: +(gzip / 1024).toFixed(1) }
}

async function functionalSuite() {
  await test('home shows the live state of each part and the key counters', async () => {
    const started = performance.now()
    await page.goto(careflow.url + '/#/')
    await page.locator('[data-part="database"][data-state="ok"]').waitFor()
    await page.locator('[data-counter="patients"] .value', { hasText: '5' }).waitFor()
    budget.renderMs.home = Math.round(performance.now() - started)
    assert.equal(await attr('[data-part="log"]', 'data-state'), 'ok')
    assert.equal(await attr('[data-part="cdc"]', 'data-state'), 'ok')
    assert.equal(await attr('[data-part="pipelines"]', 'data-state'), 'absent')
    assert.equal(await attr('[data-box="database"]', 'data-state'), 'ok')
    assert.equal(await attr('[data-box="pipelines"]', 'data-state'), 'absent')
    await shot('home')
    const before = await page.evaluate(() => document.documentElement.dataset.theme)
    await page.click('button.theme')
    const after = await page.evaluate(() => document.documentElement.dataset.theme)
    assert.notEqual(after, before)
    await shot(`home-${after}`)
    await page.click('button.theme')
  })

  await test('patients: search, sort, create and edit through the form', async () => {
    await open('patients', 'Patients', 'tr[data-row="P001"]')
    await page.fill('[data-test="search"]', 'lindsay')
    assert.equal(await page.locator('[data-test="count"]').textContent(), '1 of 5')
    await page.fill('[data-test="search"]', '')
    await page.click('[data-sort="name"]')
    await page.click('[data-sort="name"]')
    assert.equal(await page.locator('tbody tr').first().getAttribute('data-row'), 'P004') // Lindsay Lee, last by name
    await page.click('[data-test="new"]')
    await page.fill('#f-patientId', 'P900')
    await page.fill('#f-name', 'Dana Test')
    await page.fill('#f-birthDate', '1970-01-02')
    await page.click('button[type="submit"]')
    await page.locator('tr[data-row="P900"]').waitFor()
    assert.equal((await api('/patients/P900')).body.birthDate, '1970-01-02')
    await page.locator('tr[data-row="P900"] [data-test="edit"]').click()
    await page.fill('#f-name', 'Dana Edited')
    await page.click('button[type="submit"]')
    await page.locator('[data-test="notice"]', { hasText: 'Saved patient P900' }).waitFor()
    assert.equal((await api('/patients/P900')).body.name, 'Dana Edited')
    await shot('patients')
  })

  await test('devices: the API field error shows at the field, then the fixed form saves', async () => {
    await open('devices', 'Devices', 'tr[data-row="DEV-P001"]')
    await page.click('[data-test="new"]')
    await page.fill('#f-deviceId', 'DEV-E2E')
    await page.selectOption('#f-patientId', 'P900')
    await page.fill('#f-pressureSetting', 'high')
    await page.click('button[type="submit"]')
    const error = page.locator('[data-error-for="pressureSetting"]')
    await error.waitFor()
    assert.match(await error.textContent(), /pressureSetting must be a number/)
    assert.equal(await attr('#f-pressureSetting', 'aria-invalid'), 'true')
    assert.equal((await api('/devices/DEV-E2E')).status, 404)
    await shot('devices-field-error')
    await page.fill('#f-pressureSetting', '9.5')
    await page.click('button[type="submit"]')
    await page.locator('tr[data-row="DEV-E2E"]').waitFor()
    assert.equal((await api('/devices/DEV-E2E')).body.pressureSetting, 9.5)
    await shot('devices')
  })

  let created = ''
  await test('prescriptions: create through the form, then find it in the list and through the API', async () => {
    await open('prescriptions', 'Prescriptions', `section[data-device="${DEVICE}"]`)
    await page.click('[data-test="new"]')
    await page.selectOption('#rx-patient', 'P001')
    const deviceOptions = await page.locator('#rx-device option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean))
    assert.deepEqual(deviceOptions, [DEVICE]) // only the chosen patient's devices
    await page.selectOption('#rx-patient', 'P900')
    assert.deepEqual(await page.locator('#rx-device option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean)), ['DEV-E2E'])
    await page.selectOption('#rx-patient', 'P001')
    await page.selectOption('#rx-device', DEVICE)
    await page.fill('#rx-therapy', 'E2E therapy')
    await page.locator('[data-param-row="0"] [data-test="target"]').fill('11')
    await page.locator('[data-param-row="0"] [data-test="tolerance"]').fill('0.5')
    await page.click('[data-test="add-param"]')
    await page.click('[data-test="add-param"]')
    assert.equal(await page.locator('[data-param-row]').count(), 3)
    await page.locator('[data-param-row="2"] [data-test="remove-param"]').click()
    assert.equal(await page.locator('[data-param-row]').count(), 2)
    await page.locator('[data-param-row="1"] [data-test="target"]').fill('2.7')
    await page.locator('[data-param-row="1"] [data-test="tolerance"]').fill('0.4')
    await page.click('form[data-test="prescription-form"] button[type="submit"]')
    const notice = page.locator('[data-test="notice"]', { hasText: 'Created prescription' })
    await notice.waitFor()
    created = /Created prescription (\S+) for device/.exec(await notice.textContent())[1]
    await page.locator(`section[data-device="${DEVICE}"] tr[data-row="${created}"]`).waitFor()
    const { status, body } = await api(`/prescriptions/${created}`)
    assert.equal(status, 200)
    assert.equal(body.medicationOrTherapy, 'E2E therapy')
    assert.deepEqual(body.parameters.map((p) => [p.parameter_name, p.parameter_value, p.parameter_tolerance]), [
      ['Pressure', 11, 0.5],
      ['FlowRate', 2.7, 0.4],
    ])
  })

  await test('prescriptions: bad input shows the API error at the parameter row, then at the field', async () => {
    await page.click('[data-test="new"]')
    await page.selectOption('#rx-patient', 'P002')
    await page.fill('#rx-therapy', 'Bad dates')
    await page.locator('[data-param-row="0"] [data-test="target"]').fill('abc')
    await page.locator('[data-param-row="0"] [data-test="tolerance"]').fill('1')
    await page.click('form[data-test="prescription-form"] button[type="submit"]')
    const rowError = page.locator('[data-error-for="parameters[0]"]')
    await rowError.waitFor()
    assert.match(await rowError.textContent(), /parameters\[0\]\.parameter_value must be a number/)
    await page.locator('[data-param-row="0"] [data-test="target"]').fill('10')
    await page.fill('#rx-start', '2026-06-10')
    await page.fill('#rx-end', '2026-06-01')
    await page.click('form[data-test="prescription-form"] button[type="submit"]')
    const fieldError = page.locator('[data-error-for="endDate"]')
    await fieldError.waitFor()
    assert.match(await fieldError.textContent(), /endDate must not be before startDate/)
    await shot('prescriptions-field-error')
    await page.click('form[data-test="prescription-form"] button:has-text("Cancel")')
  })

  await test('prescriptions: edit one through the form', async () => {
    await page.locator(`tr[data-row="${created}"] [data-test="edit"]`).click()
    await page.fill('#rx-therapy', 'E2E therapy, changed')
    await page.locator('[data-param-row="0"] [data-test="target"]').fill('11.5')
    await page.click('form[data-test="prescription-form"] button[type="submit"]')
    await page.locator('[data-test="notice"]', { hasText: `Saved prescription ${created}` }).waitFor()
    await page.locator(`tr[data-row="${created}"]`, { hasText: 'E2E therapy, changed' }).waitFor()
    const { body } = await api(`/prescriptions/${created}`)
    assert.equal(body.medicationOrTherapy, 'E2E therapy, changed')
    assert.equal(body.parameters[0].parameter_value, 11.5)
  })

  await test('prescriptions: delete asks first; cancel keeps it, confirm removes it', async () => {
    await page.locator(`tr[data-row="${created}"] [data-test="delete"]`).click()
    await page.locator('dialog[open]').waitFor()
    await page.click('dialog [data-test="cancel"]')
    assert.equal((await api(`/prescriptions/${created}`)).status, 200)
    await page.locator(`tr[data-row="${created}"] [data-test="delete"]`).click()
    await page.click('dialog [data-test="confirm"]')
    await page.locator(`tr[data-row="${created}"]`).waitFor({ state: 'detached' })
    assert.equal((await api(`/prescriptions/${created}`)).status, 404)
    await shot('prescriptions')
  })

  await test('telemetry: starting the simulation brings rows and chart points within the band', async () => {
    await open('telemetry', 'Device telemetry', '[data-test="connection"][data-state="open"]')
    await page.click('[data-test="start"]')
    await page.locator('[data-test="sim-state"][data-running="true"]').waitFor()
    await page.selectOption('[data-test="chart-device"]', DEVICE)
    await waitAttr('figure[data-metric="Pressure"]', 'data-points', (v) => Number(v) >= 8)
    assert.ok((await page.locator('[data-test="readings"] tbody tr').count()) >= 10)
    assert.equal(await attr('figure[data-metric="Pressure"]', 'data-outside'), '0')
    for (const m of ['FlowRate', 'FlowLevel']) assert.ok(Number(await attr(`figure[data-metric="${m}"]`, 'data-points')) > 0, m)
  })

  await test('telemetry: a defect takes the device out of its band', async () => {
    await page.click('[data-test="clear"]')
    await page.click('summary:has-text("Break a device")')
    await page.click(`tr[data-defects-for="${DEVICE}"] [data-defect="pressure_oscillate"]`)
    await page.locator('[data-test="notice"]', { hasText: 'pressure_oscillate' }).waitFor()
    await waitAttr('figure[data-metric="Pressure"]', 'data-outside', (v) => Number(v) >= 3)
    assert.equal(await attr('figure[data-metric="FlowRate"]', 'data-outside'), '0')
    await page.waitForTimeout(1000) // let the chart show a few more points
    await shot('telemetry')
  })

  await test('telemetry: pause holds the view, resume and clear work', async () => {
    await page.click('[data-test="pause"]')
    await page.waitForTimeout(300)
    const frozen = await page.locator('[data-test="readings"] tbody tr').first().textContent()
    const receivedBefore = Number(await attr('[data-test="received"]', 'data-received'))
    await page.waitForTimeout(1500)
    assert.equal(await page.locator('[data-test="readings"] tbody tr').first().textContent(), frozen)
    assert.ok(Number(await attr('[data-test="received"]', 'data-received')) > receivedBefore, 'readings still arrive while paused')
    await page.click('[data-test="resume"]')
    await page.waitForFunction((text) => document.querySelector('[data-test="readings"] tbody tr')?.textContent !== text, frozen)
    await page.click('[data-test="clear"]')
    await page.waitForFunction(() => document.querySelectorAll('[data-test="readings"] tbody tr').length < 50)
  })

  for (const [nav, title] of [
    ['pipelines', 'Pipelines'],
    ['alerts', 'Alerts'],
    ['dashboards', 'Dashboards'],
  ]) {
    await test(`${nav}: an empty state says what is not running yet`, async () => {
      await open(nav, title, '[data-test="empty-state"]')
      assert.match(await page.locator('[data-test="empty-state"]').textContent(), /not running|no .* yet/i)
      await shot(nav)
    })
  }

  await test('demonstration: each step performs its action and shows the effect', async () => {
    await api('/simulation/stop', { method: 'POST' })
    await open('demo', 'Demonstration', `[data-test="demo-device"] option[value="${DEVICE}"]`)
    await page.selectOption('[data-test="demo-device"]', DEVICE)
    const expected = {
      health: /careflow is ok: cdc ok, database ok, log ok, simulator ok/,
      browse: /6 patients, 6 devices\. Device DEV-P001 belongs to P001 Alice Smith/,
      prescribe: /Created prescription \S+ for device DEV-P001/,
      start: /Simulation started/,
      watch: /readings in 3 s; device DEV-P001 sent [1-9]/,
      break: /pressure_oscillate triggered on DEV-P001/,
      alerts: /Not running yet/,
      stop: /Simulation stopped after [1-9]\d* readings/,
    }
    for (const [step, pattern] of Object.entries(expected)) {
      await page.locator(`[data-step="${step}"] button`).click()
      await waitAttr(`[data-step="${step}"]`, 'data-state', (v) => v === 'done' || v === 'failed')
      const text = await page.locator(`[data-step="${step}"] [data-test="result"]`).textContent()
      assert.match(text, pattern, `step ${step}: ${text}`)
    }
    await shot('demo')
  })
}

// 1,000 readings a second: the page must show them without falling behind (reported).
async function throughputRun(perTick) {
  const tickMs = Math.max(1, Math.round(perTick)) // perTick readings every perTick ms = 1,000/s
  await page.goto(careflow.url + '/#/telemetry')
  await page.locator('[data-test="connection"][data-state="open"]').waitFor()
  await api('/simulation/start', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"simulation_type":"all"}' })
  await page.selectOption('[data-test="chart-device"]', DEVICE)
  await page.waitForTimeout(3000)
  const sample = async () => ({
    at: Date.now(),
    server: (await api('/simulation/status')).body.readings,
    received: Number(await attr('[data-test="received"]', 'data-received')),
    lag: Number(await attr('[data-test="lag"]', 'data-lag')),
  })
  const first = await sample()
  const lags = []
  let last = first
  for (let i = 0; i < 20; i++) {
    await page.waitForTimeout(500)
    last = await sample()
    lags.push(last.lag)
  }
  await shot('telemetry-1000-per-second')
  await api('/simulation/stop', { method: 'POST' })
  const seconds = (last.at - first.at) / 1000
  lags.sort((a, b) => a - b)
  const reconnectsText = await page.locator('[data-test="connection"]').getAttribute('data-state')
  budget.throughput = {
    tickMs,
    serverReadingsPerSecond: Math.round((last.server - first.server) / seconds),
    pageReadingsPerSecond: Math.round((last.received - first.received) / seconds),
    lagMedianMs: lags[Math.floor(lags.length / 2)],
    lagMaxMs: lags.at(-1),
    connectionAtEnd: reconnectsText,
  }
}

async function main() {
  mkdirSync(shotsDir, { recursive: true })
  if (!existsSync(join(webDir, 'dist/index.html'))) throw new Error('web/dist is not built: run npm run build in web/')
  budget.js = jsSizes()
  const dataDir = newDataDir()
  const browser = await launchBrowser()
  try {
    careflow = await startCareflow({ binary, repoRoot, dataDir, tickMs: 200 })
    page = browser.context.pages()[0] ?? (await browser.context.newPage())
    page.on('pageerror', (e) => console.log(`e2e: page error: ${e.message}`))
    await functionalSuite()
    const status = (await api('/simulation/status')).body
    const perTick = status.ticks ? status.readings / status.ticks : 15
    await careflow.stop()
    // The same data, restarted with a tick that makes 1,000 readings a second.
    careflow = await startCareflow({ binary, repoRoot, dataDir, tickMs: Math.round(perTick) })
    await test('telemetry keeps up with 1,000 readings a second (measured)', () => throughputRun(perTick))
  } finally {
    await browser.close().catch(() => {})
    if (careflow) await careflow.stop()
    removeDataDir(dataDir)
  }
  writeFileSync(budgetFile, JSON.stringify(budget, null, 2) + '\n')
  console.log(`e2e budget: JavaScript ${budget.js.gzipKB} KB gzipped (${budget.js.rawKB} KB raw); budget 250 KB`)
  console.log(`e2e budget: page render ms ${JSON.stringify(budget.renderMs)}; budget 500 ms each`)
  if (budget.throughput) console.log(`e2e budget: stream ${JSON.stringify(budget.throughput)}`)
  console.log(`e2e screenshots: ${shotsDir}`)
}

main()
  .catch((e) => {
    console.log(`e2e: FAIL setup: ${e.stack ?? e}`)
    results.push({ name: 'setup', ok: false })
  })
  .finally(() => {
    const passed = results.filter((r) => r.ok).length
    const failed = results.length - passed
    console.log(`${passed} passed, ${failed} failed`)
    process.exit(failed ? 1 : 0)
  })
