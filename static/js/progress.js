// Keeps a progress region up to date without reloading the page: every few
// seconds it fetches the page again and swaps in the new progress; once the
// work has finished (the region is gone) it loads the page once to show the
// result. Without scripts the page has a "check progress" link instead.
const INTERVAL_MS = 3000

export function watchProgress (region) {
  const poll = async () => {
    let html
    try {
      const response = await fetch(window.location.href, { credentials: 'same-origin', headers: { Accept: 'text/html' } })
      if (!response.ok) return schedule()
      html = await response.text()
    } catch (error) {
      return schedule()
    }
    const next = new DOMParser().parseFromString(html, 'text/html').querySelector('[data-lj-progress]')
    if (!next) {
      window.location.reload()
      return
    }
    region.innerHTML = next.innerHTML
    schedule()
  }
  const schedule = () => window.setTimeout(poll, INTERVAL_MS)
  schedule()
}
