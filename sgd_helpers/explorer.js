// The course's four explorers, in the page: the controls, the descent itself and the drawing all run here, so a
// dragged slider is answered within a frame, with a kernel (anywidget) or without one (a static page).
//
// Plain ES, no build step, no framework. Python (sgd_helpers/widgets.py) sends `kind` (which explorer), `spec`
// (its data, the values each control may take, constants such as the largest stable rate) and `values` (the
// settings); it keeps the PyTorch reference of every number, and tests/test_explorers_js.py compares the two over
// a grid of every control. Arithmetic that PyTorch does in float32 is rounded to float32 here (`f32`) in the order
// PyTorch does it.
//
// Each explorer's constants, colours and sentences are not written here: they live in sgd_helpers/explorers.json,
// which Python reads too and sends in every explorer's spec as `spec.shared`. Where a rule is a formula, its shape
// is written here and in Python, each beside a comment that points at the other.

const f32 = Math.fround;

// ---------- numbers as Python prints them ----------

// `|v|` rounded to `p` significant digits as Python rounds: half to even on the double's exact value (JS's
// toExponential rounds a tie up). Returns the mantissa ("1.23") and the exponent.
function roundSig(v, p) {
  const a = Math.abs(v);
  let [m, e] = a.toExponential(p - 1).split("e");
  const [m1, e1] = a.toExponential(p).split("e");
  if (Number(a.toExponential(p)) === a && m1.endsWith("5")) {
    // exactly halfway
    const digits = m1.replace(".", "").slice(0, p);
    if (Number(digits.slice(-1)) % 2 === 0) [m, e] = [digits[0] + (p > 1 ? `.${digits.slice(1)}` : ""), e1];
  }
  return [m, Number(e)];
}

const stripZeros = (s) => (s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s);

// Python's f"{v:.{p}g}".
export function g(v, p) {
  if (Number.isNaN(v)) return "nan";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  if (v === 0) return Object.is(v, -0) ? "-0" : "0";
  const sign = v < 0 ? "-" : "";
  const [m, e] = roundSig(v, p);
  if (e < -4 || e >= p) return `${sign}${stripZeros(m)}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  const digits = m.replace(".", "");
  const whole = e >= 0 ? digits.slice(0, e + 1) : "0";
  const frac = e >= 0 ? digits.slice(e + 1) : "0".repeat(-e - 1) + digits;
  return sign + stripZeros(frac ? `${whole}.${frac}` : whole);
}

// The course's format for a control's value (sgd_helpers.widgets.fmt): 3e-5, 0.05, 1.05, 200.
export function fmt(v) {
  if (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e5)) {
    const [m, e] = roundSig(v, 3);
    return `${v < 0 ? "-" : ""}${stripZeros(m)}e${e}`;
  }
  return g(v, 6);
}

const nSteps = (n) => `${n} step${n === 1 ? "" : "s"}`;

// A sentence of explorers.json filled in as Python's str.format fills it: `{name}` as given, `{name:.4g}` by g().
export function fill(template, fields) {
  return template.replace(/\{(\w+)(?::\.(\d+)g)?\}/g, (_, name, p) =>
    p ? g(fields[name], Number(p)) : String(fields[name]),
  );
}

// ---------- the descents, as sgd_helpers computes them ----------

// What a learner would call diverging (sgd_helpers.diverging): overflowed, or above the start and still growing.
function diverging(losses) {
  if (!losses.every(Number.isFinite)) return true;
  const n = losses.length;
  return n > 1 && losses[n - 1] > losses[0] && losses[n - 1] > losses[n - 2];
}

// A polynomial with coefficients c[0] + c[1] x + ... in float32, as torch evaluates `x**2` (x*x) and its slope (2x).
function poly32(c, x) {
  let y = 0;
  for (let k = c.length - 1; k >= 0; k--) y = k === c.length - 1 ? f32(c[k]) : f32(f32(y * x) + c[k]);
  return y;
}
const power32 = (c, x) => {
  // sum of c_k x^k with x^k as torch's pow: exact products for the squares we use
  if (c.length === 3 && c[0] === 0 && c[1] === 0) return f32(c[2] === 1 ? f32(x * x) : f32(c[2] * f32(x * x)));
  return poly32(c, x);
};
const slope32 = (c, x) => {
  if (c.length === 3 && c[0] === 0 && c[1] === 0) return f32(c[2] === 1 ? f32(2 * x) : f32(f32(2 * x) * c[2]));
  return poly32(
    c.slice(1).map((v, k) => v * (k + 1)),
    x,
  );
};

export function descentPath(c, x0, lr, steps) {
  const rate = f32(lr);
  const xs = [f32(x0)];
  let x = xs[0];
  for (let t = 0; t < steps; t++) {
    x = f32(x - f32(rate * slope32(c, x)));
    if (!Number.isFinite(x)) break;
    xs.push(x);
  }
  return xs;
}

// fit(model, params, x, y, lr, steps, loss) of sgd_helpers.training: the plain step on a quadratic model, float32.
// `model` is "quadratic" (a t² + b t + c, MSE) or "polynomial" (powers @ params, SSE); both have three parameters.
// `rule` is when fit calls a run blown up (explorers.json's `fit`, as training._blew_up reads it).
export function fitQuadratic(t, y, p0, lr, steps, mean, rule) {
  const n = t.length;
  const rate = f32(lr);
  let p = p0.map(f32);
  const history = [p.slice()];
  const losses = [];
  let reason = "steps";
  for (let i = 0; i <= steps; i++) {
    const grad = [0, 0, 0];
    let sum = 0;
    for (let k = 0; k < n; k++) {
      const t2 = f32(t[k] * t[k]);
      const pred = f32(f32(f32(p[0] * t2) + f32(p[1] * t[k])) + p[2]);
      const e = f32(pred - y[k]);
      sum += f32(e * e);
      const de = mean ? f32(f32(2 * e) / n) : f32(2 * e);
      grad[0] += f32(de * t2);
      grad[1] += f32(de * t[k]);
      grad[2] += de;
    }
    // PyTorch sums float32 in several partial sums (their order depends on the processor); a float64 sum rounded
    // once is as near to each of them as any fixed order can be.
    for (let j = 0; j < 3; j++) grad[j] = f32(grad[j]);
    const loss = mean ? f32(f32(sum) / n) : f32(sum);
    losses.push(loss);
    if (!(Number.isFinite(loss) && loss <= rule.blown_up * Math.max(losses[0], rule.least_start))) {
      reason = i === 0 ? "overflow" : "diverged";
      break;
    }
    if (i === steps) {
      if (diverging(losses)) reason = "diverged";
      break;
    }
    p = p.map((v, j) => f32(v - f32(rate * grad[j])));
    history.push(p.slice());
  }
  return { losses, history, reason, steps: losses.length - 1 };
}

// descent_path(None, x0, lr, steps, method, beta, beta2, grad=lambda p: H @ (p - minimum)), in float64 as the
// explorer asks; 1e-8 is descent_path's (and torch.optim.Adam's) eps.
export function surfacePath(H, m, x0, lr, steps, method, beta, beta2) {
  const path = [x0.slice()];
  let x = x0.slice();
  let v = [0, 0];
  let mo = [0, 0];
  for (let t = 1; t <= steps; t++) {
    const d = [x[0] - m[0], x[1] - m[1]];
    const gr = [H[0][0] * d[0] + H[0][1] * d[1], H[1][0] * d[0] + H[1][1] * d[1]];
    if (method === "gd") {
      x = [x[0] - lr * gr[0], x[1] - lr * gr[1]];
    } else if (method === "momentum") {
      v = [beta * v[0] + gr[0], beta * v[1] + gr[1]];
      x = [x[0] - lr * v[0], x[1] - lr * v[1]];
    } else {
      mo = [beta * mo[0] + (1 - beta) * gr[0], beta * mo[1] + (1 - beta) * gr[1]];
      v = [beta2 * v[0] + (1 - beta2) * gr[0] * gr[0], beta2 * v[1] + (1 - beta2) * gr[1] * gr[1]];
      const a = lr / (1 - beta ** t);
      x = x.map((xi, i) => xi - (a * mo[i]) / (Math.sqrt(v[i] / (1 - beta2 ** t)) + 1e-8));
    }
    if (!x.every(Number.isFinite)) break;
    path.push(x);
  }
  return path;
}

// ---------- the four explorers: compute, then say in one line what happened ----------

// How far the descent's picture reaches either side of 0: explorers.json's `window`, as widgets._window writes it.
const descentWindow = (w, x0) => w.times * Math.max(Math.abs(x0), w.at_least);

const EXPLORERS = {
  descent(spec, s) {
    const c = spec.coefficients;
    const said = spec.shared.status;
    const xs = descentPath(c, s.x0, s.lr, s.steps);
    const heights = xs.map((x) => power32(c, x));
    const span = descentWindow(spec.shared.window, s.x0);
    let k = 0;
    while (k < xs.length && Math.abs(xs[k]) <= span) k++;
    const shown = xs.slice(0, k);
    const diverged = xs.length < s.steps + 1 || diverging(heights);
    const last = xs.length - 1;
    const [x, fx] = [xs[last], heights[last]];
    const noMinimum = shown.length < xs.length && !diverged && heights[last] < heights[0];
    let status;
    if (noMinimum) {
      status = fill(said.no_minimum, { x0: fmt(s.x0), x, fx });
    } else if (diverged) {
      const curv = c.reduce((acc, ck, j) => acc + (j >= 2 ? j * (j - 1) * ck * s.x0 ** (j - 2) : 0), 0);
      const limit = curv > 0 ? fill(said.limit, { limit: fmt(2 / curv) }) : "";
      status = fill(said.diverged, { start: fmt(Math.abs(s.x0)), end: Math.abs(x), steps: nSteps(last), limit });
    } else {
      status = fill(said.after, { steps: nSteps(s.steps), x, fx });
    }
    return {
      status,
      ok: !noMinimum && !diverged,
      result: { path: xs, f: heights },
      draw: (fig) => drawDescent(fig, spec, s, span, shown, diverged),
    };
  },

  coaster(spec, s) {
    const said = spec.shared.status;
    const run = fitQuadratic(spec.x, spec.y, [s.a, s.b, s.c], s.lr, s.steps, true, spec.shared.fit);
    const finite = run.losses.filter(Number.isFinite);
    const ok = run.reason === "steps";
    const [a, b, c] = run.history[run.history.length - 1];
    const status = ok
      ? fill(said.after, { steps: nSteps(s.steps), loss: run.losses[run.losses.length - 1], a, b, c })
      : fill(said.diverged, {
          start: finite[0],
          end: finite[finite.length - 1],
          steps: nSteps(run.steps),
          lr: fmt(s.lr),
          limit: fmt(spec.limit),
        });
    return {
      status,
      ok,
      result: { params: run.history, losses: run.losses },
      draw: (fig) => drawCoaster(fig, spec, s, run, finite),
    };
  },

  scaling(spec, s) {
    const said = spec.shared.status;
    const sc = f32(s.scale);
    const xs = spec.x.map((v) => f32(v / sc));
    const [a, b, c] = spec.start;
    const run = fitQuadratic(xs, spec.y, [a * s.scale ** 2, b * s.scale, c], s.lr, s.steps, false, spec.shared.fit);
    const limit = spec.limits[spec.controls.scale.options.indexOf(s.scale)];
    const finite = run.losses.filter(Number.isFinite);
    const cs = run.history.map((p) => p[2]);
    const status = {
      overflow: () => fill(said.overflow, { loss: run.losses[0], start: spec.start_text }),
      diverged: () => fill(said.diverged, { lr: fmt(s.lr), limit }),
      steps: () =>
        // below the floor the fit has converged to rounding residue: say how close, only (explorers.json)
        run.losses[run.losses.length - 1] < spec.shared.floor
          ? fill(said.converged, {
              steps: nSteps(s.steps),
              floor: fmt(spec.shared.floor),
              c_floor: fmt(spec.shared.c_floor),
              limit,
            })
          : fill(said.after, {
              steps: nSteps(s.steps),
              loss: run.losses[run.losses.length - 1],
              c: cs[cs.length - 1],
              limit,
            }),
    }[run.reason]();
    return {
      status,
      ok: run.reason === "steps",
      result: { params: run.history, losses: run.losses },
      draw: (fig) => drawScaling(fig, spec, s, finite, cs),
    };
  },

  surface(spec, s) {
    const said = spec.shared.status;
    const names = spec.names;
    const x0 = [s[`start_${names[0]}`], s[`start_${names[1]}`]];
    const path = surfacePath(spec.H, spec.minimum, x0, s.lr, s.steps, s.method, s.beta, spec.shared.beta2);
    const losses = path.map((p) => (Math.abs(bowl(spec, p)) > spec.shared.loss_cap ? Infinity : bowl(spec, p)));
    const diverged = path.length < s.steps + 1 || diverging(losses);
    let status;
    if (diverged) {
      // each method's largest stable rate, as widgets._diverged_on_the_surface writes it too
      const limit = { gd: 2 / spec.lam_max, momentum: (2 * (1 + s.beta)) / spec.lam_max }[s.method];
      const why = fill(said[s.method], { beta: fmt(s.beta), limit: limit === undefined ? "" : fmt(limit) });
      const finite = losses.filter(Number.isFinite);
      const [start, end] = [losses[0], finite[finite.length - 1]];
      status = fill(said.diverged, { start, end, steps: nSteps(finite.length - 1), limit: why });
    } else {
      const [x, y] = path[path.length - 1];
      const [x_name, y_name] = names;
      const loss = losses[losses.length - 1];
      status = fill(said.after, { steps: nSteps(s.steps), loss, lowest: spec.lowest, x_name, y_name, x, y });
    }
    return {
      status,
      ok: !diverged,
      result: { path, losses },
      draw: (fig) => drawSurface(fig, spec, s, path, losses, diverged),
    };
  },
};

// The loss of a bowl at p: its lowest value plus half (p - minimum)' H (p - minimum).
function bowl(spec, p) {
  const d = [p[0] - spec.minimum[0], p[1] - spec.minimum[1]];
  const H = spec.H;
  return spec.lowest + 0.5 * (d[0] * (H[0][0] * d[0] + H[0][1] * d[1]) + d[1] * (H[1][0] * d[0] + H[1][1] * d[1]));
}

export function compute(kind, spec, values) {
  if (!(kind in EXPLORERS)) throw new Error(`no explorer named ${kind}`);
  return EXPLORERS[kind](spec, values);
}

// ---------- a small SVG plotting kit ----------

const NS = "http://www.w3.org/2000/svg";
function el(tag, attrs = {}, parent = null, text = null) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== null) node.textContent = text;
  if (parent) parent.appendChild(node);
  return node;
}

// Round tick values: 1, 2 or 5 times a power of ten apart, about `n` of them.
function linearTicks(lo, hi, n = 5) {
  const raw = (hi - lo) / n;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((v) => v >= raw * 0.999);
  const ticks = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step)
    ticks.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return ticks.map((v) => [v, v.toFixed(decimals)]);
}

// Log ticks: powers of ten, or 1-2-5 times them over less than two decades, so at least two are labelled.
export function logTicks(lo, hi) {
  const ticks = [];
  const a = Math.floor(Math.log10(lo)),
    b = Math.ceil(Math.log10(hi));
  const mults = b - a <= 2 ? [1, 2, 5] : [1];
  const every = Math.max(1, Math.ceil((b - a) / 6));
  for (let k = a; k <= b; k++) {
    if (mults.length === 1 && (k - a) % every) continue;
    for (const m of mults) {
      const v = m * 10 ** k;
      if (v >= lo * 0.999 && v <= hi * 1.001) ticks.push([v, m === 1 ? `1e${k}` : `${m}e${k}`]);
    }
  }
  return ticks;
}

function label(text) {
  // 1e3 -> 10³ as a reader expects on a log axis; others as given
  const m = /^([125])e(-?\d+)$/.exec(text);
  if (!m) return text;
  const sup = (s) => s.replace(/-/g, "⁻").replace(/\d/g, (d) => "⁰¹²³⁴⁵⁶⁷⁸⁹"[d]);
  const k = Number(m[2]);
  if (k >= 0 && k <= 3) return String(Number(m[1]) * 10 ** k);
  return m[1] === "1" ? `10${sup(m[2])}` : `${m[1]}×10${sup(m[2])}`;
}

class Axes {
  constructor(svg, box, xr, yr, opts = {}) {
    Object.assign(this, { box, xr, yr, xlog: !!opts.xlog, ylog: !!opts.ylog });
    this.g = el("g", {}, svg);
    const id = `clip${Math.random().toString(36).slice(2)}`;
    const clip = el("clipPath", { id }, el("defs", {}, this.g));
    el("rect", { x: box.x, y: box.y, width: box.w, height: box.h }, clip);
    this.frame = el(
      "rect",
      { x: box.x, y: box.y, width: box.w, height: box.h, fill: "white", stroke: "#333", "stroke-width": 0.8 },
      this.g,
    );
    this.ticks(opts);
    this.plot = el("g", { "clip-path": `url(#${id})` }, this.g);
  }
  tx(v) {
    const [lo, hi] = this.xlog ? this.xr.map(Math.log10) : this.xr;
    return this.box.x + (((this.xlog ? Math.log10(v) : v) - lo) / (hi - lo)) * this.box.w;
  }
  ty(v) {
    const [lo, hi] = this.ylog ? this.yr.map(Math.log10) : this.yr;
    return this.box.y + this.box.h - (((this.ylog ? Math.log10(v) : v) - lo) / (hi - lo)) * this.box.h;
  }
  ticks(opts) {
    const { x, y, w, h } = this.box;
    for (const [v, t] of this.xlog ? logTicks(...this.xr) : linearTicks(...this.xr)) {
      const px = this.tx(v);
      el("line", { x1: px, x2: px, y1: y + h, y2: y + h + 4, stroke: "#333" }, this.g);
      el("text", { x: px, y: y + h + 15, "text-anchor": "middle", class: "tick" }, this.g, label(t));
    }
    for (const [v, t] of this.ylog ? logTicks(...this.yr) : linearTicks(...this.yr)) {
      const py = this.ty(v);
      el("line", { x1: x - 4, x2: x, y1: py, y2: py, stroke: "#333" }, this.g);
      el("text", { x: x - 6, y: py + 4, "text-anchor": "end", class: "tick" }, this.g, label(t));
    }
    if (opts.xlabel) el("text", { x: x + w / 2, y: y + h + 31, "text-anchor": "middle" }, this.g, opts.xlabel);
    if (opts.ylabel) {
      el(
        "text",
        { x: 0, y: 0, "text-anchor": "middle", transform: `translate(${x - 44},${y + h / 2}) rotate(-90)` },
        this.g,
        opts.ylabel,
      );
    }
    if (opts.title) el("text", { x: x + w / 2, y: y - 7, "text-anchor": "middle", class: "title" }, this.g, opts.title);
  }
  line(xs, ys, style = {}) {
    const pts = xs
      .map((v, i) => [this.tx(v), this.ty(ys[i])])
      .filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b));
    el(
      "polyline",
      {
        points: pts.map(([a, b]) => `${a.toFixed(2)},${b.toFixed(2)}`).join(" "),
        fill: "none",
        stroke: style.color,
        "stroke-width": style.width || 1.5,
        "stroke-dasharray": style.dash || "none",
      },
      this.plot,
    );
  }
  mark(x, y, shape, color, size = 5) {
    const px = this.tx(x),
      py = this.ty(y);
    if (!Number.isFinite(px) || !Number.isFinite(py)) return;
    markAt(this.plot, px, py, shape, color, size);
  }
  legend(items, where = "right") {
    const width = Math.max(...items.map(([t]) => t.length)) * 6.8 + 32;
    const x = where === "right" ? this.box.x + this.box.w - width - 6 : this.box.x + (this.box.w - width) / 2;
    const g0 = el("g", { class: "legend" }, this.g);
    el(
      "rect",
      { x, y: this.box.y + 6, width, height: items.length * 15 + 6, fill: "white", opacity: 0.85, stroke: "#ccc" },
      g0,
    );
    items.forEach(([text, shape, color], i) => {
      const y = this.box.y + 17 + i * 15;
      if (shape === "line")
        el("line", { x1: x + 5, x2: x + 19, y1: y - 4, y2: y - 4, stroke: color, "stroke-width": 2 }, g0);
      else markAt(g0, x + 12, y - 4, shape, color, 4);
      el("text", { x: x + 24, y, class: "tick" }, g0, text);
    });
  }
}

function markAt(parent, px, py, shape, color, size) {
  const s = size;
  if (shape === "o") el("circle", { cx: px, cy: py, r: s * 0.6, fill: color }, parent);
  else if (shape === "s")
    el("rect", { x: px - s * 0.8, y: py - s * 0.8, width: s * 1.6, height: s * 1.6, fill: color }, parent);
  else if (shape === "+")
    el(
      "path",
      { d: `M${px - s * 1.4},${py}h${s * 2.8}M${px},${py - s * 1.4}v${s * 2.8}`, stroke: color, "stroke-width": 2 },
      parent,
    );
  else if (shape === "x")
    el(
      "path",
      {
        d: `M${px - s},${py - s}L${px + s},${py + s}M${px - s},${py + s}L${px + s},${py - s}`,
        stroke: color,
        "stroke-width": 3,
      },
      parent,
    );
  else if (shape === "*") {
    const pts = [];
    for (let i = 0; i < 10; i++) {
      const r = i % 2 ? s * 0.6 : s * 1.5,
        a = (Math.PI / 5) * i - Math.PI / 2;
      pts.push(`${(px + r * Math.cos(a)).toFixed(2)},${(py + r * Math.sin(a)).toFixed(2)}`);
    }
    el("polygon", { points: pts.join(" "), fill: color }, parent);
  }
}

export function range(values, pad = 0.05, log = false) {
  const v = values.filter((u) => Number.isFinite(u) && (!log || u > 0));
  let lo = Math.min(...v),
    hi = Math.max(...v);
  if (log) {
    // Over less than two decades a log axis labels 1, 2 and 5 times the powers of ten; reach the nearest of those
    // beyond each end, so the lowest and the highest values both have a label near them (never fewer than two).
    if (hi / lo < 100) {
      const below = (x) =>
        Math.max(...[1, 2, 5, 10].map((m) => m * 10 ** Math.floor(Math.log10(x))).filter((t) => t <= x * 1.000001));
      const above = (x) =>
        Math.min(...[1, 2, 5, 10].map((m) => m * 10 ** Math.floor(Math.log10(x))).filter((t) => t >= x * 0.999999));
      [lo, hi] = [below(lo), above(hi)];
      if (lo === hi) hi = above(hi * 1.01);
    }
    return [lo / (hi / lo) ** pad, hi * (hi / lo) ** pad];
  }
  if (hi - lo < 1e-12 * Math.max(1, Math.abs(hi))) {
    lo -= 1;
    hi += 1;
  }
  return [lo - (hi - lo) * pad, hi + (hi - lo) * pad];
}

// An SVG as wide as the picture is on the page (`root.sgdWidth`, CSS pixels; one SVG unit a pixel, so that its text
// is drawn at the CSS sizes below, 11 to 13 px, on a phone as on a laptop), named by what it shows (`label`), and
// the boxes of its panels: side by side (as wide as `weights` say) where each gets 200 px or more, else stacked.
// `size` is explorers.json's, the size Python draws its picture at: its height is kept where the panels sit side by
// side, and its width is used until the page has said how wide the picture is.
function figure(root, [width, height], weights, label) {
  const w = Math.round(root.sgdWidth || width);
  const [left, right, gap, top, below] = [64, 16, 86, 30, 52];
  const total = weights.reduce((a, b) => a + b, 0);
  const room = w - left - right - gap * (weights.length - 1);
  let boxes, h;
  if (weights.length === 1 || (room * Math.min(...weights)) / total >= 200) {
    let x = left;
    boxes = weights.map((k) => {
      const box = { x, y: top, w: (room * k) / total, h: height - top - below };
      x += box.w + gap;
      return box;
    });
    h = height;
  } else {
    const pw = w - left - right;
    const ph = Math.round(Math.min(height - top - below, Math.max(180, 0.7 * pw)));
    boxes = weights.map((_, i) => ({ x: left, y: top + i * (ph + top + below), w: pw, h: ph }));
    h = weights.length * (ph + top + below);
  }
  root.replaceChildren();
  const attrs = { viewBox: `0 0 ${w} ${h}`, width: "100%", role: "img", "aria-label": label, class: "sgd-figure" };
  return [el("svg", attrs, root), boxes];
}

function drawDescent(root, spec, s, limit, shown, diverged) {
  const title = fill(spec.shared.title, { lr: fmt(s.lr), steps: nSteps(s.steps), x0: fmt(s.x0) });
  const [svg, [box]] = figure(root, spec.shared.size, [1], fill(spec.shared.chart, { title }));
  const [c, colors] = [spec.coefficients, spec.shared.colors];
  const grid = Array.from({ length: 200 }, (_, i) => -limit + (2 * limit * i) / 199);
  const curve = grid.map((x) => c.reduce((acc, ck, j) => acc + ck * x ** j, 0));
  const top = Math.max(curve[0], curve[curve.length - 1]);
  const yr = range(curve.concat(shown.map((x) => power32(c, x))));
  if (top > 0) yr[1] = top * 1.05;
  const ax = new Axes(svg, box, [-limit * 1.05, limit * 1.05], yr, { xlabel: "x", ylabel: "f(x)", title });
  ax.line(grid, curve, { color: colors.curve, width: 2 });
  const ys = shown.map((x) => power32(c, x));
  ax.line(shown, ys, { color: colors.C1, width: 1 });
  for (const [i, x] of shown.entries()) ax.mark(x, ys[i], "o", colors.C1, 4);
  ax.mark(shown[0], ys[0], "s", colors.C3, 4.5);
  const n = shown.length - 1;
  ax.mark(shown[n], ys[n], diverged ? "x" : "*", diverged ? colors.bad : colors.C2, 6);
  ax.legend(
    [
      ["f", "line", colors.curve],
      ["steps", "o", colors.C1],
      ["start", "s", colors.C3],
      diverged ? [`step ${n}: flying off`, "x", colors.bad] : [`after ${nSteps(n)}`, "*", colors.C2],
    ],
    "center",
  );
}

function lossAxes(svg, box, losses, title, ylabel, color) {
  const steps = losses.map((_, i) => i);
  const ax = new Axes(svg, box, [-0.5, Math.max(1, losses.length - 1) + 0.5], range(losses, 0.05, true), {
    ylog: true,
    xlabel: "step",
    ylabel,
    title,
  });
  if (losses.length) ax.line(steps, losses, { color });
  return ax;
}

function drawCoaster(root, spec, s, run, finite) {
  const { size, colors, clamp, titles, chart } = spec.shared;
  const title = fill(titles[0], { steps: nSteps(run.steps), lr: fmt(s.lr) });
  const [svg, boxes] = figure(root, size, [1, 1], fill(chart, { title }));
  const p = run.history[run.history.length - 1];
  const preds = spec.x.map((t) =>
    Math.min(clamp, Math.max(-clamp, f32(f32(f32(p[0] * f32(t * t)) + f32(p[1] * t)) + p[2]))),
  );
  const left = new Axes(svg, boxes[0], range(spec.x), range(spec.y.concat(preds)), {
    xlabel: "time",
    ylabel: "speed",
    title,
  });
  for (const [i, t] of spec.x.entries()) left.mark(t, spec.y[i], "o", colors.C0, 5);
  left.line(spec.x, preds, { color: colors.bad, width: 2 });
  left.legend(
    [
      ["data", "o", colors.C0],
      ["model", "line", colors.bad],
    ],
    "center",
  );
  lossAxes(svg, boxes[1], finite, titles[1], "loss", colors.C0);
}

function drawScaling(root, spec, s, finite, cs) {
  const { size, colors, titles, chart } = spec.shared;
  const title = fill(titles[0], { scale: fmt(s.scale), lr: fmt(s.lr) });
  const [svg, boxes] = figure(root, size, [1, 1], fill(chart, { title }));
  lossAxes(svg, boxes[0], finite, title, "SSE", colors.C0);
  const steps = cs.map((_, i) => i);
  const right = new Axes(svg, boxes[1], [-0.5, cs.length - 0.5], range(cs.concat([0])), {
    xlabel: "step",
    ylabel: "c",
    title: titles[1],
  });
  right.line([-1, cs.length], [0, 0], { color: "#999999", width: 0.8, dash: "4 3" });
  right.line(steps, cs, { color: colors.C2 });
}

function drawSurface(root, spec, s, path, losses, diverged) {
  const said = spec.shared;
  const colors = said.colors;
  const [xlim, ylim] = [spec.xlim, spec.ylim];
  const what = s.method === "momentum" ? fill(said.momentum_title, { beta: fmt(s.beta) }) : said.methods[s.method];
  const title = fill(said.titles[0], { what, lr: fmt(s.lr), steps: nSteps(s.steps) });
  const label = fill(said.chart, { x_name: spec.names[0], y_name: spec.names[1], title });
  const [svg, boxes] = figure(root, said.size, [3, 2], label);
  const left = new Axes(svg, boxes[0], xlim, ylim, { xlabel: spec.names[0], ylabel: spec.names[1], title });
  for (const level of spec.levels) {
    // the contour of a bowl is an ellipse around its minimum
    const pts = Array.from({ length: 121 }, (_, i) => {
      const a = (2 * Math.PI * i) / 120;
      const r = spec.axes.map((lam) => Math.sqrt((2 * (level - spec.lowest)) / lam));
      const [u, w] = [r[0] * Math.cos(a), r[1] * Math.sin(a)];
      return [
        spec.minimum[0] + u * spec.vectors[0][0] + w * spec.vectors[0][1],
        spec.minimum[1] + u * spec.vectors[1][0] + w * spec.vectors[1][1],
      ];
    });
    left.line(
      pts.map((q) => q[0]),
      pts.map((q) => q[1]),
      { color: "#999", width: 0.7 },
    );
  }
  left.mark(spec.minimum[0], spec.minimum[1], "+", "#000", 6);
  const spans = said.window_spans; // the path is drawn while this many of the window's widths from its centre
  const near = (q) =>
    Math.abs(q[0] - (xlim[0] + xlim[1]) / 2) <= spans * (xlim[1] - xlim[0]) &&
    Math.abs(q[1] - (ylim[0] + ylim[1]) / 2) <= spans * (ylim[1] - ylim[0]);
  const shown = path.filter(near);
  const drawn = shown.length ? shown : path.slice(0, 1);
  left.line(
    drawn.map((q) => q[0]),
    drawn.map((q) => q[1]),
    { color: colors.C1, width: drawn.length > 300 ? 0.8 : 1.5 },
  );
  left.mark(drawn[0][0], drawn[0][1], "s", colors.C1, 4.5);
  const end = drawn[drawn.length - 1];
  left.mark(end[0], end[1], diverged ? "x" : "*", diverged ? colors.bad : colors.C1, 6);
  left.legend([
    ["lowest point", "+", "#000"],
    [what, "line", colors.C1],
  ]);
  const floor = said.excess_floor * Math.max(Math.abs(spec.lowest), 1);
  const excess = losses.filter(Number.isFinite).map((l) => Math.min(said.loss_cap, Math.max(floor, l - spec.lowest)));
  lossAxes(svg, boxes[1], excess, said.titles[1], said.loss_label, colors.C0);
}

// ---------- the controls ----------

// Every control is a 44 px target (a thumb's); the buttons' colours are their own, so that they keep their contrast
// on a page in dark mode; the keyboard's place is always outlined.
const CSS = `
.sgd-explorer { font: 13px/1.35 system-ui, -apple-system, "Segoe UI", sans-serif; color: #222; max-width: 960px; }
.sgd-explorer .controls { display: grid; grid-template-columns: repeat(auto-fit, minmax(260px, 1fr)); gap: 2px 18px; }
.sgd-explorer .control { display: grid; grid-template-columns: 92px 1fr 64px; align-items: center; gap: 6px; }
.sgd-explorer .control.choice { grid-template-columns: 92px 1fr; }
.sgd-explorer input[type=range] { width: 100%; height: 44px; margin: 0; }
.sgd-explorer output { font-variant-numeric: tabular-nums; }
.sgd-explorer .buttons { display: flex; flex-wrap: wrap; gap: 4px; }
.sgd-explorer .buttons button { font: inherit; min-height: 44px; min-width: 44px; padding: 0 12px; white-space: nowrap;
  border: 1px solid #767676; background: #f4f4f4; color: #1a1a1a; border-radius: 4px; cursor: pointer; }
.sgd-explorer .buttons button[aria-pressed=true] { background: #1f77b4; color: #fff; border-color: #1f77b4; }
.sgd-explorer :focus-visible { outline: 3px solid #1f77b4; outline-offset: 2px; }
.sgd-explorer .status { margin: 6px 0 2px; min-height: 1.35em; }
.sgd-explorer .status.bad { color: var(--sgd-bad); }
.sgd-explorer svg text { font-size: 12px; fill: #222; }
.sgd-explorer svg text.tick { font-size: 11px; }
.sgd-explorer svg text.title { font-size: 13px; }
.sgd-explorer .picture img { width: 100%; height: auto; }
`;

// One control's row. A screen reader hears a slider as its caption and the value shown beside it (aria-valuetext,
// from the start), so the readout itself is hidden from it; a row of buttons is a group named by its caption, and
// each button by its own word (a <label> around them would name the first one by the caption).
function controlRow(parent, name, ctl, value, onChange) {
  const row = document.createElement(ctl.type === "buttons" ? "div" : "label");
  row.className = ctl.type === "buttons" ? "control choice" : "control"; // not "row": Bootstrap's, on the site
  const caption = document.createElement("span");
  caption.textContent = ctl.label;
  row.appendChild(caption);
  if (ctl.type === "buttons") {
    caption.id = `sgd-caption-${Math.random().toString(36).slice(2)}`;
    const box = document.createElement("span");
    box.className = "buttons";
    box.setAttribute("role", "group");
    box.setAttribute("aria-labelledby", caption.id);
    const buttons = ctl.options.map(([text, v]) => {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = text;
      b.dataset.value = v;
      b.setAttribute("aria-pressed", String(v === value));
      b.addEventListener("click", () => {
        for (const o of buttons) o.setAttribute("aria-pressed", String(o === b));
        onChange(name, v);
      });
      box.appendChild(b);
      return b;
    });
    row.appendChild(box);
    parent.appendChild(row);
    return;
  }
  const input = document.createElement("input");
  input.type = "range";
  input.name = name;
  const shown = document.createElement("output");
  shown.setAttribute("aria-hidden", "true");
  const pick = ctl.type === "int" ? (i) => i : (i) => ctl.options[i];
  if (ctl.type === "int") Object.assign(input, { min: ctl.min, max: ctl.max, step: 1 });
  else Object.assign(input, { min: 0, max: ctl.options.length - 1, step: 1 });
  input.value = String(ctl.type === "int" ? value : ctl.options.indexOf(value));
  shown.textContent = ctl.type === "int" ? String(value) : fmt(value);
  input.setAttribute("aria-label", ctl.label);
  input.setAttribute("aria-valuetext", shown.textContent);
  input.addEventListener("input", () => {
    const v = pick(Number(input.value));
    shown.textContent = ctl.type === "int" ? String(v) : fmt(v);
    input.setAttribute("aria-valuetext", shown.textContent);
    onChange(name, v);
  });
  row.append(input, shown);
  parent.appendChild(row);
}

// Draw an explorer into `el` and keep it answering its controls. `model` is anywidget's (get, set, save_changes)
// or, on a static page, a stand-in that keeps the values here.
function mount(el, model) {
  const kind = model.get("kind"),
    spec = model.get("spec");
  let values = { ...model.get("values") };
  el.replaceChildren();
  const root = document.createElement("div");
  root.className = "sgd-explorer";
  root.style.setProperty("--sgd-bad", spec.shared.colors.bad); // the red of a bad status, explorers.json's
  // The arrow keys and Space move the controls: neither JupyterLab's shortcuts nor its notebook (which would take
  // the key to move between cells) may have them.
  root.setAttribute("data-lm-suppress-shortcuts", "true");
  root.addEventListener("keydown", (e) => e.stopPropagation());
  const style = document.createElement("style");
  style.textContent = CSS;
  const controls = document.createElement("div");
  controls.className = "controls";
  const status = document.createElement("div");
  status.className = "status";
  status.setAttribute("aria-live", "polite"); // the explorer's one live region: what a move did, said once
  const picture = document.createElement("div");
  picture.className = "picture";
  root.append(style, controls, status, picture);
  el.appendChild(root);
  let out = null;
  // The picture is drawn as wide as it is on the page (see `figure`), and again when that changes.
  picture.sgdWidth = picture.clientWidth;
  new ResizeObserver(([seen]) => {
    const width = Math.round(seen.contentRect.width);
    if (width && width !== Math.round(picture.sgdWidth)) {
      picture.sgdWidth = width;
      if (out) out.draw(picture);
    }
  }).observe(picture);
  const redraw = () => {
    const t0 = performance.now();
    out = compute(kind, spec, values);
    out.draw(picture);
    status.textContent = out.status;
    status.classList.toggle("bad", !out.ok);
    root.dataset.status = out.status;
    root.dataset.ok = String(out.ok);
    root.dataset.drawMs = String(performance.now() - t0);
    root.dispatchEvent(new CustomEvent("sgd-redrawn", { bubbles: true }));
  };
  for (const [name, ctl] of Object.entries(spec.controls)) {
    controlRow(controls, name, ctl, values[name], (n, v) => {
      values = { ...values, [n]: v };
      redraw();
      model.set("values", values);
      model.save_changes();
    });
  }
  root.sgdValues = () => ({ ...values });
  redraw();
  return root;
}

// anywidget's entry point: with a kernel, the values go back to Python as they change.
function render({ model, el }) {
  mount(el, model);
}

// A static page: the same explorer, with the settings kept in the page. `el` holds the explorer's data as
// sgd_helpers/_wire.py writes them, in a <script type="application/json" data-sgd-explorer> element.
export function mountStatic(el) {
  const state = JSON.parse(el.querySelector("script[data-sgd-explorer]").textContent);
  return mount(el, {
    get: (k) => state[k],
    set: (k, v) => {
      state[k] = v;
    },
    save_changes: () => {},
  });
}

export default { render };
