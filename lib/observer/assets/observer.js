// The observer page: a live, virtualised process tree fed by Server-Sent
// Events, a process's detail, and bounded, pausable streams of exits and dead
// letters. Every runtime value goes in with textContent.
'use strict'
;(() => {
  const ROW = 24
  const KEEP = 200 // items per stream
  const params = new URLSearchParams(location.search)
  const token = params.get('token') || ''
  if (token) history.replaceState(null, '', location.pathname) // keep the token out of the address bar

  const $ = (id) => document.getElementById(id)
  const tree = $('tree')
  const spacer = $('spacer')
  const search = $('search')

  /** id -> row */
  const rows = new Map()
  const collapsed = new Set()
  let now = 0
  let allowExit = false
  let flat = [] // [{ row, guide, hasKids }]
  let selected = undefined
  let linked = new Set()
  let dirty = true

  // ---------------------------------------------------------------------------------
  // the tree: flattened depth-first, only the visible rows in the DOM
  // ---------------------------------------------------------------------------------

  function flatten() {
    const q = search.value.trim().toLowerCase()
    let include
    if (q) {
      include = new Set()
      for (const r of rows.values()) {
        if (r.pid.toLowerCase().includes(q) || (r.name && r.name.toLowerCase().includes(q)) || String(r.id) === q) {
          // the match and its ancestors, for context
          for (let x = r; x && !include.has(x.id); x = rows.get(x.parent)) include.add(x.id)
        }
      }
    }
    const kids = new Map()
    const roots = []
    for (const r of rows.values()) {
      if (include && !include.has(r.id)) continue
      const p = r.parent !== undefined && rows.has(r.parent) && r.parent !== r.id ? r.parent : undefined
      if (p === undefined) roots.push(r)
      else {
        let k = kids.get(p)
        if (!k) kids.set(p, (k = []))
        k.push(r)
      }
    }
    const byId = (a, b) => a.id - b.id
    roots.sort(byId)
    const out = []
    // iterative DFS: [row, guide prefix, last child?, depth]
    const stack = []
    for (let i = roots.length - 1; i >= 0; i--) stack.push([roots[i], '', true, 0])
    const seen = new Set()
    while (stack.length) {
      const [r, prefix, last, depth] = stack.pop()
      if (seen.has(r.id)) continue
      seen.add(r.id)
      const k = kids.get(r.id)
      out.push({ row: r, guide: depth === 0 ? '' : prefix + (last ? '└─ ' : '├─ '), hasKids: !!k })
      if (k && !collapsed.has(r.id)) {
        k.sort(byId)
        const next = depth === 0 ? '' : prefix + (last ? '   ' : '│  ')
        for (let i = k.length - 1; i >= 0; i--) stack.push([k[i], next, i === k.length - 1, depth + 1])
      }
    }
    flat = out
    $('shown').textContent = q ? flat.length + ' shown' : ''
    let alive = 0
    for (const r of rows.values()) if (r.status !== 'exited') alive++
    $('counts').textContent = alive + (alive === 1 ? ' process' : ' processes')
  }

  const pool = []
  function rowEl() {
    const e = el('div', 'row')
    const name = el('span', 'tree-cell')
    e.append(name, el('span'), el('span', 'num'), el('span', 'num'), el('span', 'num'), el('span', 'links'))
    e.addEventListener('click', (ev) => {
      const id = Number(e.dataset.id)
      if (ev.target.classList.contains('toggle') && e.dataset.kids === '1') {
        if (collapsed.has(id)) collapsed.delete(id)
        else collapsed.add(id)
        dirty = true
        schedule()
        return
      }
      select(id)
    })
    spacer.append(e)
    return e
  }

  function paint() {
    painting = false
    if (dirty) {
      flatten()
      dirty = false
    }
    spacer.style.height = flat.length * ROW + 'px'
    const first = Math.max(0, Math.floor(tree.scrollTop / ROW) - 5)
    const count = Math.min(flat.length - first, Math.ceil(tree.clientHeight / ROW) + 10)
    while (pool.length < count) pool.push(rowEl())
    for (let i = 0; i < pool.length; i++) {
      const e = pool[i]
      if (i >= count) {
        e.style.display = 'none'
        continue
      }
      const { row: r, guide, hasKids } = flat[first + i]
      e.style.display = ''
      e.style.transform = 'translateY(' + (first + i) * ROW + 'px)'
      e.dataset.id = String(r.id)
      e.dataset.kids = hasKids ? '1' : '0'
      e.className = 'row ' + r.status + (r.id === selected ? ' selected' : '') + (linked.has(r.id) ? ' linked' : '')
      const c = e.children
      const cell = c[0]
      cell.textContent = ''
      cell.append(
        el('span', 'guide', guide),
        el('span', 'toggle', hasKids ? (collapsed.has(r.id) ? '▸' : '▾') : ''),
        el('span', 'pid', r.pid),
        r.name !== undefined ? el('span', 'name', r.name) : ''
      )
      cell.title = r.pid + (r.name !== undefined ? ' ' + r.name : '') + (r.trap ? ' (traps exits)' : '')
      c[1].textContent = ''
      c[1].append(el('span', 'status ' + r.status, r.status === 'waiting' ? 'waiting' : r.status))
      c[2].textContent = r.status === 'exited' ? '' : String(r.mbox)
      c[3].textContent = String(r.slices)
      c[4].textContent = r.spawned === undefined ? '—' : ms(now - r.spawned)
      const other = r.links.filter((l) => l !== r.parent && rows.get(l)?.parent !== r.id)
      c[5].textContent =
        (r.trap ? '⚑ ' : '') + (other.length ? '↔ ' + other.map((l) => rows.get(l)?.name || '#' + l).join(', ') : '')
    }
    if (flat.length === 0 && !document.querySelector('#tree .empty')) tree.append(el('p', 'empty', 'No processes.'))
    if (flat.length > 0) document.querySelectorAll('#tree .empty').forEach((x) => x.remove())
  }

  let painting = false
  function schedule() {
    if (!painting) {
      painting = true
      requestAnimationFrame(paint)
    }
  }
  tree.addEventListener('scroll', schedule, { passive: true })
  window.addEventListener('resize', schedule)
  let searchTimer
  search.addEventListener('input', () => {
    clearTimeout(searchTimer)
    searchTimer = setTimeout(() => {
      dirty = true
      tree.scrollTop = 0
      schedule()
    }, 80)
  })

  // ---------------------------------------------------------------------------------
  // a process's detail
  // ---------------------------------------------------------------------------------

  let detailTimer
  function select(id) {
    selected = id
    const r = rows.get(id)
    linked = new Set(r ? r.links : [])
    schedule()
    clearTimeout(detailTimer)
    loadDetail()
  }

  function pidLink(text) {
    const m = /#PID<0\.(\d+)\.0>/.exec(text)
    if (!m) return el('span', 'mono', text)
    const a = el('a', 'pid mono', text)
    a.addEventListener('click', () => select(Number(m[1])))
    return a
  }

  function list(items, f) {
    if (!items.length) return el('span', 'hint', 'none')
    const ol = el('ol')
    for (const x of items) ol.append(el('li', 'mono', f ? f(x) : x))
    return ol
  }

  async function loadDetail() {
    const id = selected
    if (id === undefined) return
    let d
    try {
      const res = await fetch('/api/process?pid=' + id)
      d = res.ok ? await res.json() : undefined
    } catch {
      d = undefined
    }
    if (id !== selected) return
    renderDetail(id, d)
    detailTimer = setTimeout(loadDetail, d && d.row.status !== 'exited' ? 500 : 2000)
  }

  function renderDetail(id, d) {
    const box = $('detail')
    box.textContent = ''
    if (!d) {
      box.append(el('p', 'hint', '#PID<0.' + id + '.0> is gone (exited a while ago).'))
      return
    }
    const r = d.row
    box.append(el('h3', null, r.pid + (r.name !== undefined ? '  ' + r.name : '')))
    const dl = el('dl')
    const item = (k, v) => dl.append(el('dt', null, k), el('dd', null, v))
    item('status', el('span', 'status ' + r.status, r.status))
    if (r.parent !== undefined) item('parent', pidLink(rows.get(r.parent)?.pid || '#PID<0.' + r.parent + '.0>'))
    item('spawned', r.spawned === undefined ? 'before the observer' : ms(now - r.spawned) + ' ago')
    item('slices run', String(r.slices))
    if (r.status !== 'exited') {
      item('trap_exit', String(r.trap))
      item('waiting in', d.waitingFor || (r.status === 'waiting' ? '—' : 'not waiting'))
      item('mailbox', String(r.mbox))
      item(
        'links',
        d.links.length ? el('span', null, ...d.links.flatMap((l, i) => [i ? ', ' : '', pidLink(l)])) : 'none'
      )
      item('monitors', d.monitors.length ? d.monitors.join(', ') : 'none')
      item('monitored by', d.monitoredBy.length ? d.monitoredBy.join(', ') : 'none')
      item('next messages', list(d.queue))
    }
    item('last received', list(d.received))
    if (d.exit) {
      item('exit', d.exit.reason + ' (' + d.exit.cause + ')')
      item('why', el('span', 'why', d.exit.why))
    }
    box.append(dl)
    if (r.status !== 'exited') box.append(actions(r))
  }

  function actions(r) {
    const a = el('div', 'actions')
    const reason = el('select')
    for (const x of ['kill', 'shutdown', 'normal', 'custom…']) reason.append(el('option', null, x))
    const custom = el('input')
    custom.placeholder = 'reason'
    custom.hidden = true
    reason.addEventListener('change', () => (custom.hidden = reason.value !== 'custom…'))
    const btn = el('button', 'danger', 'exit(' + r.pid + ', reason)')
    const note = el('span', 'hint')
    if (!allowExit) {
      btn.disabled = true
      note.textContent = 'off: start the observer with allowExit: true'
    } else if (!token) {
      btn.disabled = true
      note.textContent = 'needs the access token: open the URL the observer printed'
    }
    btn.addEventListener('click', async () => {
      const why = reason.value === 'custom…' ? custom.value.trim() : reason.value
      if (!why) return
      const res = await fetch('/api/exit', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-observer-token': token },
        body: JSON.stringify({ pid: r.id, reason: why })
      })
      const body = await res.json().catch(() => ({}))
      note.textContent = res.ok ? 'sent ' + body.reason : body.error || 'failed'
    })
    a.append(btn, reason, custom, note)
    a.id = 'actions'
    return a
  }

  // ---------------------------------------------------------------------------------
  // streams of exits and dead letters: bounded, pausable
  // ---------------------------------------------------------------------------------

  function stream(listId, countId, buttonId, render) {
    const ol = $(listId)
    let paused = false
    let held = []
    let total = 0
    let missed = 0
    const btn = $(buttonId)
    const count = () => {
      $(countId).textContent =
        total + (paused ? ' · paused, ' + held.length + ' held' : '') + (missed ? ' · ' + missed + ' not shown' : '')
    }
    const show = (items) => {
      const frag = document.createDocumentFragment()
      for (const x of items) frag.prepend(render(x))
      ol.prepend(frag)
      while (ol.children.length > KEEP) ol.lastChild.remove()
    }
    btn.addEventListener('click', () => {
      paused = !paused
      btn.textContent = paused ? 'Resume' : 'Pause'
      if (!paused) {
        show(held)
        held = []
      }
      count()
    })
    return {
      reset(items) {
        ol.textContent = ''
        held = []
        total = 0
        missed = 0
        this.add(items, 0)
      },
      add(items, skipped) {
        total += items.length
        missed += skipped || 0
        if (paused) {
          held.push(...items)
          if (held.length > KEEP) {
            missed += held.length - KEEP
            held = held.slice(-KEEP)
          }
        } else show(items)
        count()
      }
    }
  }

  const exits = stream('exits', 'exit-count', 'pause-exits', (x) => {
    const li = el('li', x.normal ? '' : 'bad')
    const who = pidLink(x.pid)
    li.append(
      el(
        'div',
        'head',
        el('span', 't', ms(x.at)),
        who,
        x.name ? el('span', 'name', x.name) : '',
        el('span', 'reason mono', x.reason)
      )
    )
    if (!x.normal && x.why) li.append(el('div', 'sub', x.why))
    return li
  })
  const dead = stream('dead', 'dead-count', 'pause-dead', (x) => {
    const li = el('li', 'bad')
    li.append(
      el('div', 'head', el('span', 't', ms(x.at)), el('span', 'mono', '→ ' + x.to), el('span', 'reason', x.reason))
    )
    li.append(el('div', 'sub mono msg', x.message))
    if (x.report) li.append(el('div', 'report', x.report.join('\n')))
    return li
  })

  // ---------------------------------------------------------------------------------
  // the live feed
  // ---------------------------------------------------------------------------------

  const conn = $('conn')
  const source = new EventSource('/api/events')
  source.addEventListener('snapshot', (m) => {
    const s = JSON.parse(m.data)
    rows.clear()
    for (const r of s.rows) rows.set(r.id, r)
    now = s.now
    allowExit = s.allowExit
    exits.reset(s.exits)
    dead.reset(s.dead)
    document.title = 'Observer · ' + s.title
    conn.textContent = 'live'
    conn.className = 'pill live'
    dirty = true
    schedule()
  })
  source.addEventListener('delta', (m) => {
    const d = JSON.parse(m.data)
    now = d.now
    for (const r of d.up) rows.set(r.id, r)
    for (const id of d.rm) rows.delete(id)
    if (d.up.length || d.rm.length) dirty = true
    if (d.exits.length || d.skipped) exits.add(d.exits, d.skipped)
    if (d.dead.length) dead.add(d.dead, 0)
    if (selected !== undefined && rows.has(selected)) linked = new Set(rows.get(selected).links)
    schedule()
  })
  source.addEventListener('error', () => {
    conn.textContent = 'disconnected, retrying…'
    conn.className = 'pill down'
  })
})()
