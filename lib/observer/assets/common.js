// Shared by the observer page and the trace viewer. Every value from the
// runtime is put into the page with textContent (never innerHTML), so a
// message containing markup shows as text.
'use strict'

/** An element with a class and children (strings become text nodes). */
function el(tag, cls, ...children) {
  const e = document.createElement(tag)
  if (cls) e.className = cls
  for (const c of children)
    if (c !== undefined && c !== null) e.append(typeof c === 'string' ? document.createTextNode(c) : c)
  return e
}

/** An SVG element with attributes. */
function svg(tag, attrs, text) {
  const e = document.createElementNS('http://www.w3.org/2000/svg', tag)
  for (const k in attrs) e.setAttribute(k, String(attrs[k]))
  if (text !== undefined) e.textContent = text
  return e
}

/** A duration in ms, short. */
function ms(d) {
  if (!(d >= 0)) return ''
  if (d < 1000) return Math.round(d) + ' ms'
  if (d < 60000) return (d / 1000).toFixed(1) + ' s'
  if (d < 3600000) return Math.floor(d / 60000) + ' min'
  return (d / 3600000).toFixed(1) + ' h'
}

function clip(s, n) {
  return s.length > n ? s.slice(0, n - 1) + '…' : s
}
