import { initAll } from '../vendor/govuk/govuk-frontend.min.js'
import { watchProgress } from './progress.js'

initAll()
document.querySelectorAll('[data-lj-progress]').forEach(watchProgress)
