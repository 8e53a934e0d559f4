// Render every Peak Data explorable: a Vega-Lite spec stored next to its chart.
// Vega, Vega-Lite and vega-embed are served by the site (see web/peakdata_site.py). A chart is
// parsed and drawn only when it comes near the viewport, so its data never delays first paint.
(() => {
  const MIN_PANEL = 240; // px of plot per panel before two panels share a row
  const AXES = 64; // px an axis and its title take beside a plot
  const GAP = 24; // px between panels (the spec's spacing)

  // Fit the panels to the width of the page: side by side when there is room, else stacked.
  function fit(spec, width) {
    const kinds = (spec.usermeta && spec.usermeta.peakdata && spec.usermeta.peakdata.panels) || [];
    const panels = spec.concat || [];
    const columns = panels.length > 1 && width >= 2 * (MIN_PANEL + AXES) + GAP ? 2 : 1;
    const cell = Math.floor((width - (columns - 1) * GAP) / columns) - 2 * (spec.padding || 0);
    spec.columns = columns;
    spec.spacing = GAP;
    // every panel gets the plot width of a panel with axes: Vega aligns the panels of a column
    // on their plots, so a panel without axes still starts where the others' plots start
    panels.forEach((panel, k) => {
      panel.width = Math.max(120, cell - AXES - 8);
      if (kinds[k] === "readout" && panel.layer) panel.layer[1].mark.x = panel.width;
    });
    return spec;
  }

  function render(box) {
    if (box.dataset.peakdataState) return;
    box.dataset.peakdataState = "loading";
    const spec = JSON.parse(box.querySelector(".peakdata-explorable-spec").textContent);
    const chart = box.querySelector(".peakdata-explorable-chart");
    const controls = box.querySelector(".peakdata-explorable-controls");
    fit(spec, chart.clientWidth || box.clientWidth || 320);
    const options = { actions: false, renderer: "svg" };
    if (controls) options.bind = controls;
    vegaEmbed(chart, spec, options)
      .then((result) => {
        box.classList.add("is-ready");
        box.dataset.peakdataState = "ready";
        box.peakdataView = result.view;
      })
      .catch((error) => {
        chart.textContent = "This chart could not be drawn: " + error.message;
        console.error(error);
      });
  }

  document.addEventListener("DOMContentLoaded", () => {
    const boxes = document.querySelectorAll(".peakdata-explorable");
    if (!("IntersectionObserver" in window)) {
      boxes.forEach(render);
      return;
    }
    const observer = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) {
          if (entry.isIntersecting) {
            observer.unobserve(entry.target);
            render(entry.target);
          }
        }
      },
      { rootMargin: "600px 0px" },
    );
    boxes.forEach((box) => observer.observe(box));
  });
})();
