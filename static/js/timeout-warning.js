// The GOV.UK timeout warning (WCAG 2.2.1, timing adjustable): two minutes before
// the idle timeout a modal dialog offers to stay signed in. "Stay signed in" (or
// Escape) posts to the keep-alive endpoint, which renews the session, and the
// count starts again. The page counts from its own load; the server counts from
// the session's last renewal, which the template allows for. Without scripts the
// dialog never opens and every page works as before.
export function warnBeforeTimeout (dialog) {
  const idleMs = Number(dialog.dataset.idleSeconds) * 1000
  const warningMs = Math.min(Number(dialog.dataset.warningSeconds) * 1000, idleMs)
  const active = dialog.querySelector('[data-lj-timeout-active]')
  const ended = dialog.querySelector('[data-lj-timeout-ended]')
  const form = dialog.querySelector('[data-lj-keep-alive]')
  const countdown = dialog.querySelector('[data-lj-countdown]')
  const spoken = countdown.nextElementSibling
  const announce = dialog.querySelector('[data-lj-announce]')
  let deadline = 0
  let warnTimer = null
  let tickTimer = null
  let returnFocusTo = null

  const inWords = (ms) => {
    const seconds = Math.ceil(ms / 1000)
    const minutes = Math.floor(seconds / 60)
    const rest = seconds % 60
    const parts = []
    if (minutes) parts.push(minutes + (minutes === 1 ? ' minute' : ' minutes'))
    if (rest) parts.push(rest + (rest === 1 ? ' second' : ' seconds'))
    return parts.join(' ') || '0 seconds'
  }

  const start = () => {
    window.clearTimeout(warnTimer)
    window.clearInterval(tickTimer)
    deadline = Date.now() + idleMs
    warnTimer = window.setTimeout(warn, idleMs - warningMs)
  }

  const tick = () => {
    const left = deadline - Date.now()
    if (left <= 0) return end()
    const words = inWords(left)
    countdown.textContent = words
    spoken.textContent = words
    // Said aloud every 30 seconds, and every 10 in the last 30: not every second.
    const seconds = Math.ceil(left / 1000)
    if (seconds % 30 === 0 || (seconds <= 30 && seconds % 10 === 0)) {
      announce.textContent = 'You will be signed out in ' + words + '.'
    }
  }

  const warn = () => {
    returnFocusTo = document.activeElement
    active.hidden = false
    ended.hidden = true
    tick()
    dialog.showModal()
    active.querySelector('h2').focus()
    tickTimer = window.setInterval(tick, 1000)
  }

  const end = () => {
    window.clearInterval(tickTimer)
    active.hidden = true
    ended.hidden = false
    ended.querySelector('h2').focus()
  }

  const close = () => {
    window.clearInterval(tickTimer)
    if (dialog.open) dialog.close()
    if (returnFocusTo && returnFocusTo.focus) returnFocusTo.focus()
  }

  const stay = async (event) => {
    event.preventDefault()
    if (!ended.hidden) return close()
    let response
    try {
      response = await fetch(form.action, { method: 'POST', body: new FormData(form), credentials: 'same-origin' })
    } catch (error) {
      return // no connection: the warning stays up and counts on
    }
    if (response.redirected || !response.ok) return end() // the session had already ended
    close()
    start()
  }

  form.addEventListener('submit', stay)
  dialog.addEventListener('cancel', stay) // Escape means "stay signed in"
  dialog.querySelector('[data-lj-timeout-close]').addEventListener('click', close)
  start()
}
