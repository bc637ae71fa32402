// Entry of the dashboard's partial plotly.js bundle (built by scripts/build_plotly_bundle.sh).
// Only the trace types the dashboard draws are registered: every other trace type, and the
// WebGL/MapLibre code they pull in, stays out of the file the browser downloads.
'use strict';

// core registers the scatter trace and the components (legend, modebar, hover, ...).
var Plotly = require('plotly.js/lib/core');

Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/choropleth'),
    require('plotly.js/lib/scattergeo'),
    // config={"locale": "fr"} on a graph then works with no extra script.
    require('plotly.js/lib/locales/fr')
]);

module.exports = Plotly;
