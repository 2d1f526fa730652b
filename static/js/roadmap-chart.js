/*
 * The roadmap's Gantt chart (see static/js/charts.js, loaded first, and
 * tracker/plans/roadmap_chart.py): floating bars per action, the baseline hatched beside the
 * forecast in the area's colour, what moved since an "as of" quarter striped; milestones as
 * points whose shape says done (diamond), late (triangle) or upcoming (circle); fiscal-year
 * gridlines, and a "today" line drawn by a small plugin object defined here. Clicking an action's
 * bar or milestone opens the action's page (the table's links do the same from the keyboard).
 */
(function () {
  "use strict";

  const { BUILDERS, TEXT, pattern, formatsFor } = window.TrackerCharts;
  const DAY = 24 * 60 * 60 * 1000;
  const MILESTONE_POINTS = { "milestone-done": "rectRot", "milestone-late": "triangle", "milestone-upcoming": "circle" };
  const MILESTONE_COLOURS = { "milestone-done": "#1e5b2a", "milestone-late": "#b3261e", "milestone-upcoming": "#1b1f24" };

  // The roadmap's vertical lines: today (solid) and the as-of date (dashed), labelled on top.
  const markerLines = {
    id: "markerLines",
    afterDatasetsDraw(chart, args, options) {
      const scale = chart.scales.x;
      const area = chart.chartArea;
      const ctx = chart.ctx;
      (options.lines || []).forEach((line) => {
        if (line.value < scale.min || line.value > scale.max) return;
        const x = scale.getPixelForValue(line.value);
        const colour = line.key === "today" ? "#b3261e" : TEXT;
        ctx.save();
        ctx.strokeStyle = ctx.fillStyle = colour;
        ctx.lineWidth = 2;
        ctx.setLineDash(line.key === "today" ? [] : [6, 4]);
        ctx.beginPath();
        ctx.moveTo(x, area.top);
        ctx.lineTo(x, area.bottom);
        ctx.stroke();
        ctx.font = "600 12px system-ui, sans-serif";
        ctx.textAlign = "center";
        ctx.textBaseline = "bottom";
        ctx.fillText(line.label, x, area.top - 2);
        ctx.restore();
      });
    },
  };

  function tint(hex) {
    return hex + "55"; // the area colour at one third strength
  }

  /** The roadmap: floating bars per action (baseline hatched, forecast solid, moved striped),
   *  milestones as points whose shape says done, late or upcoming. */
  function ganttChart(payload, canvas) {
    const rows = payload.rows;
    const colourAt = (ctx) => (rows[ctx.dataIndex] ? rows[ctx.dataIndex].colour : "#545d66");
    const bar = {
      baseline: (ds) => ({ backgroundColor: (ctx) => pattern(tint(colourAt(ctx)), "diagonal", colourAt(ctx)), borderColor: colourAt, borderWidth: 1 }),
      forecast: (ds) => ({ backgroundColor: colourAt, borderColor: colourAt, borderWidth: 1 }),
      moved: (ds) => ({ backgroundColor: (ctx) => pattern("#ffffff", "backslash", "#b45309"), borderColor: "#b45309", borderWidth: 2 }),
    };
    const datasets = payload.datasets.map((ds) => {
      if (MILESTONE_POINTS[ds.key]) {
        return {
          type: "scatter",
          key: ds.key,
          label: ds.label,
          data: ds.data,
          pointStyle: MILESTONE_POINTS[ds.key],
          pointRadius: 6,
          pointHoverRadius: 8,
          clip: false,
          backgroundColor: ds.key === "milestone-upcoming" ? "#ffffff" : MILESTONE_COLOURS[ds.key],
          borderColor: MILESTONE_COLOURS[ds.key],
          borderWidth: 2,
        };
      }
      return Object.assign({ type: "bar", key: ds.key, label: ds.label, data: ds.data, skipNull: true, pointStyle: "rect" }, bar[ds.key](ds));
    });
    canvas.parentNode.style.height = `${Math.max(12, rows.length * 34 + 110)}px`;
    const years = new Map(payload.axis.years.map((y) => [y.value, y.label]));
    const rowOf = (code) => rows.find((row) => row.code === code);
    const format = formatsFor(payload.locale);
    return {
      type: "bar",
      data: { labels: payload.labels, datasets: datasets },
      options: {
        indexAxis: "y",
        layout: { padding: { top: 18 } },
        scales: {
          x: {
            type: "linear",
            min: payload.axis.min,
            max: payload.axis.max,
            afterBuildTicks: (scale) => { scale.ticks = payload.axis.years.map((y) => ({ value: y.value })); },
            ticks: { color: TEXT, autoSkip: false, maxRotation: 0, callback: (value) => years.get(value) || "" },
            grid: { color: "#8a939c" },
          },
          y: { type: "category", ticks: { color: TEXT, autoSkip: false }, grid: { display: false } },
        },
        plugins: {
          legend: { position: "bottom", labels: { color: TEXT, usePointStyle: true, generateLabels: ganttLegend } },
          tooltip: {
            callbacks: {
              title: (items) => {
                const raw = items[0].raw;
                const row = rowOf(raw && raw.y ? raw.y : items[0].label);
                return row ? `${row.code} ${row.title} (${row.area})` : "";
              },
              label: (item) => {
                if (Array.isArray(item.raw)) {
                  return format.labelled(item.dataset.label, `${format.date(item.raw[0])} – ${format.date(item.raw[1] - DAY)}`);
                }
                return format.labelled(item.dataset.label, `${format.date(item.raw.x)} ${item.raw.title}`);
              },
            },
          },
          markerLines: { lines: payload.markers },
        },
        onClick: (event, elements, chart) => {
          const hit = elements[0];
          if (!hit) return;
          const raw = chart.data.datasets[hit.datasetIndex].data[hit.index];
          const row = rowOf(raw && raw.y ? raw.y : chart.data.labels[hit.index]);
          if (row) window.location.assign(row.url);
        },
        onHover: (event, elements, chart) => {
          chart.canvas.style.cursor = elements.length ? "pointer" : "default";
        },
      },
      plugins: [markerLines],
    };
  }

  /** Legend entries of the roadmap in neutral grey (bars take their area's colour). */
  function ganttLegend(chart) {
    const items = Chart.defaults.plugins.legend.labels.generateLabels(chart);
    return items.map((item) => {
      const key = chart.data.datasets[item.datasetIndex].key;
      if (["baseline", "forecast", "moved"].includes(key)) {
        item.pointStyle = "rect";
        item.fillStyle = { baseline: pattern("#c9d1d9", "diagonal", "#545d66"), forecast: "#545d66", moved: pattern("#ffffff", "backslash", "#b45309") }[key];
        item.strokeStyle = key === "moved" ? "#b45309" : "#545d66";
      }
      return item;
    });
  }

  BUILDERS.gantt = ganttChart;
})();
