// The script an HTML report runs in the browser: it reads the chart specs (charts.ts) from the page's JSON
// block and draws each with the inlined uPlot. It is text here, not a module, because it runs in a page
// with no loader and no network; test/e2e/report.test.ts runs it in Chromium. Plain ES2017, no
// dependencies besides `uPlot`. Every chart container gets data-points (values drawn) once drawn, and a
// failure is logged to the console (which the e2e test treats as an error).
export const CHART_CLIENT_JS = String.raw`(function () {
  'use strict';
  var dataEl = document.getElementById('loadctl-charts');
  if (!dataEl || typeof uPlot !== 'function') return;
  var payload = JSON.parse(dataEl.textContent || '{}');
  var specs = payload.charts || [];
  var words = payload.words || {};

  function fmtMs(v) {
    if (v == null || !isFinite(v)) return '–';
    if (v === 0) return '0';
    if (v < 1) return (v * 1000).toFixed(0) + 'µs';
    if (v < 10) return v.toFixed(2) + 'ms';
    if (v < 1000) return v.toFixed(1) + 'ms';
    return (v / 1000).toFixed(2) + 's';
  }
  function fmtNum(v) {
    if (v == null || !isFinite(v)) return '–';
    if (Math.abs(v) >= 100 || Number.isInteger(v)) return Math.round(v).toLocaleString('en-US');
    return v.toFixed(1);
  }
  function fmtBytes(v) {
    if (v == null || !isFinite(v)) return '–';
    var units = ['B', 'kB', 'MB', 'GB', 'TB'];
    var i = 0;
    while (Math.abs(v) >= 1000 && i < units.length - 1) { v /= 1000; i++; }
    return (i === 0 || v >= 100 ? Math.round(v) : v.toFixed(1)) + ' ' + units[i];
  }
  function fmt(unit, v) {
    if (unit === 'ms') return fmtMs(v);
    if (unit === 'bytes') return fmtBytes(v);
    if (unit === 'percent') return v == null ? '–' : (v * 100).toFixed(2) + '%';
    if (unit === 'per-second') return v == null ? '–' : fmtNum(v) + '/s';
    return fmtNum(v);
  }

  function build(spec, el) {
    var few = spec.x.length <= 30;
    var stacked = spec.style === 'stacked-bars';
    var category = spec.axis === 'category';
    var raw = spec.series.map(function (s) { return s.values; });
    var data = [spec.x];
    if (stacked) {
      // Series i is drawn as the sum of series i..n, so each bar shows its own share on top of the next.
      for (var i = 0; i < raw.length; i++) {
        data.push(spec.x.map(function (_, j) {
          var sum = 0;
          for (var k = i; k < raw.length; k++) sum += raw[k][j] || 0;
          return sum;
        }));
      }
    } else {
      raw.forEach(function (v) { data.push(v); });
    }
    var bars = stacked ? uPlot.paths.bars({ size: [0.6, 90], align: 0 }) : null;
    var series = [{
      label: spec.xLabel || (category ? '' : (words.seconds || 's')),
      value: function (u, v) {
        if (v == null) return '–';
        return category ? (spec.categories[v] || '') : v + ' s';
      }
    }];
    // A chart with scales of its own (the server's CPU over latency and requests/s) gives each series one.
    var scales = spec.scales || [];
    var unitOf = {};
    scales.forEach(function (sc) { unitOf[sc.id] = sc.unit; });
    spec.series.forEach(function (s, i) {
      var unit = (s.scale && unitOf[s.scale]) || spec.unit;
      series.push({
        label: s.label,
        scale: s.scale || 'y',
        stroke: s.color,
        width: stacked ? 1 : 2,
        fill: stacked ? s.color + 'd0' : undefined,
        dash: s.dash ? [6, 4] : undefined,
        spanGaps: true,
        paths: bars || undefined,
        points: { show: !stacked && (few || category), size: 7, fill: s.color },
        value: function (u, v, si, idx) {
          var shown = stacked && idx != null ? raw[i][idx] : v;
          return fmt(unit, shown);
        }
      });
    });
    var maxX = spec.x.length ? spec.x[spec.x.length - 1] : 1;
    var yScales = {
      y: {
        range: function (u, min, max) { return [0, max > 0 ? max * 1.1 : 1]; }
      }
    };
    var yAxes = [{
      size: 64,
      values: function (u, splits) {
        return splits.map(function (v) { return fmt(spec.unit, v); });
      }
    }];
    if (scales.length > 0) {
      yScales = {};
      yAxes = scales.map(function (sc, k) {
        var floor = sc.min || 0;
        yScales[sc.id] = {
          range: function (u, min, max) {
            var top = Math.max(floor, max > 0 ? max * (floor && max <= floor ? 1 : 1.1) : 0);
            return [0, top > 0 ? top : 1];
          }
        };
        return {
          scale: sc.id,
          side: sc.side === 'right' ? 1 : 3,
          size: 64,
          label: sc.label,
          labelSize: sc.label ? 18 : 0,
          grid: { show: k === 0 },
          values: function (u, splits) {
            return splits.map(function (v) {
              return sc.unit === 'percent' ? Math.round(v * 100) + '%' : fmt(sc.unit, v);
            });
          }
        };
      });
    }
    var xScale = {
      time: false,
      range: category
        ? function () { return [-0.5, spec.x.length - 0.5]; }
        : function () { return [0, Math.max(1, maxX)]; }
    };
    var allScales = { x: xScale };
    Object.keys(yScales).forEach(function (k) { allScales[k] = yScales[k]; });
    var opts = {
      width: Math.max(280, el.clientWidth),
      height: 260,
      series: series,
      legend: { live: true },
      cursor: { drag: { x: false, y: false } },
      scales: allScales,
      axes: [
        category
          ? {
              splits: function () { return spec.x; },
              values: function (u, splits) {
                return splits.map(function (i) { return spec.categories[i] || ''; });
              },
              grid: { show: false }
            }
          : {
              values: function (u, splits) {
                return splits.map(function (v) { return v + ' s'; });
              }
            }
      ].concat(yAxes)
    };
    var plot = new uPlot(opts, data, el);
    var drawn = 0;
    raw.forEach(function (v) { v.forEach(function (x) { if (x != null) drawn++; }); });
    el.setAttribute('data-points', String(drawn));
    return plot;
  }

  var plots = [];
  specs.forEach(function (spec) {
    var el = document.querySelector('[data-chart="' + spec.id + '"]');
    if (!el) return;
    try {
      plots.push({ el: el, plot: build(spec, el) });
    } catch (err) {
      el.textContent = String(err && err.message ? err.message : err);
      console.error('loadctl: chart ' + spec.id + ' could not be drawn:', err);
    }
  });
  var pending = 0;
  window.addEventListener('resize', function () {
    clearTimeout(pending);
    pending = setTimeout(function () {
      plots.forEach(function (p) { p.plot.setSize({ width: Math.max(280, p.el.clientWidth), height: 260 }); });
    }, 100);
  });
})();
`;
