/*
 * Charts of the plan pages, drawn with Chart.js (loaded before this file, see tracker/assets.py).
 *
 * Each <canvas data-chart="ID"> has its data in <script type="application/json" id="ID">,
 * written by tracker/plans/chart_specs.py; the table after the chart holds the same numbers.
 * No inline script, no plugin beyond Chart.js core. Series differ by pattern, dash or point shape
 * as well as by colour.
 */
(function () {
  "use strict";

  const lang = document.documentElement.lang || "en";
  const TEXT = "#1b1f24";
  const GRID = "#d5dbe1";

  // Colour and pattern of each series key (see the Series keys in tracker/plans/*_charts.py).
  const STYLES = {
    "status-completed": { color: "#1d5fa3", pattern: "dots" },
    "status-on_track": { color: "#2e7d32", pattern: null },
    "status-at_risk": { color: "#b07d00", pattern: "diagonal" },
    "status-off_track": { color: "#b3261e", pattern: "cross" },
    "status-on_hold": { color: "#6a3d9a", pattern: "vertical" },
    "status-not_started": { color: "#8a939c", pattern: "horizontal" },
    "status-cancelled": { color: "#505050", pattern: "backslash" },
    "status-no_report": { color: "#ffffff", pattern: "dots", ink: "#545d66", border: "#545d66" },
    reported: { color: "#1d5fa3", pattern: null, point: "circle" },
    expected: { color: "#545d66", pattern: "diagonal", point: "triangle", dash: [6, 4] },
    actions: { color: "#8a939c", pattern: "diagonal" },
    slipped: { color: "#b3261e", pattern: null },
    submitted: { color: "#1d5fa3", pattern: null },
    "on-time": { color: "#2e7d32", pattern: "diagonal" },
    "reporting-date": { color: "#8a939c", dash: [2, 4] },
    "compliance-on_time": { color: "#2e7d32", pattern: null },
    "compliance-late": { color: "#b07d00", pattern: "diagonal" },
    "compliance-missing": { color: "#b3261e", pattern: "cross" },
    "compliance-pending": { color: "#ffffff", pattern: "dots", ink: "#545d66", border: "#545d66" },
  };
  const LINE_COLOURS = ["#1d5fa3", "#b3261e", "#2e7d32", "#6a3d9a", "#b45309", "#00796b", "#5d4037", "#0277bd"];
  const LINE_POINTS = ["circle", "rect", "triangle", "star", "crossRot", "rectRounded", "cross", "line"];
  const LINE_DASHES = [[], [8, 4], [2, 3], [10, 3, 2, 3]];

  const patterns = new Map();

  /** A repeating fill: `colour` with light (or `ink`) strokes of the given kind. */
  function pattern(colour, kind, ink) {
    if (!kind) return colour;
    const key = colour + kind + (ink || "");
    if (patterns.has(key)) return patterns.get(key);
    const size = 8;
    const tile = document.createElement("canvas");
    tile.width = tile.height = size;
    const ctx = tile.getContext("2d");
    ctx.fillStyle = colour;
    ctx.fillRect(0, 0, size, size);
    ctx.strokeStyle = ctx.fillStyle = ink || "rgba(255, 255, 255, 0.8)";
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    if (kind === "dots") {
      ctx.arc(size / 2, size / 2, 1.5, 0, 2 * Math.PI);
      ctx.fill();
    } else {
      const lines = {
        diagonal: [[0, size, size, 0], [-size / 2, size / 2, size / 2, -size / 2], [size / 2, size * 1.5, size * 1.5, size / 2]],
        backslash: [[0, 0, size, size], [-size / 2, size / 2, size / 2, size * 1.5], [size / 2, -size / 2, size * 1.5, size / 2]],
        cross: [[0, size, size, 0], [0, 0, size, size]],
        vertical: [[size / 2, 0, size / 2, size]],
        horizontal: [[0, size / 2, size, size / 2]],
      }[kind] || [];
      lines.forEach(([x1, y1, x2, y2]) => { ctx.moveTo(x1, y1); ctx.lineTo(x2, y2); });
      ctx.stroke();
    }
    const result = ctx.createPattern(tile, "repeat");
    patterns.set(key, result);
    return result;
  }

  function styleOf(key) {
    return STYLES[key] || { color: "#545d66", pattern: null };
  }

  const formats = new Map();

  /** Numbers, percentages and dates in the chart's language (the payload's `locale`, set by the
   *  server), written as the tables under the charts write them: "62,8 %" (no-break space) and
   *  "22 janv. 2027" in French, "62.8%" and "Jan 22, 2027" in English. */
  function formatsFor(locale) {
    const key = locale || lang;
    if (formats.has(key)) return formats.get(key);
    const percent = new Intl.NumberFormat(key, { style: "percent", maximumFractionDigits: 1 });
    const day = new Intl.DateTimeFormat(key, { dateStyle: "medium", timeZone: "UTC" });
    const month = new Intl.DateTimeFormat(key, { year: "numeric", month: "short", timeZone: "UTC" });
    const number = new Intl.NumberFormat(key);
    const colon = key.startsWith("fr") ? "\u00a0:" : ":";
    const found = {
      percent: (value) => percent.format(value / 100).replace(/[\u202f ]%/, "\u00a0%"),
      number: (value) => number.format(value),
      date: (ms) => day.format(new Date(ms)),
      month: (ms) => month.format(new Date(ms)),
      /** "Label: text", with French's no-break space before the colon. */
      labelled: (label, text) => `${label}${colon} ${text}`,
    };
    formats.set(key, found);
    return found;
  }

  function isoDate(ms) {
    return new Date(ms).toISOString().slice(0, 10);
  }

  function formatValue(payload, unit, value) {
    const format = formatsFor(payload.locale);
    if (value === null || value === undefined) return payload.none || "n/a";
    if (unit === "percent") return format.percent(value);
    if (unit === "date") return format.date(value);
    return typeof value === "number" ? format.number(value) : String(value);
  }

  function valueAxis(payload, axis) {
    const scale = { beginAtZero: true, grid: { color: GRID }, ticks: { color: TEXT } };
    const format = formatsFor(payload.locale);
    if (payload.unit === "percent") {
      scale.max = payload.max || 100;
      scale.ticks.callback = (value) => format.percent(value);
    } else {
      scale.ticks.precision = 0;
      scale.ticks.callback = (value) => format.number(value);
    }
    scale.axis = axis;
    return scale;
  }

  function tooltip(payload, unit) {
    const format = formatsFor(payload.locale);
    return {
      callbacks: {
        label: (item) => format.labelled(item.dataset.label, formatValue(payload, unit, item.raw)),
      },
    };
  }

  function legend() {
    return { position: "bottom", labels: { color: TEXT, usePointStyle: false, boxWidth: 18 } };
  }

  /** Bars: grouped per label, or stacked (actions by status). Horizontal when stacked. */
  function barChart(payload, canvas) {
    const stacked = payload.kind === "stacked-bar";
    if (stacked) {
      // One horizontal bar per label: the frame grows with them.
      canvas.parentNode.style.height = `${Math.max(240, payload.labels.length * 32 + 110)}px`;
    }
    const datasets = payload.datasets.map((ds) => {
      const style = styleOf(ds.key);
      return {
        key: ds.key,
        label: ds.label,
        data: ds.data,
        backgroundColor: pattern(style.color, style.pattern, style.ink),
        borderColor: style.border || style.color,
        borderWidth: 1,
      };
    });
    const index = { stacked: stacked, grid: { display: false }, ticks: { color: TEXT, autoSkip: false } };
    const value = Object.assign(valueAxis(payload), { stacked: stacked });
    return {
      type: "bar",
      data: { labels: payload.labels, datasets: datasets },
      options: {
        indexAxis: stacked ? "y" : "x",
        scales: stacked ? { x: value, y: index } : { x: index, y: value },
        plugins: { legend: legend(), tooltip: tooltip(payload, payload.unit) },
      },
    };
  }

  /** Lines over quarters: reported (solid, circles) against expected (dashed, triangles). */
  function lineChart(payload) {
    const datasets = payload.datasets.map((ds) => {
      const style = styleOf(ds.key);
      return {
        key: ds.key,
        label: ds.label,
        data: ds.data,
        borderColor: style.color,
        backgroundColor: style.color,
        borderDash: style.dash || [],
        pointStyle: style.point || "circle",
        pointRadius: 4,
        spanGaps: false,
      };
    });
    return {
      type: "line",
      data: { labels: payload.labels, datasets: datasets },
      options: {
        scales: { x: { grid: { color: GRID }, ticks: { color: TEXT } }, y: valueAxis(payload) },
        plugins: { legend: pointLegend(), tooltip: tooltip(payload, payload.unit) },
      },
    };
  }

  function pointLegend() {
    const config = legend();
    config.labels.usePointStyle = true;
    return config;
  }

  /** Milestone trend analysis: reporting quarter across, reported date up, one line each. */
  function trendChart(payload) {
    const datasets = payload.datasets.map((ds, n) => {
      if (ds.key === "reporting-date") {
        const style = styleOf(ds.key);
        return { key: ds.key, label: ds.label, data: ds.data, borderColor: style.color, backgroundColor: style.color, borderDash: style.dash, pointRadius: 0, pointStyle: "line", borderWidth: 2 };
      }
      const colour = LINE_COLOURS[n % LINE_COLOURS.length];
      const shape = LINE_POINTS[n % LINE_POINTS.length];
      return {
        key: ds.key,
        label: ds.label,
        data: ds.data,
        borderColor: colour,
        backgroundColor: colour,
        borderDash: LINE_DASHES[n % LINE_DASHES.length],
        pointStyle: ds.marks.map((done) => (done ? "rectRot" : shape)),
        pointRadius: ds.marks.map((done) => (done ? 7 : 5)),
        spanGaps: true,
      };
    });
    const dates = { grid: { color: GRID }, ticks: { color: TEXT, callback: (value) => formatsFor(payload.locale).month(value) } };
    return {
      type: "line",
      data: { labels: payload.labels, datasets: datasets },
      options: {
        scales: { x: { grid: { color: GRID }, ticks: { color: TEXT } }, y: dates },
        plugins: { legend: pointLegend(), tooltip: tooltip(payload, "date") },
      },
    };
  }

  // Builders by payload kind; static/js/roadmap-chart.js adds "gantt".
  const BUILDERS = { "stacked-bar": barChart, bar: barChart, line: lineChart, trend: trendChart };

  // What other chart scripts of the page share (loaded after this one, before drawing starts).
  window.TrackerCharts = { BUILDERS, TEXT, pattern, isoDate, formatsFor };

  function draw(canvas) {
    const source = document.getElementById(canvas.dataset.chart);
    if (!source) return;
    const payload = JSON.parse(source.textContent);
    const build = BUILDERS[payload.kind];
    if (!build) return;
    const config = build(payload, canvas);
    config.options.responsive = true;
    config.options.maintainAspectRatio = false;
    new Chart(canvas, config);
  }

  function start() {
    if (typeof Chart === "undefined") return; // Chart.js did not load: the tables still stand.
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    Chart.defaults.color = TEXT;
    Chart.defaults.animation = false;
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  // Deferred scripts run before DOMContentLoaded: wait for it so every builder is registered.
  if (document.readyState === "complete") {
    start();
  } else {
    document.addEventListener("DOMContentLoaded", start);
  }
})();
