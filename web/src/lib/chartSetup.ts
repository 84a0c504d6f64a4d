// Chart.js with only the parts careflow's charts use, so the bundle stays small: lines (live
// telemetry, hourly facts) and bars (counts per device or day).
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js'

Chart.register(LineController, LineElement, PointElement, LinearScale, Filler, Tooltip, BarController, BarElement, CategoryScale, Legend)
// A chart that wants a legend asks for one (the live telemetry charts label their band in text).
Chart.defaults.plugins.legend.display = false

export { Chart }

export function cssColor(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback
}
