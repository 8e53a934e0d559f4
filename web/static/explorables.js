// Render every Peak Data explorable: a Vega-Lite spec with its precomputed data.
// Vega, Vega-Lite and vega-embed are served by the site (see web/peakdata_site.py). Nothing is
// fetched until a chart comes near the viewport: then its data (a small script the build wrote
// next to the page's assets, so the site also works opened from file://) and, once per page, the
// three Vega bundles are loaded, and the chart is drawn. Text and first paint never wait for them.
(() => {
  const MIN_PANEL = 240; // px of plot per panel before two panels share a row
  const AXES = 64; // px an axis and its title take beside a plot
  const GAP = 24; // px between panels (the spec's spacing)
  const HERE = document.currentScript ? document.currentScript.src : document.baseURI;
  const VEGA = ["vega", "vega-lite", "vega-embed"];
  const vegaUrl = (name) => new URL(`vendor/vega/${name}.min.js`, HERE).href;

  function loadScript(src) {
    return new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = () => reject(new Error(`could not load ${src}`));
      document.head.appendChild(script);
    });
  }

  // Vega's bundles are UMD: on a page that also carries require.js (saved widget state) they
  // must be loaded as AMD modules, or require.js fails with "Mismatched anonymous define()".
  let vegaLoading = null;
  function loadVega() {
    if (window.vegaEmbed) return Promise.resolve(window.vegaEmbed);
    if (!vegaLoading) {
      if (typeof window.define === "function" && window.define.amd && window.require) {
        const paths = {};
        for (const name of VEGA) paths[name] = vegaUrl(name).replace(/\.js$/, "");
        window.require.config({ paths });
        vegaLoading = new Promise((resolve, reject) =>
          window.require(["vega-embed"], (embed) => resolve(embed.default || embed), reject),
        );
      } else {
        vegaLoading = VEGA.reduce((done, name) => done.then(() => loadScript(vegaUrl(name))),
          Promise.resolve()).then(() => window.vegaEmbed);
      }
    }
    return vegaLoading;
  }

  // The spec is either inline (a JSON script in the box) or in a data script named by data-src,
  // which stores it in window.peakdataSpecs under its id.
  function loadSpec(box) {
    const holder = box.querySelector(".peakdata-explorable-spec");
    if (!holder.dataset.src) return Promise.resolve(JSON.parse(holder.textContent));
    const id = holder.dataset.id;
    const specs = (window.peakdataSpecs = window.peakdataSpecs || {});
    if (specs[id]) return Promise.resolve(specs[id]);
    return loadScript(new URL(holder.dataset.src, document.baseURI).href).then(() => {
      if (!specs[id]) throw new Error(`no data in ${holder.dataset.src}`);
      return specs[id];
    });
  }

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
    const chart = box.querySelector(".peakdata-explorable-chart");
    const controls = box.querySelector(".peakdata-explorable-controls");
    Promise.all([loadSpec(box), loadVega()])
      .then(([spec, vegaEmbed]) => {
        fit(spec, chart.clientWidth || box.clientWidth || 320);
        const options = { actions: false, renderer: "svg" };
        if (controls) options.bind = controls;
        return vegaEmbed(chart, spec, options);
      })
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

  function start() {
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
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
