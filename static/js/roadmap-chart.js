/*
 * The roadmap's Gantt chart (see static/js/charts.js, loaded first, and
 * tracker/plans/roadmap_chart.py): floating bars per action, the baseline hatched beside the
 * forecast in the area's colour, what moved since an "as of" quarter striped; milestones as
 * points whose shape says done (diamond), late (triangle) or upcoming (circle); fiscal-year
 * gridlines, and a "today" line drawn by a small plugin object defined here. Fiscal years and
 * their quarters head the chart; each row is labelled by the action's code and title (cut short
 * to fit, in full in a tooltip and in the table), and the legend names the area of each colour.
 * Clicking an action's bar, milestone or row label opens the action's page (the table's links do
 * the same from the keyboard).
 */
(function () {
  "use strict";

  const { BUILDERS, TEXT, pattern, formatsFor } = window.TrackerCharts;
  const DAY = 24 * 60 * 60 * 1000;
  const MILESTONE_POINTS = { "milestone-done": "rectRot", "milestone-late": "triangle", "milestone-upcoming": "circle" };
  const MILESTONE_COLOURS = { "milestone-done": "#1e5b2a", "milestone-late": "#b3261e", "milestone-upcoming": "#1b1f24" };

  // The roadmap's vertical lines: today (solid) and the as-of date (dashed), labelled above the
  // time axes (in the layout's top padding), the line running down through them.
  const markerLines = {
    id: "markerLines",
    afterDatasetsDraw(chart, args, options) {
      const scale = chart.scales.x;
      const area = chart.chartArea;
      const ctx = chart.ctx;
      const top = Math.min(scale.top, chart.scales.years ? chart.scales.years.top : scale.top);
      (options.lines || []).forEach((line) => {
        if (line.value < scale.min || line.value > scale.max) return;
        const x = scale.getPixelForValue(line.value);
        const colour = line.key === "today" ? "#b3261e" : TEXT;
        ctx.save();
        ctx.strokeStyle = ctx.fillStyle = colour;
        ctx.lineWidth = 2;
        ctx.setLineDash(line.key === "today" ? [] : [6, 4]);
        ctx.beginPath();
        ctx.moveTo(x, top);
        ctx.lineTo(x, area.bottom);
        ctx.stroke();
        ctx.font = "600 12px system-ui, sans-serif";
        ctx.textAlign = "center";
        ctx.textBaseline = "bottom";
        ctx.fillText(line.label, x, top - 2);
        ctx.restore();
      });
    },
  };

  function tint(hex) {
    return hex + "55"; // the area colour at one third strength
  }

  /** A row's label: the action's code, then as much of its title as the chart's width allows. */
  function rowLabel(row, width) {
    if (!row) return "";
    const room = width < 480 ? 0 : width < 800 ? 20 : 36;
    if (!room || !row.title) return row.code;
    const title = row.title.length > room ? `${row.title.slice(0, room - 1).trimEnd()}…` : row.title;
    return `${row.code} ${title}`;
  }

  /** The row whose label is under the pointer (left of the bars), or null. */
  function rowAtLabel(chart, event, rows) {
    const area = chart.chartArea;
    if (event.x >= area.left || event.y < area.top || event.y > area.bottom) return null;
    const index = Math.round(chart.scales.y.getValueForPixel(event.y));
    return rows[index] || null;
  }

  /** Row labels as links: Chart.js calls onHover and onClick only over the bars, so this plugin
   *  watches the events left of them: the full title as the canvas's tooltip, a click opens. */
  function rowLinks(rows) {
    return {
      id: "rowLinks",
      afterEvent(chart, args) {
        if (args.inChartArea) return; // onHover and onClick of the chart's options
        const event = args.event;
        const row = event.type === "mouseout" ? null : rowAtLabel(chart, event, rows);
        chart.canvas.title = row ? `${row.code} ${row.title} (${row.area})` : "";
        chart.canvas.style.cursor = row ? "pointer" : "default";
        if (row && event.type === "click") window.location.assign(row.url);
      },
    };
  }

  /** The middle of each span between `starts` (and `max`): where a year's label goes. */
  function middles(starts, min, max) {
    return starts.map((s, i) => {
      const from = Math.max(s.value, min);
      const to = Math.min(i + 1 < starts.length ? starts[i + 1].value : max, max);
      return { value: (from + to) / 2, label: s.label };
    });
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
    const narrow = canvas.parentNode.clientWidth < 600;
    canvas.parentNode.style.height = `${Math.max(12, rows.length * 34 + (narrow ? 260 : 170))}px`;
    const axis = payload.axis;
    const yearStarts = new Set(axis.years.map((y) => y.value));
    const yearMiddles = middles(axis.years, axis.min, axis.max);
    const yearAt = new Map(yearMiddles.map((y) => [y.value, y.label]));
    const quarters = axis.quarters || [];
    const quarterAt = new Map(quarters.map((q) => [q.value, q.label]));
    const texts = payload.texts || {};
    const rowOf = (code) => rows.find((row) => row.code === code);
    const format = formatsFor(payload.locale);
    return {
      type: "bar",
      data: { labels: payload.labels, datasets: datasets },
      options: {
        indexAxis: "y",
        layout: { padding: { top: 18 } },
        scales: {
          // Quarters next to the bars, each label just after its first day; a darker line opens
          // each fiscal year, whose name sits above its four quarters.
          x: {
            type: "linear",
            position: "top",
            weight: 0,
            min: axis.min,
            max: axis.max,
            afterBuildTicks: (scale) => { scale.ticks = quarters.map((q) => ({ value: q.value })); },
            ticks: { color: TEXT, autoSkip: true, autoSkipPadding: 4, maxRotation: 0, align: "start", callback: (value) => quarterAt.get(value) || "" },
            grid: {
              color: (ctx) => (ctx.tick && yearStarts.has(ctx.tick.value) ? "#6b7680" : "#d5dbe1"),
              lineWidth: (ctx) => (ctx.tick && yearStarts.has(ctx.tick.value) ? 2 : 1),
            },
          },
          years: {
            type: "linear",
            position: "top",
            weight: 1,
            min: axis.min,
            max: axis.max,
            afterBuildTicks: (scale) => { scale.ticks = yearMiddles.map((y) => ({ value: y.value })); },
            ticks: {
              color: TEXT,
              autoSkip: false,
              maxRotation: 0,
              font: { weight: "600" },
              // On a phone a year is some fifty pixels wide: "2016-2017" becomes "16-17".
              callback(value) {
                const label = yearAt.get(value) || "";
                const perYear = (this.chart.width - 60) / Math.max(1, yearMiddles.length);
                return perYear < 90 ? label.replace(/\b\d{2}(\d{2})\b/g, "$1") : label;
              },
            },
            grid: { display: false },
            border: { display: false },
          },
          y: {
            type: "category",
            ticks: {
              color: TEXT,
              autoSkip: false,
              callback(value, index) { return rowLabel(rows[index], this.chart.width); },
            },
            grid: { display: false },
          },
        },
        plugins: {
          legend: {
            position: "bottom",
            title: { display: Boolean(texts.areas), text: texts.areas, color: TEXT, font: { weight: "600" } },
            labels: { color: TEXT, usePointStyle: true, generateLabels: (chart) => ganttLegend(chart, payload.areas || []) },
            onClick: (event, item, legend) => {
              if (item.datasetIndex === undefined) return; // an area's colour: nothing to hide
              Chart.defaults.plugins.legend.onClick.call(legend, event, item, legend);
            },
          },
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
          chart.canvas.title = "";
          chart.canvas.style.cursor = elements.length ? "pointer" : "default";
        },
      },
      plugins: [markerLines, rowLinks(rows)],
    };
  }

  /** The roadmap's legend: one entry per strategic area in its colour (the bars' colour), then
   *  the series in neutral grey, told apart by their pattern and the milestones by shape. */
  function ganttLegend(chart, areas) {
    const items = Chart.defaults.plugins.legend.labels.generateLabels(chart);
    const areaItems = areas.map((area) => ({
      text: area.name,
      fillStyle: area.colour,
      strokeStyle: area.colour,
      lineWidth: 1,
      pointStyle: "rect",
      fontColor: TEXT,
      hidden: false,
    }));
    return areaItems.concat(items.map((item) => {
      const key = chart.data.datasets[item.datasetIndex].key;
      if (["baseline", "forecast", "moved"].includes(key)) {
        item.pointStyle = "rect";
        item.fillStyle = { baseline: pattern("#c9d1d9", "diagonal", "#545d66"), forecast: "#545d66", moved: pattern("#ffffff", "backslash", "#b45309") }[key];
        item.strokeStyle = key === "moved" ? "#b45309" : "#545d66";
      }
      return item;
    }));
  }

  BUILDERS.gantt = ganttChart;
})();
