// Hash routes (#/patients): careflow serves the API and the app on one port, and /patients is
// the API's; a hash keeps every page address apart from every API path.
import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router'
import HomePage from './pages/HomePage.vue'

export const pages = [
  { path: '/', name: 'home', title: 'Home', component: HomePage },
  { path: '/patients', name: 'patients', title: 'Patients', component: () => import('./pages/PatientsPage.vue') },
  { path: '/devices', name: 'devices', title: 'Devices', component: () => import('./pages/DevicesPage.vue') },
  { path: '/prescriptions', name: 'prescriptions', title: 'Prescriptions', component: () => import('./pages/PrescriptionsPage.vue') },
  { path: '/telemetry', name: 'telemetry', title: 'Device telemetry', component: () => import('./pages/TelemetryPage.vue') },
  { path: '/pipelines', name: 'pipelines', title: 'Pipelines', component: () => import('./pages/PipelinesPage.vue') },
  { path: '/alerts', name: 'alerts', title: 'Alerts', component: () => import('./pages/AlertsPage.vue') },
  { path: '/dashboards', name: 'dashboards', title: 'Dashboards', component: () => import('./pages/DashboardsPage.vue') },
  { path: '/demo', name: 'demo', title: 'Demonstration', component: () => import('./pages/DemoPage.vue') },
] as const

const routes: RouteRecordRaw[] = [
  ...pages.map((p) => ({ path: p.path, name: p.name, component: p.component, meta: { title: p.title } })),
  { path: '/:rest(.*)*', redirect: '/' },
]

export const router = createRouter({ history: createWebHashHistory(), routes })

router.afterEach((to) => {
  document.title = `${String(to.meta.title ?? 'careflow')} · careflow`
})
