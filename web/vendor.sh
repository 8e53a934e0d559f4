#!/usr/bin/env bash
# Copy the scripts the site serves itself from node_modules (pinned in package-lock.json) into
# static/vendor, which is committed: building the book needs no Node.js. Run after a version bump.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --ignore-scripts
out=static/vendor
rm -rf "$out" && mkdir -p "$out"/{vega,requirejs,html-manager,mathjax}
nm=node_modules
cp $nm/vega/build/vega.min.js $nm/vega/LICENSE "$out/vega/"
cp $nm/vega-lite/build/vega-lite.min.js "$out/vega/"
cp $nm/vega-lite/LICENSE "$out/vega/LICENSE.vega-lite"
cp $nm/vega-embed/build/vega-embed.min.js "$out/vega/"
cp $nm/vega-embed/LICENSE "$out/vega/LICENSE.vega-embed"
cp $nm/requirejs/require.js "$out/requirejs/"
cp $nm/@jupyter-widgets/html-manager/dist/embed-amd.js "$out/html-manager/"
cp $nm/@jupyter-widgets/html-manager/dist/*.woff2 "$out/html-manager/"
cp $nm/@jupyter-widgets/html-manager/LICENSE "$out/html-manager/" 2>/dev/null \
  || cp $nm/@jupyter-widgets/html-manager/dist/embed.js.LICENSE.txt "$out/html-manager/LICENSE"
# MathJax 3: the TeX-to-HTML bundle, its fonts and the extensions its autoloader may ask for
mkdir -p "$out/mathjax/output/chtml/fonts" "$out/mathjax/input/tex"
cp $nm/mathjax/es5/tex-mml-chtml.js $nm/mathjax/LICENSE "$out/mathjax/"
cp -r $nm/mathjax/es5/output/chtml/fonts/woff-v2 "$out/mathjax/output/chtml/fonts/"
cp -r $nm/mathjax/es5/input/tex/extensions "$out/mathjax/input/tex/"
# KaTeX typesets the maths at build time (web/peakdata_katex.py runs it with Node.js): its script
# stays out of the site; the stylesheet and fonts are copied there, subset, by the build
rm -rf katex && mkdir -p katex/fonts
cp $nm/katex/dist/katex.min.js $nm/katex/dist/katex.min.css $nm/katex/LICENSE katex/
cp $nm/katex/dist/fonts/*.woff2 katex/fonts/
node -e 'const l=require("./package-lock.json").packages; for (const p of ["vega","vega-lite","vega-embed","requirejs","@jupyter-widgets/html-manager","mathjax","katex"]) console.log(p, l["node_modules/"+p].version)' > "$out/VERSIONS.txt"
du -sh "$out" katex
