// Render every Peak Data explorable on the page: a Vega-Lite spec stored next to its chart.
// Vega, Vega-Lite and vega-embed are served by the site (see web/peakdata_site.py).
document.addEventListener("DOMContentLoaded", () => {
  for (const box of document.querySelectorAll(".peakdata-explorable")) {
    const spec = JSON.parse(box.querySelector(".peakdata-explorable-spec").textContent);
    const chart = box.querySelector(".peakdata-explorable-chart");
    vegaEmbed(chart, spec, { actions: false, renderer: "svg" })
      .then((result) => {
        box.classList.add("is-ready");
        box.peakdataView = result.view;
      })
      .catch((error) => {
        chart.textContent = "This chart could not be drawn: " + error.message;
        console.error(error);
      });
  }
});
