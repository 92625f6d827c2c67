// The trace viewer: a trace file as a sequence diagram (a lifeline per
// process, an arrow per message, spawns, links, exits), stepped forward and
// back, with the failing check marked. Every trace value goes in with
// textContent.
'use strict'
;(() => {
  const $ = (id) => document.getElementById(id)
  const LANE = 170
  const LEFT = 64
  const TOP = 44
  const H = 26
  const MAX_ROWS = 5000

  let trace = undefined
  let steps = [] // the events drawn, then the failing check
  let groups = []
  let cursor = 0

  function load(t, origin) {
    if (!t || t.format !== 'fp-ts-actors/trace' || !Array.isArray(t.events)) {
      $('diagram').textContent = ''
      $('diagram').append(
        el('p', 'empty', origin + ' is not an fp-ts-actors trace file (format "fp-ts-actors/trace").')
      )
      return
    }
    trace = t
    steps = t.events.slice(0, MAX_ROWS)
    if (t.failure !== undefined) steps.push({ tag: 'Check', text: 'check failed: ' + t.failure, bad: true })
    $('title').textContent = t.title || origin
    const meta = []
    if (t.seed !== undefined) meta.push('seed ' + t.seed)
    if (t.strategy) meta.push(t.strategy)
    if (t.schedule) meta.push('schedule ' + t.schedule)
    if (t.dropped) meta.push(t.dropped + ' earlier events not shown')
    if (t.events.length > MAX_ROWS) meta.push('first ' + MAX_ROWS + ' of ' + t.events.length + ' events')
    $('meta').textContent = meta.join(' · ')
    $('failure').hidden = t.failure === undefined
    $('failure').textContent = t.failure === undefined ? '' : '✗ the check failed: ' + t.failure
    draw()
    go(steps.length - 1)
  }

  function lanesOf(events) {
    const lanes = new Map()
    const add = (p) => {
      if (p !== undefined && !lanes.has(p)) lanes.set(p, lanes.size)
    }
    for (const e of events) {
      add(e.pid)
      if (e.tag === 'Send' || e.tag === 'Spawn' || e.tag === 'Link' || e.tag === 'Unlink' || e.tag === 'Monitor') {
        add(e.from)
        add(e.to)
      }
      if (e.tag === 'DeadLetter') add(e.to)
    }
    return lanes
  }

  function draw() {
    const lanes = lanesOf(steps)
    const x = (p) => LEFT + LANE / 2 + lanes.get(p) * LANE
    const width = Math.max(600, LEFT + lanes.size * LANE + 260)
    const height = TOP + steps.length * H + 20
    const root = svg('svg', { width, height, viewBox: '0 0 ' + width + ' ' + height, role: 'img' })
    root.append(svg('title', {}, 'sequence diagram of ' + steps.length + ' events'))
    // the lifelines' heads stay in view while the diagram scrolls
    const heads = svg('svg', { id: 'lanes', width, height: TOP - 6, viewBox: '0 0 ' + width + ' ' + (TOP - 6) })
    // lifelines from first to last appearance
    const span = new Map()
    steps.forEach((e, i) => {
      for (const p of [e.pid, e.from, e.to]) {
        if (p === undefined || !lanes.has(p)) continue
        const s = span.get(p)
        if (!s) span.set(p, [i, i])
        else s[1] = i
      }
    })
    for (const p of lanes.keys()) {
      const b = (span.get(p) || [0, steps.length - 1])[1]
      const ended = steps.some((e) => e.tag === 'Exit' && e.pid === p)
      const cx = x(p)
      root.append(
        svg('line', { class: 'lifeline', x1: cx, x2: cx, y1: 0, y2: TOP + (ended ? b + 0.5 : steps.length) * H })
      )
      heads.append(svg('rect', { class: 'lane-box', x: cx - LANE / 2 + 8, y: 6, width: LANE - 16, height: 26, rx: 5 }))
      heads.append(svg('text', { class: 'lane-label', x: cx, y: 23, 'text-anchor': 'middle' }, clip(p, 22)))
    }
    groups = steps.map((e, i) => {
      const y = TOP + i * H + H / 2
      const g = svg('g', { class: 'ev ' + e.tag + (e.bad ? ' bad' : '') + (e.tag === 'Check' ? ' check' : '') })
      g.append(svg('rect', { class: 'band', x: 0, y: y - H / 2, width, height: H }))
      g.append(svg('text', { class: 'num', x: 8, y: y + 4 }, String(i + 1)))
      g.append(svg('title', {}, e.tag + ': ' + e.text))
      const label = (tx, anchor, text) =>
        g.append(svg('text', { x: tx, y: y - 5, 'text-anchor': anchor }, clip(text, 34)))
      const arrow = (x1, x2, both) => {
        g.append(svg('line', { class: 'arrow', x1, x2, y1: y, y2: y }))
        const d = x2 >= x1 ? -1 : 1
        g.append(
          svg('path', {
            class: 'arrow',
            d: 'M' + (x2 + d * 7) + ',' + (y - 4) + ' L' + x2 + ',' + y + ' L' + (x2 + d * 7) + ',' + (y + 4)
          })
        )
        if (both)
          g.append(
            svg('path', {
              class: 'arrow',
              d: 'M' + (x1 - d * 7) + ',' + (y - 4) + ' L' + x1 + ',' + y + ' L' + (x1 - d * 7) + ',' + (y + 4)
            })
          )
      }
      const text = short(e)
      if (e.tag === 'Check') {
        g.append(svg('text', { x: LEFT, y: y + 4 }, '✗ ' + clip(e.text, 120)))
      } else if (
        (e.tag === 'Send' || e.tag === 'Spawn' || e.tag === 'Link' || e.tag === 'Unlink' || e.tag === 'Monitor') &&
        e.from !== undefined &&
        e.to !== undefined &&
        e.from !== e.to
      ) {
        const x1 = x(e.from)
        const x2 = x(e.to)
        arrow(x1, x2, e.tag === 'Link' || e.tag === 'Unlink')
        label((x1 + x2) / 2, 'middle', text)
      } else if (e.tag === 'Send' && e.from === undefined && e.to !== undefined) {
        arrow(LEFT - 10, x(e.to), false)
        label(LEFT, 'start', text)
      } else {
        const p = e.pid !== undefined ? e.pid : e.to
        const cx = p !== undefined && lanes.has(p) ? x(p) : LEFT
        if (e.tag === 'Exit') {
          g.append(
            svg('path', {
              class: 'cross',
              d:
                'M' +
                (cx - 5) +
                ',' +
                (y - 5) +
                ' L' +
                (cx + 5) +
                ',' +
                (y + 5) +
                ' M' +
                (cx - 5) +
                ',' +
                (y + 5) +
                ' L' +
                (cx + 5) +
                ',' +
                (y - 5)
            })
          )
        } else g.append(svg('circle', { class: 'dot', cx, cy: y, r: 4 }))
        g.append(svg('text', { x: cx + 9, y: y + 4 }, clip(text, 40)))
      }
      g.addEventListener('click', () => go(i))
      root.append(g)
      return g
    })
    $('diagram').textContent = ''
    $('diagram').append(heads, root)
  }

  function short(e) {
    switch (e.tag) {
      case 'Send':
        return e.text
      case 'Receive':
        return 'takes ' + e.text
      case 'Spawn':
        return 'spawn'
      default:
        return e.text
    }
  }

  function go(i) {
    if (!steps.length) return
    cursor = Math.max(0, Math.min(steps.length - 1, i))
    for (let k = 0; k < groups.length; k++) {
      groups[k].classList.toggle('future', k > cursor)
      groups[k].classList.toggle('current', k === cursor)
    }
    const e = steps[cursor]
    $('step').textContent = 'step ' + (cursor + 1) + ' / ' + steps.length
    const cur = $('current')
    cur.textContent = ''
    const where = e.from !== undefined && e.to !== undefined ? e.from + ' → ' + e.to : e.pid || e.to || ''
    cur.append(
      el('span', 'tag', e.tag === 'Check' ? '✗ failing check' : e.tag),
      el('span', 'mono', where),
      el('div', 'mono msg', e.text)
    )
    $('back').disabled = cursor === 0
    $('first').disabled = cursor === 0
    $('forward').disabled = cursor === steps.length - 1
    $('last').disabled = cursor === steps.length - 1
    const g = groups[cursor]
    if (g && g.scrollIntoView) g.scrollIntoView({ block: 'nearest' })
  }

  $('first').addEventListener('click', () => go(0))
  $('back').addEventListener('click', () => go(cursor - 1))
  $('forward').addEventListener('click', () => go(cursor + 1))
  $('last').addEventListener('click', () => go(steps.length - 1))
  document.addEventListener('keydown', (ev) => {
    if (ev.target && ev.target.tagName === 'INPUT') return
    if (ev.key === 'ArrowRight' || ev.key === 'ArrowDown') go(cursor + 1)
    else if (ev.key === 'ArrowLeft' || ev.key === 'ArrowUp') go(cursor - 1)
    else if (ev.key === 'Home') go(0)
    else if (ev.key === 'End') go(steps.length - 1)
    else return
    ev.preventDefault()
  })

  $('file').addEventListener('change', () => {
    const f = $('file').files[0]
    if (!f) return
    f.text().then(
      (s) => {
        let t
        try {
          t = JSON.parse(s)
        } catch {
          t = undefined
        }
        load(t, f.name)
      },
      () => load(undefined, f.name)
    )
  })

  const live = () =>
    fetch('/api/trace')
      .then((r) => r.json())
      .then((t) => load(t, 'the live runtime'))
      .catch(() => load(undefined, 'the live runtime'))
  $('live').addEventListener('click', live)

  const embedded = $('trace-data').textContent.trim()
  if (embedded) {
    $('live').hidden = true
    load(JSON.parse(embedded), 'this file')
  } else if (location.protocol.startsWith('http')) live()
})()
