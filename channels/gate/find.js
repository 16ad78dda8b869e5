// The pixel witness's eyes in the page: find a disclaimer in the rendered text nodes and
// report, from the engine's own layout, where each occurrence is painted and what covers it.
// Called as find([needle, region, minPx, minAdvance]); needle is already normalized.
([needle, region, minPx, minAdvance]) => {
  const root = document.querySelector(region) || document.body;
  const fold = (c) => c.normalize("NFKC").toLowerCase()
    .replace(/[\u2018\u2019\u201a\u201b\u2032]/g, "'")
    .replace(/[\u201c-\u201f\u2033\u00ab\u00bb]/g, '"')
    .replace(/[\u2010-\u2015\u2212]/g, "-");
  const skip = new Set(["SCRIPT", "STYLE", "TEMPLATE", "NOSCRIPT", "TITLE"]);
  const blockOf = (node) => {
    let el = node.parentElement;
    while (el && el !== root && getComputedStyle(el).display.startsWith("inline")) el = el.parentElement;
    return el;
  };
  let text = " ";
  const where = [null];
  let block = null;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (skip.has(node.parentElement.tagName)) continue;
    const b = blockOf(node);
    if (b !== block && !text.endsWith(" ")) { text += " "; where.push(null); }
    block = b;
    for (let i = 0; i < node.data.length; i++) {
      const raw = node.data[i];
      if (/[\u00ad\u200b-\u200d\u2060\ufeff]/.test(raw)) continue;
      let c = fold(raw);
      if (/^\s+$/.test(c)) { if (text.endsWith(" ")) continue; c = " "; }
      for (const ch of c) { text += ch; where.push([node, i]); }
    }
  }
  window.__gateRanges = [];
  const found = [];
  const word = /[\p{L}\p{N}_]/u;
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
    const end = at + needle.length - 1;
    if (word.test(text[at - 1] || "") || word.test(text[end + 1] || "")) continue;
    const range = document.createRange();
    range.setStart(where[at][0], where[at][1]);
    range.setEnd(where[end][0], where[end][1] + 1);
    window.__gateRanges.push(range);
    found.push(inspect(range, found.length));
  }
  window.__gateHide = (index, on) => {
    const anc = window.__gateRanges[index].commonAncestorContainer;
    const own = anc.nodeType === 1 ? anc : anc.parentElement;
    if (on) own.setAttribute("data-gate-ink", ""); else own.removeAttribute("data-gate-ink");
  };
  return found;

  function inspect(range, index) {
    const problems = [];
    const doc = document.documentElement;
    const rects = [...range.getClientRects()].filter((r) => r.width >= 0.5 && r.height >= 0.5)
      .map((r) => ({ x: r.left + scrollX, y: r.top + scrollY, w: r.width, h: r.height }));
    if (!rects.length) return { index, rects, problems: ["the engine paints no box for it"] };
    const width = doc.clientWidth, height = Math.max(doc.scrollHeight, doc.clientHeight);
    if (rects.some((r) => r.x < -0.5 || r.y < -0.5 || r.x + r.w > width + 0.5 || r.y + r.h > height + 0.5))
      problems.push("part of it lies outside the document");
    const nodes = [];
    const all = document.createTreeWalker(range.commonAncestorContainer.nodeType === 3
      ? range.commonAncestorContainer.parentElement : range.commonAncestorContainer, NodeFilter.SHOW_TEXT);
    for (let n = all.nextNode(); n; n = all.nextNode()) if (range.intersectsNode(n) && n.data.trim()) nodes.push(n);
    const sizes = nodes.map((n) => parseFloat(getComputedStyle(n.parentElement).fontSize));
    const smallest = Math.min(...sizes, ...rects.map((r) => r.h));
    if (smallest < minPx) problems.push(`it is ${smallest.toFixed(1)} px high, under ${minPx} px`);
    const advance = rects.reduce((sum, r) => sum + r.w, 0) / needle.length;
    if (advance < minAdvance) problems.push(`its letters are squeezed to ${advance.toFixed(1)} px each`);
    const covered = coveredAt(range, rects);
    if (covered) problems.push(`something else is painted over it (${covered})`);
    return { index, rects, problems };
  }

  function coveredAt(range, rects) {
    const anc = range.commonAncestorContainer;
    const own = anc.nodeType === 1 ? anc : anc.parentElement;
    for (const r of rects) {
      for (const f of [0.2, 0.5, 0.8]) {
        const x = r.x + r.w * f, y = r.y + r.h / 2;
        window.scrollTo(0, Math.max(0, y - innerHeight / 2));
        const hit = document.elementFromPoint(x - scrollX, y - scrollY);
        if (!hit) return "nothing is hit there";
        const through = getComputedStyle(own).pointerEvents === "none" && hit.contains(own);
        if (!own.contains(hit) && !through) return `<${hit.tagName.toLowerCase()}${hit.className ? " class=" + hit.className : ""}>`;
      }
    }
    window.scrollTo(0, 0);
    return "";
  }
}
