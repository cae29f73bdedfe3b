// Reading a V8 .cpuprofile (what `node --cpu-prof` writes): time per frame, the frames with the
// most self time, folded stacks ("a;b;c 123", the input of every flame graph tool) and a small
// self-contained SVG flame graph, so a profile can be read without DevTools or extra tools.

/** "name (file:line)" for a call frame; file is the last path segments, line 1-based. */
export function frameLabel(callFrame) {
  const name = callFrame.functionName || "(anonymous)";
  if (!callFrame.url) return name;
  const file = callFrame.url.replace(/^file:\/\//, "").split("/").slice(-2).join("/");
  return `${name} (${file}:${callFrame.lineNumber + 1})`;
}

/** Self time in µs per profile node id (each sample's time delta goes to the node sampled). */
export function selfTimes(profile) {
  const self = new Map();
  const { samples = [], timeDeltas = [] } = profile;
  for (let i = 0; i < samples.length; i++) {
    // timeDeltas[i] is the time since the previous sample; the next one's delta is how long this
    // sample's frame ran. The last sample gets the mean interval.
    const delta = i + 1 < timeDeltas.length ? timeDeltas[i + 1] : (profile.endTime - profile.startTime) / Math.max(1, samples.length);
    self.set(samples[i], (self.get(samples[i]) ?? 0) + Math.max(0, delta));
  }
  return self;
}

/** Frames by self time (µs), merged by label, highest first, with their share of the total. */
export function topSelfFrames(profile, limit = 25) {
  const self = selfTimes(profile);
  const byLabel = new Map();
  let total = 0;
  for (const node of profile.nodes) {
    const t = self.get(node.id) ?? 0;
    total += t;
    const label = frameLabel(node.callFrame);
    byLabel.set(label, (byLabel.get(label) ?? 0) + t);
  }
  return [...byLabel]
    .map(([label, us]) => ({ label, us, share: total ? us / total : 0 }))
    .sort((a, b) => b.us - a.us)
    .slice(0, limit);
}

/** Folded stacks: one line per distinct stack with self time, "root;child;leaf µs". */
export function foldedStacks(profile, { skip = ["(root)"] } = {}) {
  const self = selfTimes(profile);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const lines = new Map();
  for (const n of profile.nodes) {
    const t = self.get(n.id);
    if (!t) continue;
    const stack = [];
    for (let id = n.id; id !== undefined; id = parent.get(id)) {
      const label = frameLabel(byId.get(id).callFrame);
      if (!skip.includes(label)) stack.push(label.replace(/;/g, ","));
    }
    const key = stack.reverse().join(";");
    lines.set(key, (lines.get(key) ?? 0) + t);
  }
  return [...lines].map(([stack, us]) => `${stack} ${Math.round(us)}`);
}

const escapeXml = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** A flame graph (root at the bottom, width = time) as a standalone SVG, from folded stacks. */
export function flameGraphSvg(folded, { title = "CPU profile", width = 1200, rowHeight = 16, minWidthPx = 0.3 } = {}) {
  const root = { name: "all", value: 0, children: new Map() };
  for (const line of folded) {
    const sp = line.lastIndexOf(" ");
    const value = Number(line.slice(sp + 1));
    let node = root;
    node.value += value;
    for (const frame of line.slice(0, sp).split(";")) {
      if (!node.children.has(frame)) node.children.set(frame, { name: frame, value: 0, children: new Map() });
      node = node.children.get(frame);
      node.value += value;
    }
  }
  const rects = [];
  let depthMax = 0;
  const scale = root.value ? (width - 20) / root.value : 0;
  const walk = (node, x, depth) => {
    depthMax = Math.max(depthMax, depth);
    rects.push({ node, x, depth });
    let cx = x;
    for (const child of [...node.children.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (child.value * scale >= minWidthPx) walk(child, cx, depth + 1);
      cx += child.value * scale;
    }
  };
  walk(root, 10, 0);
  const height = (depthMax + 1) * rowHeight + 40;
  const hue = (name) => {
    let h = 0;
    for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) >>> 0;
    return name.includes("node_modules") ? 200 + (h % 40) : name.startsWith("(") || !name.includes("(") ? 0 + (h % 20) : name.includes("node:") ? 40 + (h % 15) : 15 + (h % 25);
  };
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="monospace" font-size="11">`,
    `<text x="10" y="18" font-size="14">${escapeXml(title)} (width = CPU time; ${Math.round(root.value / 1000)} ms in all)</text>`,
  ];
  for (const { node, x, depth } of rects) {
    const w = node.value * scale;
    const y = height - (depth + 1) * rowHeight - 4;
    const pct = root.value ? ((node.value / root.value) * 100).toFixed(2) : "0";
    const label = escapeXml(node.name);
    out.push(
      `<g><title>${label}: ${(node.value / 1000).toFixed(1)} ms, ${pct} %</title><rect x="${x.toFixed(2)}" y="${y}" width="${Math.max(0.1, w).toFixed(2)}" height="${rowHeight - 1}" fill="hsl(${hue(node.name)},80%,62%)"/>` +
        (w > 40 ? `<text x="${(x + 3).toFixed(2)}" y="${y + rowHeight - 4}">${escapeXml(node.name.slice(0, Math.floor(w / 6.6)))}</text>` : "") +
        `</g>`,
    );
  }
  out.push("</svg>");
  return out.join("\n");
}
