// Tells GOV.UK Frontend's styles that scripts run (no inline script, for the CSP).
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '')
