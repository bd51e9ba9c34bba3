import { initAll } from '../vendor/govuk/govuk-frontend.min.js'
import { watchProgress } from './progress.js'
import { warnBeforeTimeout } from './timeout-warning.js'

initAll()
document.querySelectorAll('[data-lj-progress]').forEach(watchProgress)
document.querySelectorAll('[data-lj-timeout-warning]').forEach(warnBeforeTimeout)
