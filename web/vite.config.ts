/// <reference types="vitest/config" />
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// During development Vite serves the app and passes the API through to a running careflow
// (`careflow up`, port 8000 unless CAREFLOW_URL says otherwise). The app uses hash routes, so
// no page path can shadow an API path.
const careflow = process.env.CAREFLOW_URL ?? 'http://127.0.0.1:8000'
const apiPrefixes = [
  '/health',
  '/openapi.json',
  '/patients',
  '/devices',
  '/prescriptions',
  '/simulation',
  '/device/',
  '/device-events',
  '/analytics',
  '/telemetry',
]

export default defineConfig({
  plugins: [vue()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 600 },
  server: {
    proxy: Object.fromEntries(apiPrefixes.map((prefix) => [prefix, { target: careflow, changeOrigin: true }])),
  },
  test: {
    environment: 'jsdom',
    include: ['tests/**/*.test.ts'],
  },
})
