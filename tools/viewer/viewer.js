// The viewer: reads the graph from #tg-data (JSON, never markup), draws it with Cytoscape.js at
// the positions computed by talentgraph, and puts every name on the page as text only.
(function () {
  'use strict';
  const started = performance.now();
  const data = JSON.parse(document.getElementById('tg-data').textContent);
  const parsed = performance.now();
  const $ = (id) => document.getElementById(id);
  const el = (tag, text, cls) => {
    const e = document.createElement(tag);
    if (text != null) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  };
  const norm = (s) => (s || '').normalize('NFKC').toLowerCase();
  const dayOf = (iso) => (iso == null ? null : Math.floor(Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10)) / 864e5));
  const isoOf = (day) => new Date(day * 864e5).toISOString().slice(0, 10);
  const SVG = 'http://www.w3.org/2000/svg';
  const svgEl = (tag, attrs, text) => {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    if (text != null) e.textContent = text;
    return e;
  };

  document.title = data.title;
  $('title').textContent = data.title;
  if (data.redacted) {
    const note = el('div', 'People are left out of this page (--redact people): organisations, places and the flows between them only.', 'notice');
    document.body.insertBefore(note, $('controls'));
  }

  // ---- the data, indexed ----
  const nodes = new Map();
  for (const n of data.nodes) {
    n.keys = [n.n].concat(n.a || []).map(norm);
    n.edges = [];
    n.shown = true;
    nodes.set(n.id, n);
  }
  let lo = Infinity, hi = -Infinity;
  const seeDay = (d) => { if (d != null) { lo = Math.min(lo, d); hi = Math.max(hi, d); } };
  for (const e of data.edges) {
    e.shown = true;
    e.bd = dayOf(e.b);
    e.ed = dayOf(e.e);
    seeDay(e.bd);
    seeDay(e.ed);
    nodes.get(e.s).edges.push(e);
    if (e.t !== e.s) nodes.get(e.t).edges.push(e);
  }
  for (const m of data.moves) {
    m.dd = dayOf(m.d);
    seeDay(m.dd);
  }
  const nameOf = (id) => (nodes.has(id) ? nodes.get(id).n : '');

  // ---- the network ----
  const palette = {
    person: '#d9822b', company: '#2b6cb0', lab: '#6b46c1', university: '#2f855a', government: '#9b2c2c',
    regulation: '#b7791f', place: '#718096', product: '#319795',
  };
  const elements = [];
  for (const n of data.nodes)
    elements.push({ group: 'nodes', data: { id: n.id, label: n.n, kind: n.k }, classes: n.k === 'person' ? 'k-person' : `k-${n.k} org`, position: { x: n.x, y: n.y } });
  for (const e of data.edges)
    elements.push({ group: 'edges', data: { id: e.id, source: e.s, target: e.t, kind: e.k }, classes: `r-${e.k}` });
  const big = data.nodes.length > 500;
  // The elements go in after the instance is made, at the positions given (the preset layout),
  // in one batch: several times faster than through the constructor.
  const cy = cytoscape({
    container: $('network'),
    minZoom: 0.02,
    maxZoom: 6,
    textureOnViewport: big,
    hideEdgesOnViewport: big,
    style: [
      { selector: 'node', style: {
        'background-color': '#4a5568', label: 'data(label)', 'font-size': 10,
        'min-zoomed-font-size': 7, width: 14, height: 14, 'text-valign': 'bottom', 'text-margin-y': 2 } },
      ...Object.entries(palette).map(([kind, colour]) => ({ selector: `.k-${kind}`, style: { 'background-color': colour } })),
      { selector: '.org', style: { shape: 'round-rectangle', width: 18, height: 18 } },
      { selector: 'edge', style: { width: 1, 'line-color': '#a0aec0', 'curve-style': 'haystack', opacity: 0.7 } },
      { selector: '.r-moved', style: { 'line-color': '#dd6b20', width: 2 } },
      { selector: '.r-left', style: { 'line-color': '#dd6b20', 'line-style': 'dashed' } },
      // On a large page people are named when found or selected only: 2,000 labels measured
      // would double the first render.
      ...(big ? [{ selector: '.k-person', style: { label: '' } }, { selector: '.k-person.hit, .k-person:selected', style: { label: 'data(label)' } }]
        : [{ selector: 'node', style: { 'text-wrap': 'ellipsis', 'text-max-width': 180 } }]),
      { selector: '.hit', style: { 'border-width': 3, 'border-color': '#e53e3e' } },
      { selector: 'node:selected', style: { 'border-width': 4, 'border-color': '#1a202c' } },
      { selector: '.gone', style: { display: 'none' } },
    ],
  });
  cy.batch(() => cy.add(elements));
  window.tgTimes = { started, parsed, added: performance.now() };
  // Fitted from the positions alone (cy.fit would measure every label first).
  {
    let x1 = Infinity, y1 = Infinity, x2 = -Infinity, y2 = -Infinity;
    for (const n of data.nodes) {
      x1 = Math.min(x1, n.x), x2 = Math.max(x2, n.x);
      y1 = Math.min(y1, n.y), y2 = Math.max(y2, n.y);
    }
    const w = cy.width(), h = cy.height(), pad = 40;
    if (data.nodes.length) {
      const zoom = Math.min(2, Math.max(cy.minZoom(), Math.min((w - 2 * pad) / Math.max(x2 - x1, 1), (h - 2 * pad) / Math.max(y2 - y1, 1))));
      cy.viewport({ zoom, pan: { x: w / 2 - zoom * (x1 + x2) / 2, y: h / 2 - zoom * (y1 + y2) / 2 } });
    }
  }
  window.tgCy = cy;
  window.tgTimes.made = performance.now();
  window.tgData = data;
  cy.one('render', () => { window.tgFirstRender = performance.now(); });

  // ---- filters: kinds, country, as-of date ----
  const kindCount = new Map(), countries = new Set();
  for (const n of data.nodes) {
    kindCount.set(n.k, (kindCount.get(n.k) || 0) + 1);
    if (n.c) countries.add(n.c);
  }
  const kindsOn = new Set(kindCount.keys());
  for (const k of [...kindCount.keys()].sort()) {
    const box = el('input');
    box.type = 'checkbox';
    box.checked = true;
    box.value = k;
    box.addEventListener('change', () => { if (box.checked) kindsOn.add(k); else kindsOn.delete(k); apply(); });
    const label = el('label');
    label.append(box, document.createTextNode(` ${k} (${kindCount.get(k)})`));
    $('kinds').append(label);
  }
  for (const c of [...countries].sort()) {
    const o = el('option', c);
    o.value = c;
    $('country').append(o);
  }
  $('country').addEventListener('change', apply);

  const slider = $('slider');
  const dated = lo <= hi;
  if (dated) {
    // From two years before the first date, so that the first relations and moves are seen to
    // appear, or from the window's start.
    const first = data.window.first ? dayOf(data.window.first) : dayOf(`${+isoOf(lo).slice(0, 4) - 2}-01-01`);
    lo = Math.min(lo, first);
    slider.min = String(lo);
    slider.max = String(hi + 1);  // the last step: every date
    slider.value = slider.max;
  } else {
    slider.disabled = true;
    $('play').disabled = true;
  }
  const asOf = () => (dated && +slider.value <= hi ? +slider.value : null);
  const edgeHolds = (e, day) => day == null || ((e.bd == null || e.bd <= day) && (e.ed == null || e.ed >= day));
  slider.addEventListener('input', apply);

  let playing = null;
  $('play').addEventListener('click', () => {
    if (playing) { stopPlay(); return; }
    if (+slider.value > hi) slider.value = String(lo);
    const step = Math.max(1, Math.round((hi - lo) / 60));
    $('play').textContent = '❚❚ Pause';
    playing = setInterval(() => {
      slider.value = String(Math.min(+slider.value + step, hi + 1));
      apply();
      if (+slider.value > hi) stopPlay();
    }, 200);
  });
  function stopPlay() {
    clearInterval(playing);
    playing = null;
    $('play').textContent = '▶ Play';
  }

  function apply() {
    const day = asOf();
    $('as-of').textContent = day == null ? (dated ? 'all dates' : 'no dates') : `as of ${isoOf(day)}`;
    const country = $('country').value;
    const show = new Map();
    for (const n of data.nodes) {
      let on = kindsOn.has(n.k);
      if (on && day != null && n.edges.length > 0) on = n.edges.some((e) => edgeHolds(e, day));
      show.set(n.id, on);
    }
    if (country) {  // the country's nodes and what they are linked to
      const near = new Set();
      for (const n of data.nodes) {
        if (n.c !== country || !show.get(n.id)) continue;
        near.add(n.id);
        for (const e of n.edges) if (edgeHolds(e, day)) { near.add(e.s); near.add(e.t); }
      }
      for (const n of data.nodes) if (!near.has(n.id)) show.set(n.id, false);
    }
    let shownNodes = 0, shownEdges = 0;
    // Only what changes is touched: at the start everything is shown and nothing is.
    cy.batch(() => {
      for (const n of data.nodes) {
        const on = show.get(n.id);
        if (on) shownNodes++;
        if (on !== n.shown) cy.getElementById(n.id).toggleClass('gone', !on);
        n.shown = on;
      }
      for (const e of data.edges) {
        const on = edgeHolds(e, day) && show.get(e.s) && show.get(e.t);
        if (on) shownEdges++;
        if (on !== e.shown) cy.getElementById(e.id).toggleClass('gone', !on);
        e.shown = on;
      }
    });
    $('counts').textContent = `${shownNodes} of ${data.nodes.length} nodes, ${shownEdges} of ${data.edges.length} relations`;
    drawFlows();
  }

  // ---- search: any name or alias, any script ----
  $('search').addEventListener('input', () => {
    const q = norm($('search').value.trim());
    const list = $('results');
    list.replaceChildren();
    cy.nodes('.hit').removeClass('hit');
    if (!q) return;
    const hits = data.nodes.filter((n) => n.keys.some((k) => k.includes(q)));
    cy.batch(() => { for (const n of hits) cy.getElementById(n.id).addClass('hit'); });
    for (const n of hits.slice(0, 50)) {
      const li = el('li');
      const b = el('button', n.n);
      b.type = 'button';
      b.addEventListener('click', () => openCard(n.id, true));
      li.append(b);
      const alias = (n.a || []).find((a) => norm(a).includes(q) && !norm(n.n).includes(q));
      if (alias) li.append(document.createTextNode(` (${alias})`));
      list.append(li);
    }
    if (hits.length === 0) list.append(el('li', 'no match', 'hint'));
    else if (hits.length > 50) list.append(el('li', `… and ${hits.length - 50} more`, 'hint'));
  });

  // ---- the card ----
  const dates = (b, e) => (b || e ? `${b || '…'} – ${e || ''}` : 'undated');
  const safeUrl = (u) => (/^https?:\/\//i.test(u || '') ? u : null);
  function openCard(id, focus) {
    const n = nodes.get(id);
    if (!n) return;
    const card = $('card');
    card.replaceChildren();
    card.append(el('h2', n.n), el('p', [n.k, n.c].filter(Boolean).join(' · '), 'meta'));
    if ((n.a || []).length) {
      card.append(el('h3', 'Also known as'));
      const ul = el('ul', null, 'aliases');
      for (const a of n.a) ul.append(el('li', a));
      card.append(ul);
    }
    const timeline = [...n.edges].sort((x, y) => (x.bd ?? Infinity) - (y.bd ?? Infinity) || x.k.localeCompare(y.k));
    if (timeline.length) {
      card.append(el('h3', 'Timeline'));
      const ul = el('ul', null, 'timeline');
      for (const e of timeline) {
        const out = e.s === id;
        const other = nameOf(out ? e.t : e.s);
        const text = `${dates(e.b, e.e)} · ${out ? '' : '← '}${e.k.replace(/_/g, ' ')}${out ? ' → ' : ' · '}${other}` +
          `${e.role ? ` (${e.role})` : ''}${e.former ? ' (former)' : ''}`;
        ul.append(el('li', text));
      }
      card.append(ul);
    }
    const moves = data.moves.filter((m) => m.p === id || m.f === id || m.t === id);
    if (moves.length) {
      card.append(el('h3', 'Moves'));
      const ul = el('ul', null, 'moves');
      for (const m of moves)
        ul.append(el('li', `${m.d || 'undated'} · ${m.pn ? m.pn + ': ' : ''}${m.fn || '?'} (${m.fc || '?'}) → ${m.tn || '?'} (${m.tc || '?'})`));
      card.append(ul);
    }
    const seen = new Set();
    const sources = el('div', null, 'sources');
    for (const e of timeline)
      for (const q of e.q || []) {
        const key = `${q.src}\u0000${q.quote}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const block = el('div', null, 'source');
        if (q.quote) block.append(el('blockquote', q.quote, 'quote'));
        const cite = el('p', null, 'meta');
        const url = safeUrl(q.url);
        if (url) {
          const a = el('a', q.title || q.src);
          a.setAttribute('href', url);
          a.setAttribute('rel', 'noopener noreferrer');
          a.setAttribute('target', '_blank');
          cite.append(a);
        } else cite.append(document.createTextNode(q.title || q.src));
        if (q.title && q.src) cite.append(document.createTextNode(` [${q.src}]`));
        block.append(cite);
        sources.append(block);
      }
    if (seen.size) card.append(el('h3', 'Sources'), sources);
    if (focus) {
      const node = cy.getElementById(id);
      cy.elements(':selected').unselect();
      node.select();
      cy.animate({ center: { eles: node }, zoom: Math.max(cy.zoom(), 1) }, { duration: 300 });
    }
  }
  cy.on('tap', 'node', (ev) => openCard(ev.target.id(), false));

  // ---- flows: bars of people moving between countries, organisations, and net gain ----
  function bars(svg, rows, signed) {
    svg.replaceChildren();
    const rowH = 22, labelW = 260, barW = 260;
    const max = Math.max(1, ...rows.map((r) => Math.abs(r.value)));
    svg.setAttribute('width', labelW + barW + 60);
    svg.setAttribute('height', Math.max(rowH, rows.length * rowH + 4));
    if (!rows.length) { svg.append(svgEl('text', { x: 0, y: 16 }, 'no moves')); return; }
    rows.forEach((r, i) => {
      const y = i * rowH;
      const g = svgEl('g', { class: 'flow' });
      g.append(svgEl('text', { x: labelW - 6, y: y + 15, 'text-anchor': 'end' }, r.label));
      const w = Math.max(1, (Math.abs(r.value) / max) * (signed ? barW / 2 : barW));
      const x0 = signed ? labelW + barW / 2 - (r.value < 0 ? w : 0) : labelW;
      g.append(svgEl('rect', { x: x0, y: y + 3, width: w, height: rowH - 6, fill: r.value < 0 ? '#c53030' : signed ? '#2f855a' : '#dd6b20' }));
      g.append(svgEl('text', { x: (signed ? labelW + barW : labelW + w) + 4, y: y + 15 }, signed && r.value > 0 ? `+${r.value}` : String(r.value)));
      g.append(svgEl('title', {}, `${r.label}: ${r.value}`));
      svg.append(g);
    });
  }
  function drawFlows() {
    if ($('flows').hidden) return;
    const day = asOf();
    const moves = data.moves.filter((m) => day == null || m.dd == null || m.dd <= day);
    const undated = moves.filter((m) => m.dd == null).length;
    const tally = (keyOf) => {
      const people = new Map();
      for (const m of moves) {
        const key = keyOf(m);
        if (key == null) continue;
        if (!people.has(key)) people.set(key, new Set());
        people.get(key).add(m.p || `move${people.get(key).size}`);
      }
      return [...people].map(([label, who]) => ({ label, value: who.size }))
        .sort((a, b) => b.value - a.value || a.label.localeCompare(b.label)).slice(0, 20);
    };
    bars($('flows-countries'), tally((m) => `${m.fc || '?'} → ${m.tc || '?'}`), false);
    bars($('flows-orgs'), tally((m) => `${m.fn || '?'} → ${m.tn || '?'}`), false);
    const net = new Map();
    for (const m of moves) {
      if (m.tn) net.set(m.tn, (net.get(m.tn) || 0) + 1);
      if (m.fn) net.set(m.fn, (net.get(m.fn) || 0) - 1);
    }
    const netRows = [...net].map(([label, value]) => ({ label, value })).filter((r) => r.value !== 0)
      .sort((a, b) => b.value - a.value || a.label.localeCompare(b.label));
    bars($('flows-net'), netRows.length > 20 ? netRows.slice(0, 10).concat(netRows.slice(-10)) : netRows, true);
    $('flows-note').textContent = `${moves.length} moves of people ${day == null ? 'in the window' : `up to ${isoOf(day)}`}` +
      (undated ? `, ${undated} of them of unknown date (counted whatever the date)` : '') + '; people counted once per flow.';
  }

  // ---- tabs ----
  function showTab(flows) {
    $('flows').hidden = !flows;
    $('network').hidden = flows;
    $('tab-flows').classList.toggle('on', flows);
    $('tab-network').classList.toggle('on', !flows);
    if (flows) drawFlows(); else cy.resize();
  }
  $('tab-network').addEventListener('click', () => showTab(false));
  $('tab-flows').addEventListener('click', () => showTab(true));
  apply();
  window.tgTimes.applied = performance.now();
})();
