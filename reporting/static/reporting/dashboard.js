// Draws the dashboard's charts from the numbers the page embeds (the same numbers as its tables).
(function () {
  "use strict";
  const source = document.getElementById("kpi-charts");
  if (!source || typeof Chart === "undefined") return;
  const charts = JSON.parse(source.textContent);
  const palette = ["#0b62d6", "#2e7d32", "#ef6c00", "#8e24aa", "#c62828", "#00838f", "#6d4c41"];
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.maintainAspectRatio = false;
  // The page is read as a whole; animating nine charts at once only delays it.
  Chart.defaults.animation = false;

  function options(spec) {
    const scales = {};
    const value = spec.horizontal ? "x" : "y";
    const category = spec.horizontal ? "y" : "x";
    scales[value] = { beginAtZero: true, stacked: !!spec.stacked };
    // Counts of tickets and calls have no fractions: no 0.5 ticks on their axis.
    if (spec.integer) scales[value].ticks = { precision: 0 };
    scales[category] = { stacked: !!spec.stacked };
    if (spec.percent_axis) scales.y = { min: 0, max: 100, title: { display: true, text: "%" } };
    if (spec.datasets.some(function (d) { return d.axis === "score"; })) {
      scales.score = { position: "right", min: 1, max: 5, grid: { drawOnChartArea: false } };
    }
    return {
      indexAxis: spec.horizontal ? "y" : "x",
      scales: scales,
      spanGaps: true,
      plugins: { legend: { display: spec.datasets.length > 1, position: "bottom" } },
    };
  }

  Object.keys(charts).forEach(function (key) {
    const canvas = document.getElementById("chart-" + key);
    if (!canvas) return;
    const spec = charts[key];
    const datasets = spec.datasets.map(function (d, i) {
      const colour = palette[i % palette.length];
      return { label: d.label, data: d.data, yAxisID: d.axis === "score" ? "score" : undefined,
               borderColor: colour, backgroundColor: spec.type === "line" ? colour : colour + "cc",
               tension: 0, pointRadius: 3 };
    });
    canvas.closest(".chart").dataset.drawn = "1";
    new Chart(canvas, { type: spec.type, data: { labels: spec.labels, datasets: datasets }, options: options(spec) });
  });
})();
